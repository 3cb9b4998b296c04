"""Training examples: text plus targets and masks, read from any format by `nlp.io.rows`."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.io.rows import read_rows, split_labels
from nlp.labels import COMPLAINT_LABELS, SENTIMENTS, URGENCIES
from nlp.model import IGNORE
from training.extra import EMOTION_TO_SENTIMENT, ExtraSource, FieldMapping


@dataclass
class Examples:
    texts: list[str]
    complaints: np.ndarray
    """(n, labels) float targets, one column per label of the run's label set."""
    complaint_mask: np.ndarray
    """(n,) 1 where the record carries complaint labels."""
    sentiment: np.ndarray
    """(n,) class index or IGNORE."""
    urgency: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def concatenate(cls, parts: Iterable["Examples"]) -> "Examples":
        parts = list(parts)
        return cls(
            [text for part in parts for text in part.texts],
            *(np.concatenate([getattr(p, name) for p in parts]) for name in _ARRAYS),
        )


_ARRAYS = ("complaints", "complaint_mask", "sentiment", "urgency")
CONTRACT = FieldMapping(fields={"labels": "labels", "sentiment": "sentiment", "urgency": "urgency"})


def read_table(path: Path) -> list[dict]:
    """All rows of a JSONL, CSV, TSV, Parquet or xlsx file; a row that cannot be parsed stops the
    run with its line and reason (`triage data validate` lists them all)."""
    rows = []
    for row in read_rows(path):
        if row.fields is None:
            raise ValueError(f"{path}:{row.line}: {row.error}; run `triage data validate {path}`")
        rows.append(row.fields)
    return rows


def load_rows(path: Path, mapping: FieldMapping = CONTRACT) -> list[dict]:
    """The rows of a file that have a text (an empty CSV cell is no text)."""
    return [row for row in read_table(path) if _has_text(row.get(mapping.text))]


def _has_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def load_examples(
    path: Path, mapping: FieldMapping = CONTRACT, labels: Sequence[str] = COMPLAINT_LABELS
) -> Examples:
    return from_rows(load_rows(path, mapping), mapping, labels, where=path.name)


def load_extra(source: ExtraSource, labels: Sequence[str] = COMPLAINT_LABELS) -> Examples:
    return load_examples(source.path, source.mapping, labels)


def load_texts(path: Path) -> list[str]:
    return [row["text"] for row in load_rows(path)]


def row_labels(row: dict, mapping: FieldMapping = CONTRACT) -> list[str] | None:
    """The record's complaint labels, or None when it carries no complaint annotation."""
    labels = _target(row, mapping, "labels")
    if isinstance(labels, str):  # CSV: «a;b» or a JSON list
        labels = split_labels(labels)
    return [str(label) for label in labels] if isinstance(labels, list) else None


def count_labels(rows: Iterable[dict], mapping: FieldMapping = CONTRACT) -> Counter:
    """How many records carry each label."""
    return Counter(label for row in rows for label in set(row_labels(row, mapping) or ()))


def from_rows(
    rows: list[dict],
    mapping: FieldMapping = CONTRACT,
    labels: Sequence[str] = COMPLAINT_LABELS,
    where: str = "",
) -> Examples:
    """Targets for `labels` (the model's label set); a label outside it is an error, never dropped."""
    known = set(labels)
    if stray := {name: count for name, count in count_labels(rows, mapping).items() if name not in known}:
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(stray.items()))
        raise ValueError(f"{where or 'data'}: labels outside the model's label set: {listed}")
    column = {name: k for k, name in enumerate(labels)}
    complaints = np.zeros((len(rows), len(labels)), dtype=np.float32)
    mask = np.zeros(len(rows), dtype=np.float32)
    sentiment = np.full(len(rows), IGNORE, dtype=np.int64)
    urgency = np.full(len(rows), IGNORE, dtype=np.int64)
    for index, row in enumerate(rows):
        found = row_labels(row, mapping)
        if found is not None:
            complaints[index, [column[name] for name in found]] = 1.0
            mask[index] = 1.0
        sentiment[index] = _class(_target(row, mapping, "sentiment"), SENTIMENTS)
        urgency[index] = _class(_target(row, mapping, "urgency"), URGENCIES)
    return Examples([row[mapping.text] for row in rows], complaints, mask, sentiment, urgency)


def _target(row: dict, mapping: FieldMapping, target: str) -> object:
    source = mapping.fields.get(target)
    value = row.get(source) if source else None
    if isinstance(value, list) and target == "sentiment":
        value = _emotions_to_sentiment(value)
    return mapping.values.get(target, {}).get(value, value) if isinstance(value, str) else value


def _emotions_to_sentiment(emotions: list[str]) -> str | None:
    found = {EMOTION_TO_SENTIMENT[e] for e in emotions if e in EMOTION_TO_SENTIMENT}
    if not emotions:
        return "neutral"
    return found.pop() if len(found) == 1 else None


def _class(value: object, names: tuple[str, ...]) -> int:
    return names.index(value) if value in names else IGNORE
