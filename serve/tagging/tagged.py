"""Reading a tagged archive back: one message per row, with its time, customer and decisions."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from nlp.labels import COMPLAINT_LABELS
from serve.tagging.records import Columns
from training.data.readers import read_rows


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
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else value.split(";")
    return tuple(label for label in value or () if label in COMPLAINT_LABELS)


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
