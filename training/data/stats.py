"""Distributions of a labelled corpus, as tables that can be printed or written to a card."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.labels import CHANNELS, COMPLAINT_LABELS, SENTIMENTS, URGENCIES
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
            "retention flag (urgency high)": sum(record.urgency == "high" for record in records),
        }
    )


DIMENSIONS = {
    "complaint labels": (lambda r: r.labels, COMPLAINT_LABELS),
    "label count": (lambda r: [cardinality(r)], ("0 labels", "1 label", "2 labels", "3+ labels")),
    "sentiment": (lambda r: [r.sentiment], SENTIMENTS),
    "urgency": (lambda r: [r.urgency], URGENCIES),
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


def build_tables(groups: dict[str, Sequence[TicketRecord]]) -> list[Table]:
    """One table per dimension; a column per group (file) plus «all» when there are several."""
    if len(groups) > 1:
        groups = {**groups, "all": [record for group in groups.values() for record in group]}
    tables = [_table("summary", {name: summary(records) for name, records in groups.items()}, ())]
    for name, (_, order) in DIMENSIONS.items():
        counts = {group: count_dimension(records, name) for group, records in groups.items()}
        tables.append(_table(name, counts, order))
    return tables


def _table(title: str, counts: dict[str, Counter], order: Sequence[str]) -> Table:
    seen = sorted({key for counter in counts.values() for key in counter} - set(order))
    rows = [key for key in order if any(counter[key] for counter in counts.values())] + seen
    if not order:
        rows.sort(key=lambda key: -sum(counter[key] for counter in counts.values()))
    columns = list(counts)
    return Table(title, rows, columns, [[_cell(counts[c], key, title) for c in columns] for key in rows])


def _cell(counter: Counter, key: str, title: str) -> str:
    if title == "summary":
        return _summary_cell(counter, key)
    total = counter.total() if title != "complaint labels" else None
    value = counter[key]
    return f"{value} ({value / total:.0%})" if total else str(value)


def _summary_cell(counter: Counter, key: str) -> str:
    value = counter[key]
    if key == "records":
        return str(value)
    base = counter["records"] - counter["no complaint"] if key.startswith("2+") else counter["records"]
    return f"{value} ({value / base:.0%})" if base else str(value)
