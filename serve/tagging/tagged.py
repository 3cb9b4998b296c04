"""Reading a tagged archive back: one message per row, with its time, customer and decisions."""

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from serve.tagging.records import Columns, labels_of_columns
from serve.tagging.schema import input_schema
from training.data.readers import detect_format, read_rows


@dataclass(frozen=True)
class Message:
    customer: str
    time: datetime
    channel: str
    labels: tuple[str, ...]
    sentiment: str
    urgency_score: float
    flagged: bool


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
    return tuple(str(label).strip() for label in value or () if str(label).strip())


def archive_labels(path: Path) -> list[str]:
    """The label set of the model that tagged the archive: its `score_<label>` columns, in order
    (in JSONL those of the first record: `tag` writes every column in every record)."""
    if detect_format(path) == "jsonl":
        return labels_of_columns(list(next((row.fields for row in read_rows(path) if row.fields), {})))
    return labels_of_columns(input_schema(path).columns)


def label_order(declared: Sequence[str], messages: Iterable[Message]) -> list[str]:
    """The declared labels (the model's), then any other label the messages carry, sorted."""
    seen = {label for message in messages for label in message.labels}
    return [*declared, *sorted(seen - set(declared))]


def _flag(value: object) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def read_messages(path: Path, columns: Columns = Columns()) -> Iterator[Message]:
    """Tagged rows with a customer and a parseable time; others are skipped (they cannot be queued)."""
    for row in read_rows(path):
        fields = row.fields or {}
        customer, moment = fields.get(columns.customer), parse_time(fields.get(columns.time))
        if row.error or customer in (None, "") or moment is None or fields.get("urgency_score") in (None, ""):
            continue
        yield Message(
            customer=str(customer),
            time=moment,
            channel=str(fields.get(columns.channel) or "unknown"),
            labels=_labels(fields.get("labels")),
            sentiment=str(fields.get("sentiment") or ""),
            urgency_score=float(fields["urgency_score"]),
            flagged=_flag(fields.get("retention_flag")),
        )
