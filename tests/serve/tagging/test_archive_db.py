"""DuckDB over tagged Parquet gives the same report counts, spikes and queue as reading the rows in
Python — on a crafted archive with a planted spike, settled complaints, values and late-evening
times whose UTC date differs from the written one."""

import json
import random
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from serve.cli import app
from serve.tagging import sources
from serve.tagging.archive_db import Archive, ranked_queue
from serve.tagging.queue import rank_customers
from serve.tagging.records import Columns
from serve.tagging.report import DailyCounts, drill_from_messages
from serve.tagging.tagged import read_messages

LABELS = ["late_delivery", "app_issue", "refund_issue"]
MSK = timezone(timedelta(hours=3))
PHRASE = {"text": "т", "start": 0, "end": 1, "weight": 0.1}


def crafted_rows(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(600):
        day = rng.randrange(30)
        labels = [label for label in LABELS if rng.random() < 0.15]
        if day == 22 and i % 3 == 0:
            labels = ["app_issue"]  # the planted spike
        moment = datetime(2026, 10, 1, 8, tzinfo=MSK) + timedelta(days=day, minutes=i * 2)  # to 23:58
        urgency = round(rng.random(), 3)
        rows.append({
            "id": f"m{i}", "customer_id": f"c{rng.randrange(60)}", "created_at": moment.isoformat(),
            "channel": rng.choice(["chat", "email", "call"]), "text": f"текст {i}", "labels": labels,
            **{f"score_{label}": (0.9 if label in labels else 0.1) for label in LABELS},
            "sentiment": rng.choice(["negative", "neutral", "positive"]),
            "urgency": "high" if urgency > 0.6 else "medium" if urgency > 0.2 else "low",
            "urgency_score": urgency, "retention_flag": urgency > 0.6,
            "entities": "[]", "evidence": json.dumps({label: [PHRASE] for label in labels}),
            "spend": float(rng.randrange(5)) if i % 4 else None,
        })  # fmt: skip
    rows.append({**rows[0], "id": "bad", "created_at": "не дата"})
    rows.append({**rows[1], "id": "anon", "customer_id": None})
    return rows


@pytest.fixture(scope="module")
def tagged(tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "tagged.parquet"
    pq.write_table(pa.Table.from_pylist(crafted_rows()), path)
    return path


def test_daily_counts_and_spikes_match_the_python_reading(tagged):
    messages = list(read_messages(tagged))
    expected = DailyCounts.from_messages(messages, LABELS)
    archive = Archive(tagged)
    counts = archive.daily_counts(LABELS)
    assert counts.labels == expected.labels and counts.messages == expected.messages
    assert counts.complaints == expected.complaints and counts.by_channel == expected.by_channel
    assert (
        counts.no_complaint == expected.no_complaint and counts.channel_messages == expected.channel_messages
    )
    assert counts.customers == expected.customers and counts.flagged == expected.flagged
    spikes = counts.spikes()
    assert spikes == expected.spikes() and any(s.label == "app_issue" for s in spikes)
    drill, _ = drill_from_messages(messages, spikes)
    found = archive.spike_messages(spikes)
    assert {k: [m.id for m in v] for k, v in found.items()} == {k: [m.id for m in drill[k]] for k in found}
    assert archive.count("rows") - archive.count("messages") == 2


@pytest.mark.parametrize("value_column", [None, "spend"])
@pytest.mark.parametrize("since", [None, datetime(2026, 10, 12, tzinfo=timezone.utc)])
def test_the_queue_ranked_in_sql_matches_the_python_queue(tagged, value_column, since):
    expected = rank_customers(
        read_messages(tagged, Columns(), value_column), since, labels=LABELS, weigh_value=bool(value_column)
    )
    found = ranked_queue(Archive(tagged, Columns(), value_column), LABELS, since, top=15)
    assert [e.row for e in found] == [e.row for e in expected[:15]]
    assert {e.row["priority"] for e in expected} == {"call today", "this week", "watch"}


def test_cli_uses_the_engine_for_big_parquet_archives(tagged, tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "EMBED_ALL", 100)
    used = []
    monkeypatch.setattr(
        Archive,
        "daily_counts",
        lambda self, labels, f=Archive.daily_counts: used.append(1) or f(self, labels),
    )
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(tagged), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert used and "app_issue" in result.output and '"drill_all":false' in out.read_text(encoding="utf-8")
    queue = tmp_path / "queue.csv"
    result = CliRunner().invoke(app, ["queue", str(tagged), "--out", str(queue), "--top", "5"])
    assert result.exit_code == 0, result.output
    assert len(queue.read_text(encoding="utf-8").splitlines()) == 6
