"""`triage report`: daily complaint counts per channel, spikes you can open, one offline page.

A spike is a day whose count of a complaint type (all channels together) exceeds the median of
the previous `window` days plus k times their median absolute deviation (MAD, floored at 1 so
that a quiet series does not alarm on 2 messages), with at least `min_count` messages.

The page (`serve.tagging.report_page`) carries its data as JSON and Plotly's JavaScript inline,
so it opens offline: small multiples per complaint type, every spike clickable to its messages,
filters by complaint and channel, the change against the previous period, a channel breakdown.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from serve.tagging.tagged import Message, label_order

WINDOW, K, MIN_COUNT = 14, 3.0, 3
SPIKE_RULE = (
    f"A spike is a day whose count of a complaint type (all channels) is above the median of the "
    f"previous {WINDOW} days plus {K:g}·MAD (MAD floored at 1), with at least {MIN_COUNT} messages."
)
MAX_PER_SPIKE = 200
"""Messages of one spike kept in the page (the spike's count is always exact)."""
EMBED_ALL = 5000
"""Up to this many messages, every message is in the page and every day of a chart opens."""


@dataclass(frozen=True)
class Spike:
    day: date
    label: str
    count: int
    baseline: float
    threshold: float

    @property
    def key(self) -> str:
        return drill_key(self.label, self.day)


def drill_key(label: str, day: date) -> str:
    return f"{label}|{day.isoformat()}"


def find_spikes(
    series: dict[date, int], label: str, window: int = WINDOW, k: float = K, min_count: int = MIN_COUNT
) -> list[Spike]:
    """Spikes in one daily series (missing days count as 0)."""
    if not series:
        return []
    days = all_days(min(series), max(series))
    values = [series.get(day, 0) for day in days]
    spikes = []
    for index in range(window, len(days)):
        history = values[index - window : index]
        median = statistics.median(history)
        mad = statistics.median(abs(value - median) for value in history)
        threshold = median + k * max(mad, 1.0)
        if values[index] > threshold and values[index] >= min_count:
            spikes.append(Spike(days[index], label, values[index], median, threshold))
    return spikes


def all_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@dataclass
class DailyCounts:
    """What the page draws, counted per day (and per channel): from messages in memory or from
    an analytic query over a big archive (`serve.tagging.archive_db`)."""

    complaints: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    """label → day → messages (all channels)."""
    by_channel: dict[str, dict[str, Counter]] = field(default_factory=lambda: defaultdict(dict))
    """label → channel → day → messages."""
    messages: Counter = field(default_factory=Counter)
    channel_messages: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    no_complaint: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    """channel → day → messages without a complaint label."""
    customers: Counter = field(default_factory=Counter)
    """day → distinct customers who wrote."""
    flagged: Counter = field(default_factory=Counter)
    """day → distinct customers with a message flagged for retention."""
    labels: list[str] = field(default_factory=list)
    """The tagging model's labels, then any other label the messages carry."""

    @classmethod
    def from_messages(cls, messages: Iterable[Message], labels: Sequence[str] = ()) -> "DailyCounts":
        messages = list(messages)
        counts = cls(labels=label_order(labels, messages))
        customers, flagged = defaultdict(set), defaultdict(set)
        for message in messages:
            day = message.time.date()
            counts.add_messages(message.channel, day, 1, without_complaint=not message.labels)
            customers[day].add(message.customer)
            if message.flagged:
                flagged[day].add(message.customer)
            for label in message.labels:
                counts.add_complaints(label, message.channel, day, 1)
        counts.customers = Counter({day: len(who) for day, who in customers.items()})
        counts.flagged = Counter({day: len(who) for day, who in flagged.items()})
        return counts

    def add_messages(self, channel: str, day: date, count: int, without_complaint: bool) -> None:
        self.messages[day] += count
        self.channel_messages[channel][day] += count
        if without_complaint:
            self.no_complaint[channel][day] += count

    def add_complaints(self, label: str, channel: str, day: date, count: int) -> None:
        self.complaints[label][day] += count
        self.by_channel[label].setdefault(channel, Counter())[day] += count

    @property
    def days(self) -> list[date]:
        return all_days(min(self.messages), max(self.messages)) if self.messages else []

    @property
    def channels(self) -> list[str]:
        return sorted(self.channel_messages, key=lambda c: (-sum(self.channel_messages[c].values()), c))

    def spikes(self) -> list[Spike]:
        days = self.days
        found = []
        for label in self.labels:
            found += find_spikes({day: self.complaints[label].get(day, 0) for day in days}, label)
        return sorted(found, key=lambda spike: (spike.day, spike.label))

    def flagged_share(self) -> dict[date, float]:
        return {day: self.flagged[day] / self.customers[day] for day in sorted(self.customers)}


@dataclass
class Totals:
    """Row accounting shown at the top of the page."""

    rejected: int | None = None
    """Rows `tag` could not classify (its rejects file); None when there is no rejects file."""
    skipped: int = 0
    """Tagged rows without a customer or a readable time (not counted by day)."""


def drill_from_messages(messages: Sequence[Message], spikes: Sequence[Spike]) -> tuple[dict, bool]:
    """The messages behind each (label, day): every labelled one when there are at most
    EMBED_ALL messages, else those of the spikes (at most MAX_PER_SPIKE each)."""
    embed_all = len(messages) <= EMBED_ALL
    wanted = None if embed_all else {spike.key for spike in spikes}
    drill: dict[str, list[Message]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: m.time):
        for label in message.labels:
            key = drill_key(label, message.time.date())
            if (wanted is None or key in wanted) and len(drill[key]) < MAX_PER_SPIKE:
                drill[key].append(message)
    return dict(drill), embed_all


def render_report(
    messages: Sequence[Message], labels: Sequence[str] = (), totals: Totals = Totals(), period: int = 7
) -> str:
    from serve.tagging.report_page import render_page

    messages = list(messages)
    counts = DailyCounts.from_messages(messages, labels)
    drill, embed_all = drill_from_messages(messages, counts.spikes())
    return render_page(counts, drill, embed_all, totals, period)


def write_report(
    messages: Sequence[Message],
    path: Path,
    labels: Sequence[str] = (),
    totals: Totals = Totals(),
    period: int = 7,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(messages, labels, totals, period), encoding="utf-8")
