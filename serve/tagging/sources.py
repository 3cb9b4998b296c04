"""Where the queue and the report get their messages from a tagged archive.

Small archives (and CSV, TSV, JSONL, xlsx) are read row by row into memory. A Parquet archive
goes through DuckDB (`serve.tagging.archive_db`) when that pays: for the queue with `--top`
(customers ranked in SQL, only the top ones' messages read) and for the report above
`EMBED_ALL` rows (daily counts in SQL, only the spikes' messages read).
"""

from collections import Counter
from datetime import datetime
from pathlib import Path

from nlp.io.formats import Format, detect_format
from serve.tagging.queue import Entry, rank_customers
from serve.tagging.records import Columns
from serve.tagging.report import EMBED_ALL, DailyCounts, Spike, Totals
from serve.tagging.tagged import archive_labels, read_messages, rejected_rows


def is_parquet(path: Path) -> bool:
    return detect_format(path) is Format.parquet


def parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def ranked_queue(
    tagged: Path,
    columns: Columns = Columns(),
    since: datetime | None = None,
    top: int | None = None,
    value_column: str | None = None,
) -> list[Entry]:
    """The queue's customers in order (the first `top`), read from any tagged archive."""
    labels = archive_labels(tagged)
    if top is not None and is_parquet(tagged):
        from serve.tagging.archive_db import Archive
        from serve.tagging.archive_db import ranked_queue as ranked_in_sql

        return ranked_in_sql(Archive(tagged, columns, value_column), labels, since, top)
    messages = read_messages(tagged, columns, value_column)
    entries = rank_customers(messages, since=since, labels=labels, weigh_value=bool(value_column))
    return entries[:top]


def write_archive_report(
    tagged: Path, out: Path, columns: Columns = Columns(), period: int = 7
) -> list[Spike]:
    """The report page of a tagged archive; returns its spikes."""
    from serve.tagging.report import drill_from_messages
    from serve.tagging.report_page import render_page

    labels = archive_labels(tagged)
    if is_parquet(tagged) and parquet_rows(tagged) > EMBED_ALL:
        from serve.tagging.archive_db import Archive

        archive = Archive(tagged, columns)
        counts = archive.daily_counts(labels)
        spikes = counts.spikes()
        drill, embed_all = archive.spike_messages(spikes), False
        totals = Totals(rejected_rows(tagged), archive.count("rows") - archive.count("messages"))
    else:
        tally: Counter = Counter()
        messages = list(read_messages(tagged, columns, tally=tally))
        counts = DailyCounts.from_messages(messages, labels)
        spikes = counts.spikes()
        drill, embed_all = drill_from_messages(messages, spikes)
        totals = Totals(rejected_rows(tagged), tally["skipped"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_page(counts, drill, embed_all, totals, period), encoding="utf-8")
    return spikes
