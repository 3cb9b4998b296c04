"""Train/dev/test splits stratified for multi-label data (iterative stratification)."""

from collections.abc import Sequence

import numpy as np

from nlp.labels import COMPLAINT_LABELS, SENTIMENTS, URGENCIES
from training.data.records import TicketRecord

SPLIT_FRACTIONS = {"train": 0.8, "dev": 0.1, "test": 0.1}


def stratification_matrix(records: Sequence[TicketRecord]) -> np.ndarray:
    """One column per complaint label, «no complaint», each sentiment and each urgency.

    The labels: the default 12 (so a split of the corpus is as it always was), then any other
    label found in the records, sorted (a taxonomy of one's own is stratified over too)."""
    found = {name for record in records for name in record.labels}
    labels = [*COMPLAINT_LABELS, *sorted(found - set(COMPLAINT_LABELS))]
    columns = [
        *[lambda r, name=name: name in r.labels for name in labels],
        lambda r: not r.labels,
        *[lambda r, name=name: r.sentiment == name for name in SENTIMENTS],
        *[lambda r, name=name: r.urgency == name for name in URGENCIES],
    ]
    return np.array([[column(record) for column in columns] for record in records], dtype=int)


def stratified_split(records: Sequence[TicketRecord], seed: int = 13) -> dict[str, list[TicketRecord]]:
    """Split 80/10/10 so every label's share is about the same in each part."""
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    matrix = stratification_matrix(records)
    everything = np.arange(len(records))
    holdout = SPLIT_FRACTIONS["dev"] + SPLIT_FRACTIONS["test"]
    first = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=holdout, random_state=seed)
    train_index, rest_index = next(first.split(everything, matrix))
    second = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=0.5, random_state=seed)
    dev_local, test_local = next(second.split(rest_index, matrix[rest_index]))
    parts = {"train": train_index, "dev": rest_index[dev_local], "test": rest_index[test_local]}
    return {name: [records[i] for i in sorted(index)] for name, index in parts.items()}
