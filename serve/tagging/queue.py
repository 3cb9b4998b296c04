"""The follow-up queue: one row per customer across all their messages and channels.

Risk score (0–1), documented for the retention team:

    risk = 0.40 · highest urgency score
         + 0.25 · latest urgency score · recency
         + 0.20 · repeat      where repeat  = min(1, (messages − 1) / 4)
         + 0.15 · unresolved  where unresolved = min(1, open complaint types / 3)

recency = exp(−days since the last message / 14), counted back from the newest message in
the archive (or --now).

A complaint type is open from the customer's message that raises it until a later message
from the same customer is positive or calm (urgency score < 0.2: a thank-you after the fix);
that message closes every type raised before it (and opens its own labels, if any).

Priority bands (`PRIORITY_RULES`, checked in this order):

- «call today»: an open complaint, and the latest message is flagged for retention (or its
  urgency is high) and was written at most 3 days before the newest message of the archive;
- «this week»: an open complaint, and a flagged message or risk ≥ 0.40;
- «watch»: everyone else (no open complaint, or open ones without urgency).

With a customer value (`--value-column`, e.g. lifetime spend) the queue is ordered by
`priority score = risk · (0.5 + 0.5 · value rank)`, value rank being the customer's place
among the queued customers from 0 (lowest value) to 1 (highest); a customer without a value
counts as the middle (0.5). Within a band the queue is sorted by that score (the risk without
a value column).
"""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from serve.tagging.tagged import Message, label_order

WEIGHTS = {"highest": 0.40, "latest": 0.25, "repeat": 0.20, "unresolved": 0.15}
RECENCY_DAYS = 14.0
SETTLED_URGENCY = 0.2
CALL_TODAY_DAYS = 3
THIS_WEEK_RISK = 0.40
BANDS = ("call today", "this week", "watch")
BAND_NAMES = {"call today": "позвонить сегодня", "this week": "на этой неделе", "watch": "наблюдать"}
PRIORITY_RULES = {
    "call today": f"open complaint; latest message flagged or urgent, at most {CALL_TODAY_DAYS} days old",
    "this week": f"open complaint; a flagged message or risk ≥ {THIS_WEEK_RISK:.2f}",
    "watch": "no open complaint, or open ones without urgency",
}
EXCERPT_CHARS = 200


def settles(message: Message) -> str | None:
    """Why this message closes the complaints raised before it, or None when it does not."""
    if message.sentiment == "positive":
        return "positive tone"
    if message.urgency_score < SETTLED_URGENCY:
        return f"calm: urgency {message.urgency_score:.2f} < {SETTLED_URGENCY}"
    return None


@dataclass(frozen=True)
class Closed:
    label: str
    by: Message
    reason: str

    def describe(self) -> str:
        return f"{self.label}: closed by {self.by.id} on {self.by.time.date()} ({self.reason})"


@dataclass
class Customer:
    id: str
    messages: list[Message] = field(default_factory=list)

    def ordered(self) -> list[Message]:
        return sorted(self.messages, key=lambda message: message.time)

    def open_since(self) -> dict[str, list[Message]]:
        """Each open complaint type with the messages that raised it since it last opened."""
        open_types: dict[str, list[Message]] = {}
        for message in self.ordered():
            if settles(message):
                open_types.clear()
            for label in message.labels:
                open_types.setdefault(label, []).append(message)
        return open_types

    def open_complaints(self) -> set[str]:
        return set(self.open_since())

    def closed(self) -> list[Closed]:
        """Complaint types raised and then closed (and not raised again), with the closing message."""
        pending: set[str] = set()
        closed: dict[str, Closed] = {}
        for message in self.ordered():
            if reason := settles(message):
                closed.update({label: Closed(label, message, reason) for label in pending})
                pending.clear()
            for label in message.labels:
                closed.pop(label, None)
                pending.add(label)
        return sorted(closed.values(), key=lambda item: (item.by.time, item.label))

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

    def band(self, now: datetime) -> str:
        if not self.open_complaints():
            return "watch"
        latest = self.ordered()[-1]
        recent = now - latest.time <= timedelta(days=CALL_TODAY_DAYS)
        if recent and (latest.flagged or latest.urgency == "high"):
            return "call today"
        if any(m.flagged for m in self.messages) or self.risk(now) >= THIS_WEEK_RISK:
            return "this week"
        return "watch"

    def value(self) -> float | None:
        """The value on the customer's latest row that has one."""
        values = [m.value for m in self.ordered() if m.value is not None]
        return values[-1] if values else None

    def evidence(self) -> dict[str, str]:
        """Per open complaint, the strongest quote: the evidence phrase of highest weight among the
        messages that raised it (empty when the archive was tagged without --evidence)."""
        quotes = {}
        for label, messages in self.open_since().items():
            phrases = [(p, m) for m in messages for p in m.evidence.get(label, []) if p.get("text")]
            if phrases:
                phrase, message = max(phrases, key=lambda pair: float(pair[0].get("weight") or 0.0))
                quotes[label] = f"«{phrase['text']}» ({message.id})"
            else:
                strongest = max(messages, key=lambda m: m.scores.get(label, 0.0))
                quotes[label] = f"({strongest.id})"
        return quotes

    def entities(self, kind: str) -> list[str]:
        """Distinct values of one entity type across the messages, in order of appearance."""
        found = dict.fromkeys(
            _entity_value(entity)
            for m in self.ordered()
            for entity in m.entities
            if entity.get("type") == kind
        )
        return [value for value in found if value]

    def note(self) -> str:
        """Why the customer has no open complaint (empty when they have one)."""
        if self.open_complaints():
            return ""
        closed = self.closed()
        if not closed:
            return "no complaint in their messages"
        last = closed[-1]
        return f"all complaints closed: {last.by.id} on {last.by.time.date()} ({last.reason})"

    def row(self, now: datetime, labels: Sequence[str]) -> dict:
        ordered = self.ordered()
        latest = ordered[-1]
        highest = max(ordered, key=lambda m: m.urgency_score)
        complaints = Counter(label for message in ordered for label in message.labels)
        evidence = self.evidence()
        return {
            "customer_id": self.id,
            "priority": self.band(now),
            "risk": self.risk(now),
            "messages": len(ordered),
            "flagged_messages": sum(m.flagged for m in ordered),
            "open_complaints": ";".join(sorted(self.open_complaints())),
            "evidence": " | ".join(f"{label}: {evidence[label]}" for label in sorted(evidence)),
            "order_numbers": ";".join(self.entities("order_number")),
            "sums": ";".join(self.entities("money")),
            "note": self.note(),
            "closed_complaints": " | ".join(item.describe() for item in self.closed()),
            "latest_id": latest.id,
            "latest_time": latest.time.isoformat(),
            "latest_channel": latest.channel,
            "latest_text": _excerpt(latest.text),
            "latest_urgency": urgency_words(latest),
            "highest_urgency": urgency_words(highest),
            "latest_urgency_score": round(latest.urgency_score, 4),
            "highest_urgency_score": round(highest.urgency_score, 4),
            "first_contact": ordered[0].time.isoformat(),
            "last_contact": latest.time.isoformat(),
            "channels": ";".join(sorted({m.channel for m in ordered})),
            **{f"complaints_{label}": complaints[label] for label in labels},
        }


