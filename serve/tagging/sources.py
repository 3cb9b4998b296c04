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
