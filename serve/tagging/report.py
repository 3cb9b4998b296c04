"""`triage report`: daily complaint counts, spikes, and the flagged-customer share, as one page.

A spike is a day whose count of a complaint type exceeds the median of the previous
`window` days plus k times their median absolute deviation (MAD, floored at 1 so that a
quiet series does not alarm on 2 messages), with at least `min_count` messages.
"""

import base64
import html
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from serve.tagging.tagged import Message, label_order

WINDOW, K, MIN_COUNT = 14, 3.0, 3


@dataclass(frozen=True)
class Spike:
    day: date
    label: str
    count: int
    baseline: float
    threshold: float


def find_spikes(
    series: dict[date, int], label: str, window: int = WINDOW, k: float = K, min_count: int = MIN_COUNT
) -> list[Spike]:
    """Spikes in one daily series (missing days count as 0)."""
    if not series:
        return []
    days = _all_days(min(series), max(series))
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


def _all_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@dataclass
class DailyCounts:
    complaints: dict[str, Counter]
    messages: Counter
    customers: dict[date, set]
    flagged: dict[date, set]
    labels: list[str] = field(default_factory=list)
    """The tagging model's labels, then any other label the messages carry."""

    @classmethod
    def from_messages(cls, messages, labels: Sequence[str] = ()) -> "DailyCounts":
        messages = list(messages)
        counts = cls(defaultdict(Counter), Counter(), defaultdict(set), defaultdict(set))
        counts.labels = label_order(labels, messages)
        for message in messages:
            day = message.time.date()
            counts.messages[day] += 1
            counts.customers[day].add(message.customer)
            if message.flagged:
                counts.flagged[day].add(message.customer)
            for label in message.labels:
                counts.complaints[label][day] += 1
        return counts

    def spikes(self) -> list[Spike]:
        if not self.messages:
            return []
        first, last = min(self.messages), max(self.messages)
        found = []
        for label in self.labels:
            series = {day: self.complaints[label].get(day, 0) for day in _all_days(first, last)}
            found += find_spikes(series, label)
        return sorted(found, key=lambda spike: (spike.day, spike.label))

    def flagged_share(self) -> dict[date, float]:
        return {day: len(self.flagged[day]) / len(self.customers[day]) for day in sorted(self.customers)}


def _chart(counts: DailyCounts, spikes: list[Spike]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = _all_days(min(counts.messages), max(counts.messages))
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(11, 7), sharex=True, height_ratios=[3, 1])
    for label in counts.labels:
        top.plot(days, [counts.complaints[label].get(day, 0) for day in days], label=label, linewidth=1)
    for spike in spikes:
        top.annotate(spike.label, (spike.day, spike.count), fontsize=7, color="red")
        top.scatter([spike.day], [spike.count], color="red", zorder=3)
    top.set_ylabel("messages per day")
    top.legend(fontsize=7, ncol=3)
    share = counts.flagged_share()
    bottom.plot(list(share), list(share.values()), color="black")
    bottom.set_ylabel("flagged customers")
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def render_report(messages: list[Message], labels: Sequence[str] = ()) -> str:
    counts = DailyCounts.from_messages(messages, labels)
    if not counts.messages:
        return "<!doctype html><meta charset=utf-8><title>Report</title><p>No tagged messages with a time."
    spikes = counts.spikes()
    rows = "".join(
        f"<tr><td>{s.day}</td><td>{html.escape(s.label)}</td><td>{s.count}</td><td>{s.baseline:g}</td><td>{s.threshold:g}</td></tr>"
        for s in spikes
    )
    totals = Counter({label: sum(counts.complaints[label].values()) for label in counts.labels})
    total_rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in totals.most_common())
    period = f"{min(counts.messages)} – {max(counts.messages)}"
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Complaint report</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:2px 8px}"
        "table{border-collapse:collapse;margin:1em 0}</style>"
        f"<h1>Complaint report</h1><p>{sum(counts.messages.values())} messages, {period}.</p>"
        f'<img alt="daily complaints and flagged share" src="data:image/png;base64,{_chart(counts, spikes)}">'
        f"<h2>Spikes ({len(spikes)})</h2><p>A day above the median of the previous {WINDOW} days plus "
        f"{K:g}·MAD (MAD ≥ 1), with at least {MIN_COUNT} messages.</p>"
        f"<table><tr><th>day</th><th>complaint</th><th>messages</th><th>median</th><th>threshold</th></tr>{rows}</table>"
        f"<h2>Totals</h2><table><tr><th>complaint</th><th>messages</th></tr>{total_rows}</table></html>"
    )


def write_report(messages: list[Message], path: Path, labels: Sequence[str] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(messages, labels), encoding="utf-8")
