"""Reading a tagged archive back: one message per row, with its time, customer and decisions."""

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from nlp.io.formats import Format, detect_format
from nlp.io.rows import read_rows
from serve.tagging.cells import FORMULA_STARTS
from serve.tagging.records import SCORE_PREFIX, Columns, labels_of_columns
from serve.tagging.schema import input_schema

Structured = TypeVar("Structured", dict, list)
"""What a JSON cell holds: the evidence (per label, its phrases) or the entities (a list)."""


@dataclass(frozen=True)
class Message:
    customer: str
    time: datetime
    channel: str
    labels: tuple[str, ...]
    sentiment: str
    urgency_score: float
    flagged: bool
    id: str = ""
    text: str = ""
    urgency: str = ""
    """low, medium or high (the model's decision); empty in archives without the column."""
    scores: dict[str, float] = field(default_factory=dict, hash=False)
    evidence: dict[str, list[dict]] = field(default_factory=dict, hash=False)
    """Per label, the phrases behind it (`tag --evidence`): text, start, end, weight."""
    entities: tuple[dict, ...] = ()
    """Order numbers, sums, dates…: type, text, start, end, value."""
    value: float | None = None
    """The customer's value on this row (`queue --value-column`), when given."""


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _labels(value: object) -> tuple[str, ...]:
    """Every label of the row, whatever the label set (none is dropped)."""
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else value.split(";")
    if not value:
        return ()
    if not isinstance(value, Iterable):
        raise TypeError(f"labels: a list or a «;»-separated text expected, got {type(value).__name__}")
    return tuple(str(label).strip() for label in value if str(label).strip())


def archive_labels(path: Path) -> list[str]:
    """The label set of the model that tagged the archive: its `score_<label>` columns, in order
    (in JSONL those of the first record: `tag` writes every column in every record)."""
    if detect_format(path) is Format.jsonl:
        return labels_of_columns(list(next((row.fields for row in read_rows(path) if row.fields), {})))
    return labels_of_columns(input_schema(path).columns)


def label_order(declared: Sequence[str], messages: Iterable[Message]) -> list[str]:
    """The declared labels (the model's), then any other label the messages carry, sorted."""
    seen = {label for message in messages for label in message.labels}
    return [*declared, *sorted(seen - set(declared))]


def _flag(value: object) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _structured(value: object, empty: Structured) -> Structured:
    """A JSON cell (CSV, TSV, Parquet) or the value itself (JSONL); `empty` when absent or unreadable."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else None
        except json.JSONDecodeError:
            return empty
    return value if isinstance(value, type(empty)) else empty


def _text(value: object, from_csv: bool) -> str:
    """The message text as written: the «'» that CSV output puts before formula-like cells is dropped."""
    text = "" if value is None else str(value)
    if from_csv and text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN: no value


def _scores(fields: dict) -> dict[str, float]:
    scores = {}
    for name, value in fields.items():
        if name.startswith(SCORE_PREFIX) and (number := _number(value)) is not None:
            scores[name.removeprefix(SCORE_PREFIX)] = number
    return scores


def read_messages(
    path: Path, columns: Columns = Columns(), value_column: str | None = None, tally: Counter | None = None
) -> Iterator[Message]:
    """Tagged rows with a customer and a parseable time; others are skipped (they cannot be queued)
    and counted in `tally["skipped"]`."""
    from_csv = detect_format(path).delimited
    tally = Counter() if tally is None else tally
    for row in read_rows(path):
        message = (
            None if row.error else message_of(row.fields or {}, columns, value_column, from_csv, row.line)
        )
        if message is None:
            tally["skipped"] += 1
        else:
            yield message


def message_of(
    fields: dict, columns: Columns, value_column: str | None = None, from_csv: bool = False, line: int = 0
) -> Message | None:
    """One tagged row as a message, or None without a customer, a readable time or an urgency."""
    customer, moment = fields.get(columns.customer), parse_time(fields.get(columns.time))
    if customer in (None, "") or moment is None or fields.get("urgency_score") in (None, ""):
        return None
    return Message(
        customer=str(customer),
        time=moment,
        channel=str(fields.get(columns.channel) or "unknown"),
        labels=_labels(fields.get("labels")),
        sentiment=str(fields.get("sentiment") or ""),
        urgency_score=float(fields["urgency_score"]),
        flagged=_flag(fields.get("retention_flag")),
        id=str(fields.get(columns.id) if fields.get(columns.id) is not None else line),
        text=_text(fields.get(columns.text), from_csv),
        urgency=str(fields.get("urgency") or ""),
        scores=_scores(fields),
        evidence=_structured(fields.get("evidence"), {}),
        entities=tuple(e for e in _structured(fields.get("entities"), []) if isinstance(e, dict)),
        value=_number(fields.get(value_column)) if value_column else None,
    )


def rejected_rows(tagged: Path) -> int | None:
    """Rows `tag` could not classify: the lines of TAGGED.rejects.jsonl (None when there is none)."""
    rejects = tagged.with_name(tagged.name + ".rejects.jsonl")
    if not rejects.is_file():
        return None
    with rejects.open("rb") as handle:
        return sum(1 for line in handle if line.strip())
