"""The follow-up queue's risk formula and the report's spike detection, on crafted data."""

import csv
import math
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from serve.cli import app
from serve.tagging.queue import RECENCY_DAYS, WEIGHTS, build_queue
from serve.tagging.report import DailyCounts, find_spikes, render_report
from serve.tagging.tagged import Message

T0 = datetime(2026, 10, 1, 12, tzinfo=timezone.utc)


def message(customer, day, urgency, labels=(), sentiment="negative", channel="chat", flagged=None):
    flagged = urgency >= 0.5 if flagged is None else flagged
    return Message(customer, T0 + timedelta(days=day), channel, tuple(labels), sentiment, urgency, flagged)


def test_risk_follows_the_documented_formula():
    messages = [
        message("angry", 0, 0.6, ["late_delivery"]),
        message("angry", 5, 0.9, ["late_delivery", "support_unresponsive"], channel="email"),
        message("angry", 9, 0.8, ["refund_issue"], channel="call"),
        message("calm", 10, 0.3, ["app_issue"]),
    ]
    rows = {row["customer_id"]: row for row in build_queue(messages)}
    angry = rows["angry"]
    expected = (
        WEIGHTS["highest"] * 0.9
        + WEIGHTS["latest"] * 0.8 * math.exp(-1 / RECENCY_DAYS)  # last message a day before the newest
        + WEIGHTS["repeat"] * (2 / 4)
        + WEIGHTS["unresolved"] * 1.0  # three open complaint types
    )
    assert angry["risk"] == pytest.approx(expected, abs=1e-4)
    assert angry["messages"] == 3 and angry["channels"] == "call;chat;email"
    assert angry["complaints_late_delivery"] == 2 and angry["highest_urgency_score"] == 0.9
    assert angry["open_complaints"] == "late_delivery;refund_issue;support_unresponsive"
    assert [row["customer_id"] for row in build_queue(messages)] == ["angry", "calm"]


def test_a_thank_you_after_the_fix_closes_the_complaints_and_lowers_the_risk():
    unresolved = [message("a", 0, 0.9, ["payment_issue"]), message("a", 1, 0.7, ["payment_issue"])]
    resolved = [*unresolved, message("a", 2, 0.05, [], sentiment="positive")]
    assert build_queue(unresolved)[0]["open_complaints"] == "payment_issue"
    assert build_queue(resolved)[0]["open_complaints"] == ""
    assert build_queue(resolved)[0]["risk"] < build_queue(unresolved)[0]["risk"]


def test_since_filters_messages_and_old_contacts_decay():
    messages = [message("old", 0, 0.9, ["wrong_item"]), message("new", 30, 0.9, ["wrong_item"])]
    rows = build_queue(messages)
    assert [row["customer_id"] for row in rows] == ["new", "old"]
    assert [row["customer_id"] for row in build_queue(messages, since=T0 + timedelta(days=20))] == ["new"]


def test_spike_detection_on_a_crafted_series():
    start = date(2026, 10, 1)
    counts = [1, 2, 1, 0, 2, 1, 1, 2, 1, 0, 1, 2, 1, 1, 9, 1, 2, 4]
    series = {start + timedelta(days=i): n for i, n in enumerate(counts)}
    spikes = find_spikes(series, "app_issue", window=14, k=3.0, min_count=3)
    assert [(s.day, s.count) for s in spikes] == [(start + timedelta(days=14), 9)]
    assert spikes[0].baseline == 1 and spikes[0].threshold == 4.0


def test_a_quiet_series_and_too_little_history_do_not_alarm():
    start = date(2026, 10, 1)
    assert (
        find_spikes({start + timedelta(days=i): 0 for i in range(20)} | {start + timedelta(days=20): 2}, "x")
        == []
    )
    assert find_spikes({start + timedelta(days=i): 10 * i for i in range(5)}, "x") == []


def test_report_lists_spikes_and_the_flagged_share():
    messages = [message(f"c{i}", day, 0.9 if day == 15 else 0.1, ["app_issue"] if day == 15 or i == 0 else [])
                for day in range(20) for i in range(6 if day == 15 else 2)]  # fmt: skip
    counts = DailyCounts.from_messages(messages)
    assert [(s.day.day, s.label) for s in counts.spikes()] == [(16, "app_issue")]
    assert counts.flagged_share()[(T0 + timedelta(days=15)).date()] == 1.0
    page = render_report(messages)
    assert "Spikes (1)" in page and not re.search(r"<script[^>]*\bsrc=|<link", page)  # nothing to fetch


def test_cli_queue_and_report_from_a_tagged_csv(tmp_path):
    tagged = tmp_path / "tagged.csv"
    rows = [
        {"id": "1", "customer_id": "c1", "created_at": "2026-10-01T10:00:00+03:00", "channel": "chat",
         "labels": "late_delivery", "sentiment": "negative", "urgency_score": "0.9",
         "retention_flag": "True"},
        {"id": "2", "customer_id": "c2", "created_at": "2026-10-02T10:00:00+03:00", "channel": "email",
         "labels": "", "sentiment": "positive", "urgency_score": "0.05", "retention_flag": "False"},
        {"id": "3", "customer_id": "", "created_at": "", "channel": "", "labels": "", "sentiment": "",
         "urgency_score": "", "retention_flag": ""},
    ]  # fmt: skip
    with tagged.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    runner = CliRunner()
    result = runner.invoke(app, ["queue", str(tagged), "--out", str(tmp_path / "q.csv"), "--top", "1"])
    assert result.exit_code == 0, result.output
    with (tmp_path / "q.csv").open(encoding="utf-8") as handle:
        assert [row["customer_id"] for row in csv.DictReader(handle)] == ["c1"]
    result = runner.invoke(app, ["report", str(tagged), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0 and "<h1>Complaint report</h1>" in (tmp_path / "r.html").read_text()


def test_queue_csv_cells_that_look_like_formulas_are_neutralised(tmp_path):
    from serve.tagging.queue import write_queue

    row = {"customer_id": '=HYPERLINK("http://x")', "latest_text": "@all", "risk": 0.5}
    write_queue([row], tmp_path / "q.csv")
    text = (tmp_path / "q.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@all" in text and ",0.5" in text
