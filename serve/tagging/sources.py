"""Where the queue and the report get their messages from a tagged archive."""

from datetime import datetime
from pathlib import Path

from serve.tagging.queue import Entry, rank_customers
from serve.tagging.records import Columns
from serve.tagging.tagged import archive_labels, read_messages


def ranked_queue(
    tagged: Path,
    columns: Columns = Columns(),
    since: datetime | None = None,
    top: int | None = None,
    value_column: str | None = None,
) -> list[Entry]:
    """The queue's customers in order (the first `top`), read from any tagged archive."""
    messages = read_messages(tagged, columns, value_column)
    entries = rank_customers(
        messages, since=since, labels=archive_labels(tagged), weigh_value=bool(value_column)
    )
    return entries[:top]


def write_archive_report(tagged: Path, out: Path, columns: Columns = Columns(), period: int = 7) -> list:
    """The report page of a tagged archive; returns its spikes."""
    from collections import Counter

    from serve.tagging.report import DailyCounts, Totals, write_report
    from serve.tagging.tagged import rejected_rows

    tally: Counter = Counter()
    messages, labels = list(read_messages(tagged, columns, tally=tally)), archive_labels(tagged)
    totals = Totals(rejected=rejected_rows(tagged), skipped=tally["skipped"])
    write_report(messages, out, labels, totals, period)
    return DailyCounts.from_messages(messages, labels).spikes()
