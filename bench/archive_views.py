"""How fast the report and the queue aggregate a big tagged archive through DuckDB.

Builds a synthetic tagged Parquet (as `triage tag` writes it: labels as a list, a score column
per label, urgency, flag, JSON entities and evidence) and times the report's daily counts,
spikes and spike messages, and the queue's ranking with the top customers' rows.

    .venv/bin/python bench/archive_views.py [--rows 1000000] [--customers 50000] [--keep PATH]
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nlp.labels import COMPLAINT_LABELS

CHANNELS = np.array(["chat", "email", "review", "call", "social"])


def synthetic(rows: int, customers: int, days: int = 90, seed: int = 13) -> pa.Table:
    rng = np.random.default_rng(seed)
    labels = list(COMPLAINT_LABELS)
    scores = rng.random((rows, len(labels))) ** 6  # mostly low, a few high
    day = rng.integers(0, days, rows)
    spike = (day == 60) & (rng.random(rows) < 0.3)
    scores[spike, labels.index("app_issue")] = 0.95
    on = scores > 0.5
    offsets = np.concatenate([[0], np.cumsum(on.sum(axis=1))]).astype(np.int32)
    names = np.array(labels)[np.nonzero(on)[1]]
    start = np.datetime64("2026-08-01T00:00:00") + day * np.timedelta64(1, "D")
    moments = start + rng.integers(0, 86400, rows) * np.timedelta64(1, "s")
    urgency = rng.random(rows) ** 2
    columns = {
        "id": pa.array([f"m{i}" for i in range(rows)]),
        "customer_id": pa.array(np.char.add("c", rng.integers(0, customers, rows).astype(str))),
        "created_at": pa.array(np.char.add(np.datetime_as_string(moments, unit="s"), "+03:00")),
        "channel": pa.array(CHANNELS[rng.integers(0, len(CHANNELS), rows)]),
        "text": pa.array(np.full(rows, "Приложение вылетает при оплате, заказ 190460 не оформить")),
        "labels": pa.ListArray.from_arrays(pa.array(offsets), pa.array(names.tolist(), pa.string())),
        **{f"score_{label}": pa.array(scores[:, k]) for k, label in enumerate(labels)},
        "sentiment": pa.array(np.where(urgency < 0.1, "positive", "negative")),
        "urgency": pa.array(np.where(urgency > 0.6, "high", np.where(urgency > 0.2, "medium", "low"))),
        "urgency_score": pa.array(urgency),
        "retention_flag": pa.array(urgency > 0.6),
        "entities": pa.array(np.full(rows, "[]")),
        "evidence": pa.array(np.full(rows, "{}")),
    }
    return pa.table(columns)


def timed(name: str, work):
    began = time.perf_counter()
    result = work()
    print(f"{name:<52} {time.perf_counter() - began:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="Write the synthetic archive here (kept).")
    args = parser.parse_args()

    from serve.tagging.archive_db import Archive, ranked_queue
    from serve.tagging.report import Totals
    from serve.tagging.report_page import page_data

    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "tagged.parquet"
        table = timed(
            f"build {args.rows:,} synthetic tagged rows", lambda: synthetic(args.rows, args.customers)
        )
        timed("write Parquet", lambda: pq.write_table(table, path))
        print(
            f"archive: {path.stat().st_size / 2**20:.1f} MiB, {args.rows:,} rows, "
            f"{args.customers:,} customers"
        )
        archive = Archive(path)
        labels = list(COMPLAINT_LABELS)
        counts = timed(
            "report: daily counts per label and channel (SQL)", lambda: archive.daily_counts(labels)
        )
        spikes = timed("report: spikes", counts.spikes)
        drill = timed(f"report: messages of {len(spikes)} spikes", lambda: archive.spike_messages(spikes))
        timed("report: page data", lambda: page_data(counts, drill, False, Totals(), 7))
        entries = timed(
            f"queue: rank every customer, rows of the top {args.top}",
            lambda: ranked_queue(archive, labels, top=args.top),
        )
        print(f"spikes: {[(str(s.day), s.label, s.count) for s in spikes]}")
        first = entries[0].row
        print(f"queue: first {first['customer_id']} ({first['priority']}, risk {first['risk']})")


if __name__ == "__main__":
    main()
