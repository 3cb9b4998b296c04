"""Big tagged Parquet archives through DuckDB, an embedded analytic engine: the report's daily
counts and the queue's ranking are SQL aggregations over the file (columnar, multi-threaded,
never loaded whole into Python); only the rows a page shows — a spike's messages, the queued
customers' timelines — come back as `Message`s.

The rules are the ones of `serve.tagging.queue` and `serve.tagging.report`, in SQL. A message's
day is the date as written in its time (as in Python's `datetime.date()` of the parsed time);
messages of one customer with the same time are ordered as the engine finds them.
"""

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timezone
from pathlib import Path

from serve.tagging.queue import (
    CALL_TODAY_DAYS,
    RECENCY_DAYS,
    SETTLED_URGENCY,
    THIS_WEEK_RISK,
    WEIGHTS,
    Entry,
    rank_customers,
)
from serve.tagging.records import Columns
from serve.tagging.report import MAX_PER_SPIKE, DailyCounts, Spike, drill_key
from serve.tagging.tagged import Message, message_of


def connect():
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")  # a time without an offset is UTC, as in Python
    return connection


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Archive:
    """One tagged Parquet file as SQL views: `rows` (every row) and `messages` (the usable ones:
    customer, readable time, urgency score), with `day_`, `ts_`, `channel_`, `labels_`…"""

    def __init__(self, path: Path, columns: Columns = Columns(), value_column: str | None = None) -> None:
        self.path, self.columns, self.value_column = path, columns, value_column
        self.db = connect()
        self.db.execute(f"CREATE VIEW rows AS SELECT * FROM read_parquet('{_literal(path)}')")
        types = dict(self.db.execute("SELECT column_name, column_type FROM (DESCRIBE rows)").fetchall())
        self.names = list(types)
        labels = (
            "labels" if types.get("labels", "").endswith("[]") else "string_split(coalesce(labels, ''), ';')"
        )
        time, customer = _q(columns.time), _q(columns.customer)
        channel = f"coalesce(nullif(CAST({_q(columns.channel)} AS VARCHAR), ''), 'unknown')"
        if columns.channel not in types:
            channel = "'unknown'"
        value = "NULL::DOUBLE"
        if value_column is not None and value_column in types:
            value = f"TRY_CAST({_q(value_column)} AS DOUBLE)"
        urgency = "CAST(urgency AS VARCHAR)" if "urgency" in types else "NULL::VARCHAR"
        sentiment = "CAST(sentiment AS VARCHAR)" if "sentiment" in types else "NULL::VARCHAR"
        self.db.execute(f"""
            CREATE VIEW messages AS SELECT *,
                TRY_CAST(LEFT(CAST({time} AS VARCHAR), 10) AS DATE) AS day_,
                TRY_CAST(CAST({time} AS VARCHAR) AS TIMESTAMPTZ) AS ts_,
                {channel} AS channel_,
                list_filter({labels}, lambda x: trim(x) <> '') AS labels_,
                CAST({customer} AS VARCHAR) AS customer_,
                TRY_CAST(urgency_score AS DOUBLE) AS u_,
                coalesce(TRY_CAST(retention_flag AS BOOLEAN), false) AS flag_,
                {value} AS value_,
                {urgency} AS urgency_,
                {sentiment} AS sentiment_
            FROM rows
            WHERE {customer} IS NOT NULL AND CAST({customer} AS VARCHAR) <> ''
              AND TRY_CAST(CAST({time} AS VARCHAR) AS TIMESTAMPTZ) IS NOT NULL
              AND TRY_CAST(urgency_score AS DOUBLE) IS NOT NULL
        """)  # fmt: skip

    def count(self, view: str = "messages") -> int:
        return self.db.execute(f"SELECT count(*) FROM {view}").fetchone()[0]

    def daily_counts(self, labels: Sequence[str] = ()) -> DailyCounts:
        counts = DailyCounts()
        query = (
            "SELECT day_, channel_, count(*), count(*) FILTER (WHERE len(labels_) = 0) "
            "FROM messages GROUP BY ALL"
        )
        for day, channel, count, without in self.db.execute(query).fetchall():
            counts.add_messages(channel, day, count, without_complaint=False)
            if without:
                counts.no_complaint[channel][day] += without
        query = (
            "SELECT day_, channel_, label, count(*) "
            "FROM (SELECT day_, channel_, unnest(labels_) AS label FROM messages) GROUP BY ALL"
        )
        seen = set()
        for day, channel, label, count in self.db.execute(query).fetchall():
            counts.add_complaints(label, channel, day, count)
            seen.add(label)
        counts.labels = [*labels, *sorted(seen - set(labels))]
        query = (
            "SELECT day_, count(DISTINCT customer_), count(DISTINCT customer_) FILTER (WHERE flag_) "
            "FROM messages GROUP BY day_"
        )
        for day, customers, flagged in self.db.execute(query).fetchall():
            counts.customers[day], counts.flagged[day] = customers, flagged
        return counts

    def spike_messages(self, spikes: Sequence[Spike], limit: int = MAX_PER_SPIKE) -> dict[str, list[Message]]:
        """The first `limit` messages of each spike (by time), in one pass over the file."""
        if not spikes:
            return {}
        query = """
            WITH wanted AS (SELECT unnest(?::DATE[]) AS spike_day, unnest(?::VARCHAR[]) AS spike_label),
            hits AS (
                SELECT m.*, w.spike_day, w.spike_label,
                       row_number() OVER (PARTITION BY w.spike_day, w.spike_label ORDER BY m.ts_)
                           AS spike_rank
                FROM messages m JOIN wanted w
                    ON m.day_ = w.spike_day AND list_contains(m.labels_, w.spike_label))
            SELECT * FROM hits WHERE spike_rank <= ? ORDER BY spike_day, spike_label, spike_rank
        """  # fmt: skip
        parameters = [[s.day for s in spikes], [s.label for s in spikes], limit]
        drill: dict[str, list[Message]] = {spike.key: [] for spike in spikes}
        for fields, message in self._rows(query, parameters):
            drill[drill_key(fields["spike_label"], fields["spike_day"])].append(message)
        return drill

    def _messages(self, query: str, parameters: list) -> list[Message]:
        return [message for _, message in self._rows(query, parameters)]

    def _rows(self, query: str, parameters: list) -> Iterator[tuple[dict, Message]]:
        cursor = self.db.execute(query, parameters)
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            fields = dict(zip(names, values, strict=True))
            fields[self.columns.time] = _iso(fields[self.columns.time])
            if (message := message_of(fields, self.columns, self.value_column)) is not None:
                yield fields, message

    def ranked_customers(self, since: datetime | None = None, top: int | None = None) -> list[tuple]:
        """(customer, band index, risk, value rank) in queue order, ranked by SQL over every row."""
        where = "WHERE ts_ >= ?" if since else ""
        order = "round(risk * (0.5 + 0.5 * rank), 4)" if self.value_column else "risk"
        query = f"""
        WITH base AS (SELECT * FROM messages {where}),
        now AS (SELECT max(ts_) AS now FROM base),
        settled AS (
            SELECT customer_, max(ts_) FILTER (WHERE sentiment_ = 'positive' OR u_ < {SETTLED_URGENCY}) AS at
            FROM base GROUP BY customer_),
        opened AS (
            SELECT customer_, count(DISTINCT label) AS open_types FROM (
                SELECT b.customer_, unnest(b.labels_) AS label FROM base b JOIN settled s USING (customer_)
                WHERE s.at IS NULL OR b.ts_ >= s.at)
            GROUP BY customer_),
        agg AS (
            SELECT customer_, count(*) AS n, max(u_) AS highest, arg_max(u_, ts_) AS latest_u,
                   max(ts_) AS last_ts, bool_or(flag_) AS any_flag, arg_max(flag_, ts_) AS latest_flag,
                   arg_max(urgency_, ts_) AS latest_urgency,
                   arg_max(value_, ts_) FILTER (WHERE value_ IS NOT NULL) AS value_
            FROM base GROUP BY customer_),
        scored AS (
            SELECT a.*, coalesce(o.open_types, 0) AS open_types,
                   round({WEIGHTS["highest"]} * highest
                         + {WEIGHTS["latest"]} * latest_u
                           * exp(-greatest(epoch(now.now - last_ts) / 86400, 0) / {RECENCY_DAYS})
                         + {WEIGHTS["repeat"]} * least(1, (n - 1) / 4)
                         + {WEIGHTS["unresolved"]} * least(1, coalesce(o.open_types, 0) / 3), 4) AS risk,
                   now.now - last_ts <= INTERVAL {CALL_TODAY_DAYS} DAY AS recent
            FROM agg a LEFT JOIN opened o USING (customer_), now),
        valued AS (
            SELECT customer_, (dense_rank() OVER (ORDER BY value_) - 1) AS r
            FROM scored WHERE value_ IS NOT NULL),
        distinct_values AS (SELECT count(DISTINCT value_) AS k FROM scored)
        SELECT s.customer_,
               CASE WHEN open_types > 0 AND recent AND (latest_flag OR latest_urgency = 'high') THEN 0
                    WHEN open_types > 0 AND (any_flag OR risk >= {THIS_WEEK_RISK}) THEN 1 ELSE 2 END AS band,
               risk,
               CASE WHEN v.r IS NULL THEN 0.5 WHEN k < 2 THEN 0.5 ELSE v.r / (k - 1) END AS rank
        FROM scored s LEFT JOIN valued v USING (customer_), distinct_values
        ORDER BY band, {order} DESC, s.customer_
        {"LIMIT ?" if top else ""}
        """  # fmt: skip
        parameters = [*([since] if since else []), *([top] if top else [])]
        return self.db.execute(query, parameters).fetchall()

    def newest(self, since: datetime | None = None) -> datetime | None:
        where, parameters = ("WHERE ts_ >= ?", [since]) if since else ("", [])
        return self.db.execute(f"SELECT max(ts_) FROM messages {where}", parameters).fetchone()[0]

    def customers_messages(self, customers: Sequence[str], since: datetime | None = None) -> list[Message]:
        if not customers:
            return []
        where = " AND ts_ >= ?" if since else ""
        query = f"SELECT * FROM messages WHERE customer_ IN (SELECT unnest(?)){where} ORDER BY ts_"
        return self._messages(query, [list(customers), *([since] if since else [])])


def ranked_queue(
    archive: Archive, labels: Sequence[str], since: datetime | None = None, top: int | None = None
) -> list[Entry]:
    """The first `top` customers, ranked in SQL; only their messages are read for the rows."""
    ranked = archive.ranked_customers(since, top)
    ids = [row[0] for row in ranked]
    messages = archive.customers_messages(ids, since)
    ranks = {row[0]: row[3] for row in ranked}
    now = archive.newest(since)
    weigh = archive.value_column is not None
    return rank_customers(messages, since, now, labels, weigh_value=weigh, value_ranks=ranks)


def _iso(value: object) -> object:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
