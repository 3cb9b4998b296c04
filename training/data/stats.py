"""Distributions of a labelled corpus, as tables that can be printed or written to a card."""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from nlp.labels import CHANNELS, COMPLAINT_LABELS, RETENTION_URGENCY, SENTIMENTS, URGENCIES
from training.data.breadth import openings, phrases
from training.data.records import TicketRecord
from training.data.textshape import LENGTH_BUCKETS, length_bucket, surface_traits

NOT_HARD = frozenset({"praise", "question"})
"""Author tags that describe the message's kind, not a difficulty."""


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[str]
    columns: list[str]
    cells: list[list[str]]


def hard_case_traits(record: TicketRecord) -> set[str]:
    """Author-declared hard-case tags plus the traits detectable from the text."""
    return (set(record.tags) - NOT_HARD) | surface_traits(record.text)


def cardinality(record: TicketRecord) -> str:
    count = len(record.labels)
    return "3+ labels" if count >= 3 else f"{count} label{'s' if count != 1 else ''}"


def summary(records: Sequence[TicketRecord]) -> Counter:
    complaints = [record for record in records if record.labels]
    multi = sum(len(record.labels) >= 2 for record in complaints)
    return Counter(
        {
            "records": len(records),
            "no complaint": len(records) - len(complaints),
            "2+ labels (of complaint records)": multi,
            "hard cases": sum(bool(hard_case_traits(record)) for record in records),
            "retention flag (urgency high)": sum(record.urgency == RETENTION_URGENCY for record in records),
        }
    )


Dimension = tuple[Callable[[TicketRecord], Sequence[str]], Sequence[str]]
"""A record's values in one dimension, and the order to list them in (by count when empty)."""

DIMENSIONS: dict[str, Dimension] = {
    "complaint labels": (lambda r: r.labels, COMPLAINT_LABELS),
    "label count": (lambda r: [cardinality(r)], ("0 labels", "1 label", "2 labels", "3+ labels")),
    "sentiment": (lambda r: [r.sentiment or "not annotated"], (*SENTIMENTS, "not annotated")),
    "urgency": (lambda r: [r.urgency or "not annotated"], (*URGENCIES, "not annotated")),
    "channel": (lambda r: [r.channel or "unknown"], (*CHANNELS, "unknown")),
    "length": (
        lambda r: [length_bucket(r.text)],
        tuple(f"{low}–{high} words" for low, high in LENGTH_BUCKETS),
    ),
    "domain": (lambda r: [r.domain or "unknown"], ()),
    "hard-case traits": (lambda r: sorted(hard_case_traits(r)), ()),
}


def count_dimension(records: Sequence[TicketRecord], name: str) -> Counter:
    values_of, _ = DIMENSIONS[name]
    return Counter(value for record in records for value in values_of(record))


def build_tables(
    groups: Mapping[str, Sequence[TicketRecord]], labels: Sequence[str] = COMPLAINT_LABELS
) -> list[Table]:
    """One table per dimension; a column per group (file) plus «all» when there are several.

    Percentages are shares of the group's records (so multi-valued dimensions such as labels
    and traits need not add up to 100 %). Complaint labels come in the order of `labels` (a
    label file's), then any other label found, sorted.
    """
    if len(groups) > 1:
        groups = {**groups, "all": [record for group in groups.values() for record in group]}
    sizes = {name: len(records) for name, records in groups.items()}
    summaries = {name: summary(records) for name, records in groups.items()}
    tables = [Table(*_summary_rows(summaries))]
    for name, (_, order) in DIMENSIONS.items():
        order = labels if name == "complaint labels" else order
        counts = {group: count_dimension(records, name) for group, records in groups.items()}
        tables.append(_table(name, counts, order, sizes))
    return tables + _breadth_tables(groups[list(groups)[-1]])


def _breadth_tables(records: Sequence[TicketRecord], top: int = 10) -> list[Table]:
    """The most repeated 3-word openings and 5-word phrases, over all records."""
    texts = [record.text for record in records]
    tables = []
    for title, counts in (
        ("most repeated openings", openings(texts)),
        ("most repeated phrases", phrases(texts)),
    ):
        common = counts.most_common(top)
        cells = [[f"{count} ({count / len(texts):.1%})"] for _, count in common]
        tables.append(Table(title, [text for text, _ in common], ["texts"], cells))
    return tables


def _table(title: str, counts: dict[str, Counter], order: Sequence[str], sizes: dict[str, int]) -> Table:
    seen = sorted({key for counter in counts.values() for key in counter} - set(order))
    rows = [key for key in order if any(counter[key] for counter in counts.values())] + seen
    if not order:
        rows.sort(key=lambda key: -sum(counter[key] for counter in counts.values()))
    cells = [[_share(counts[group][key], sizes[group]) for group in counts] for key in rows]
    return Table(title, rows, list(counts), cells)


def _summary_rows(summaries: dict[str, Counter]) -> tuple[str, list[str], list[str], list[list[str]]]:
    rows = list(next(iter(summaries.values())))
    cells = [[_summary_cell(counter, key) for counter in summaries.values()] for key in rows]
    return "summary", rows, list(summaries), cells


def _share(value: int, total: int) -> str:
    return f"{value} ({value / total:.0%})" if total else str(value)


def _summary_cell(counter: Counter, key: str) -> str:
    if key == "records":
        return str(counter[key])
    complaint_records = counter["records"] - counter["no complaint"]
    return _share(counter[key], complaint_records if key.startswith("2+") else counter["records"])
