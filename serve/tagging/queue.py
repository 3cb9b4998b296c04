"""The follow-up queue: one row per customer across all their messages and channels.

Risk score (0–1), documented for the retention team:

    risk = 0.40 · highest urgency score
         + 0.25 · latest urgency score · recency
         + 0.20 · repeat      where repeat  = min(1, (messages − 1) / 4)
         + 0.15 · unresolved  where unresolved = min(1, open complaint types / 3)

recency = exp(−days since the last message / 14), counted back from the newest message in
the archive (or --now). A complaint type is open unless a later message from the same
customer is positive or has urgency score < 0.2 (a thank-you after the fix).
"""

import csv
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from serve.tagging.cells import csv_cell
from serve.tagging.tagged import Message, label_order

WEIGHTS = {"highest": 0.40, "latest": 0.25, "repeat": 0.20, "unresolved": 0.15}
RECENCY_DAYS = 14.0
SETTLED_URGENCY = 0.2


@dataclass
class Customer:
    id: str
    messages: list[Message] = field(default_factory=list)

    def ordered(self) -> list[Message]:
        return sorted(self.messages, key=lambda message: message.time)

    def open_complaints(self) -> set[str]:
        open_types: set[str] = set()
        for message in self.ordered():
            if message.sentiment == "positive" or message.urgency_score < SETTLED_URGENCY:
                open_types.clear()
            open_types |= set(message.labels)
        return open_types

    def risk(self, now: datetime) -> float:
        ordered = self.ordered()
        days = max((now - ordered[-1].time).total_seconds() / 86400, 0.0)
        parts = {
            "highest": max(m.urgency_score for m in ordered),
            "latest": ordered[-1].urgency_score * math.exp(-days / RECENCY_DAYS),
            "repeat": min(1.0, (len(ordered) - 1) / 4),
            "unresolved": min(1.0, len(self.open_complaints()) / 3),
        }
        return round(sum(WEIGHTS[name] * value for name, value in parts.items()), 4)

    def row(self, now: datetime, labels: Sequence[str]) -> dict:
        ordered = self.ordered()
        complaints = Counter(label for message in ordered for label in message.labels)
        return {
            "customer_id": self.id,
            "risk": self.risk(now),
            "messages": len(ordered),
            "flagged_messages": sum(m.flagged for m in ordered),
            "latest_urgency": round(ordered[-1].urgency_score, 4),
            "highest_urgency": round(max(m.urgency_score for m in ordered), 4),
            "first_contact": ordered[0].time.isoformat(),
            "last_contact": ordered[-1].time.isoformat(),
            "channels": ";".join(sorted({m.channel for m in ordered})),
            "open_complaints": ";".join(sorted(self.open_complaints())),
            **{f"complaints_{label}": complaints[label] for label in labels},
        }


def build_queue(
    messages, since: datetime | None = None, now: datetime | None = None, labels: Sequence[str] = ()
) -> list[dict]:
    """`labels`: the tagging model's label set (a `complaints_<label>` column each); a label the
    messages carry beyond it gets a column too."""
    customers: dict[str, Customer] = {}
    for message in messages:
        if since is None or message.time >= since:
            customers.setdefault(message.customer, Customer(message.customer)).messages.append(message)
    if not customers:
        return []
    now = now or max(m.time for c in customers.values() for m in c.messages)
    labels = label_order(labels, (m for c in customers.values() for m in c.messages))
    rows = [customer.row(now, labels) for customer in customers.values()]
    return sorted(rows, key=lambda row: (-row["risk"], row["customer_id"]))


def write_queue(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        if not rows:
            return
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