def urgency_words(message: Message) -> str:
    """«высокая (0.91)»: the model's urgency in Russian with P(high) beside it."""
    from nlp.display_names import display_name

    decision = message.urgency or ("high" if message.flagged else "")
    words = display_name(decision) if decision else "—"
    return f"{words} ({message.urgency_score:.2f})"


def _entity_value(entity: dict) -> str:
    value = entity.get("value")
    if entity.get("type") == "money" and isinstance(value, int | float):
        return f"{value:g} ₽"
    return str(value if value not in (None, "") else entity.get("text") or "")


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


@dataclass
class Entry:
    """One queued customer: the row written to CSV and the customer behind it (for the HTML)."""

    customer: Customer
    row: dict


def rank_customers(
    messages,
    since: datetime | None = None,
    now: datetime | None = None,
    labels: Sequence[str] = (),
    weigh_value: bool = False,
    value_ranks: dict[str, float] | None = None,
) -> list[Entry]:
    """`labels`: the tagging model's label set (a `complaints_<label>` column each); a label the
    messages carry beyond it gets a column too. `value_ranks`: each customer's value rank when
    computed over more customers than these (the analytic engine ranks the whole archive)."""
    customers: dict[str, Customer] = {}
    for message in messages:
        if since is None or message.time >= since:
            customers.setdefault(message.customer, Customer(message.customer)).messages.append(message)
    if not customers:
        return []
    now = now or max(m.time for c in customers.values() for m in c.messages)
    labels = label_order(labels, (m for c in customers.values() for m in c.messages))
    entries = [Entry(customer, customer.row(now, labels)) for customer in customers.values()]
    if weigh_value:
        _weigh(entries, value_ranks)
    score = "priority_score" if weigh_value else "risk"
    order = {band: index for index, band in enumerate(BANDS)}
    return sorted(entries, key=lambda e: (order[e.row["priority"]], -e.row[score], e.row["customer_id"]))


def value_rank(values: list[float]) -> dict[float, float]:
    """Each distinct value's rank from 0 (lowest) to 1 (highest)."""
    ordered = sorted(set(values))
    return {
        value: index / (len(ordered) - 1) if len(ordered) > 1 else 0.5 for index, value in enumerate(ordered)
    }


def _weigh(entries: list[Entry], ranks: dict[str, float] | None = None) -> None:
    """`value` and `priority_score = risk · (0.5 + 0.5 · value rank)` after `risk` in each row."""
    by_value = value_rank([value for e in entries if (value := e.customer.value()) is not None])
    for entry in entries:
        value = entry.customer.value()
        rank = 0.5 if value is None else by_value[value]
        if ranks is not None:
            rank = ranks.get(entry.customer.id, 0.5)
        extra = {"value": value, "priority_score": round(entry.row["risk"] * (0.5 + 0.5 * rank), 4)}
        items = list(entry.row.items())
        at = [key for key, _ in items].index("risk") + 1
        entry.row = dict([*items[:at], *extra.items(), *items[at:]])


def build_queue(
    messages, since: datetime | None = None, now: datetime | None = None, labels: Sequence[str] = ()
) -> list[dict]:
    return [entry.row for entry in rank_customers(messages, since, now, labels)]


def write_queue(rows: list[dict], path) -> None:
    from serve.tagging.queue_files import write_csv

    write_csv(rows, path)
