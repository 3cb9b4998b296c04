"""The queue says why: latest message, evidence, orders and sums, urgency in words, priority bands,
closed complaints, customer value, and the HTML timeline — on crafted archives."""

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from serve.cli import app
from serve.tagging.queue import EXCERPT_CHARS, rank_customers
from serve.tagging.queue_files import render_html
from serve.tagging.tagged import Message

T0 = datetime(2026, 10, 1, 12, tzinfo=timezone.utc)
LATE = "Заказ 190460 опоздал на неделю, верните 1500 рублей"


def msg(customer, day, urgency_score, labels=(), sentiment="negative", **extra):
    decision = "high" if urgency_score >= 0.5 else "medium" if urgency_score >= 0.2 else "low"
    extra = {"urgency": decision, "id": f"{customer}-{day}", "text": f"сообщение {customer} {day}", **extra}
    flagged, channel = extra.pop("flagged", urgency_score >= 0.5), extra.pop("channel", "chat")
    return Message(customer, T0 + timedelta(days=day), channel, tuple(labels), sentiment, urgency_score,
                   flagged, **extra)  # fmt: skip


def phrase(text, source, weight):
    at = source.index(text)
    return {"text": text, "start": at, "end": at + len(text), "weight": weight}


def rows_of(messages, **options):
    return {entry.row["customer_id"]: entry.row for entry in rank_customers(messages, **options)}


def test_latest_message_evidence_orders_sums_and_urgency_in_words():
    entities = (
        {"type": "order_number", "text": "190460", "start": 6, "end": 12, "value": "190460"},
        {"type": "money", "text": "1500 рублей", "start": 40, "end": 51, "value": 1500.0},
    )
    evidence = {"late_delivery": [phrase("опоздал", LATE, 0.2), phrase("опоздал на неделю", LATE, 0.6)]}
    long_text = "Б" * 300
    messages = [
        msg("a", 0, 0.9, ["late_delivery"], text=LATE, entities=entities, evidence=evidence),
        msg("a", 1, 0.4, ["app_issue"], id="last", text=long_text, channel="email",
            entities=({"type": "order_number", "text": "190460", "start": 0, "end": 6, "value": "190460"},)),
    ]  # fmt: skip
    row = rows_of(messages)["a"]
    assert row["latest_id"] == "last" and row["latest_time"] == (T0 + timedelta(days=1)).isoformat()
    assert row["latest_text"] == "Б" * (EXCERPT_CHARS - 1) + "…"
    assert row["evidence"] == "app_issue: (last) | late_delivery: «опоздал на неделю» (a-0)"
    assert row["order_numbers"] == "190460" and row["sums"] == "1500 ₽"
    assert row["latest_urgency"] == "средняя (0.40)" and row["highest_urgency"] == "высокая (0.90)"
    assert row["open_complaints"] == "app_issue;late_delivery" and row["note"] == ""


def test_priority_bands_follow_their_documented_rules():
    messages = [
        msg("today", 10, 0.9, ["late_delivery"]),  # open, latest flagged, newest day
        msg("stale", 0, 0.9, ["late_delivery"]),  # open and flagged, but 10 days old
        msg("mild", 9, 0.3, ["app_issue"], flagged=False),  # open, never flagged, risk < 0.40
        msg("settled", 2, 0.9, ["wrong_item"]),  # risk ≥ 0.40, but nothing open
        msg("settled", 3, 0.05, [], sentiment="positive"),
    ]
    rows = rank_customers(messages)
    assert [(e.row["customer_id"], e.row["priority"]) for e in rows] == [
        ("today", "call today"), ("stale", "this week"), ("settled", "watch"), ("mild", "watch"),
    ]  # fmt: skip


def test_why_a_complaint_counts_as_closed_and_why_a_row_has_none():
    messages = [
        msg("a", 0, 0.8, ["payment_issue"]),
        msg("a", 1, 0.05, [], sentiment="neutral", id="calm"),  # calm: urgency below 0.2
        msg("a", 2, 0.6, ["courier_issue"]),
        msg("b", 0, 0.7, ["refund_issue"]),
        msg("b", 1, 0.5, [], sentiment="positive", id="thanks"),
        msg("c", 0, 0.3, []),
    ]
    rows = rows_of(messages)
    assert rows["a"]["open_complaints"] == "courier_issue"
    assert (
        rows["a"]["closed_complaints"]
        == "payment_issue: closed by calm on 2026-10-02 (calm: urgency 0.05 < 0.2)"
    )
    assert rows["b"]["open_complaints"] == "" and rows["b"]["note"] == (
        "all complaints closed: thanks on 2026-10-02 (positive tone)"
    )
    assert rows["c"]["note"] == "no complaint in their messages"


def test_a_complaint_raised_again_after_closing_is_open_not_closed():
    messages = [
        msg("a", 0, 0.8, ["late_delivery"]),
        msg("a", 1, 0.1, []),
        msg("a", 2, 0.8, ["late_delivery"]),
    ]
    row = rows_of(messages)["a"]
    assert row["open_complaints"] == "late_delivery" and row["closed_complaints"] == ""


def test_customer_value_weighs_the_risk_within_a_band():
    messages = [
        msg("poor", 5, 0.95, ["late_delivery"], value=100.0),
        msg("rich", 5, 0.85, ["late_delivery"], value=90000.0),
        msg("unknown", 5, 0.9, ["late_delivery"]),
    ]
    plain = rank_customers(messages)
    weighed = rank_customers(messages, weigh_value=True)
    assert [e.row["customer_id"] for e in plain] == ["poor", "unknown", "rich"]
    assert [e.row["customer_id"] for e in weighed] == ["rich", "unknown", "poor"]
    rows = {e.row["customer_id"]: e.row for e in weighed}
    assert rows["rich"]["priority_score"] == pytest.approx(rows["rich"]["risk"], abs=1e-4)
    assert rows["poor"]["priority_score"] == pytest.approx(rows["poor"]["risk"] * 0.5, abs=1e-4)
    assert rows["unknown"]["value"] is None and "value" not in plain[0].row


def test_the_html_opens_each_customer_into_their_timeline_with_marks_and_russian_names():
    evidence = {"late_delivery": [phrase("опоздал на неделю", LATE, 0.6)]}
    entities = ({"type": "order_number", "text": "190460", "start": 6, "end": 12, "value": "190460"},)
    messages = [
        msg("a", 0, 0.9, ["late_delivery"], text=LATE, evidence=evidence, entities=entities),
        msg("a", 1, 0.9, ["app_issue"], text="<script>alert(1)</script>", channel="email"),
    ]
    page = render_html(rank_customers(messages))
    assert page.count("<details class=customer") == 1 and page.count("<li><div class=meta>") == 2
    assert "<mark class=evidence title='опоздание доставки'>опоздал на неделю</mark>" in page
    assert "<mark class=entity title='order_number'>190460</mark>" in page
    assert "сбой сайта или приложения" in page and "позвонить сегодня" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "tagged without <code>--evidence</code>" not in page


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def tagged_row(i, customer, day, labels, urgency_score, text, **extra):
    return {
        "id": f"m{i}", "customer_id": customer, "created_at": (T0 + timedelta(days=day)).isoformat(),
        "channel": "chat", "text": text, "labels": ";".join(labels),
        "score_late_delivery": 0.9 if labels else 0.1,
        "sentiment": "negative", "urgency": "high" if urgency_score >= 0.5 else "medium",
        "urgency_score": urgency_score, "retention_flag": urgency_score >= 0.5,
        "entities": "[]", "evidence": "{}", "spend": "", **extra,
    }  # fmt: skip


def test_cli_writes_csv_and_html_from_an_archive_without_evidence(tmp_path):
    tagged = tmp_path / "tagged.csv"
    write_csv(tagged, [
        tagged_row(1, "c1", 0, ["late_delivery"], 0.9, "=опоздал заказ", spend="120"),
        tagged_row(2, "c2", 1, ["late_delivery"], 0.7, "где заказ", spend="50000"),
    ])  # fmt: skip
    out = tmp_path / "q.csv"
    result = CliRunner().invoke(app, ["queue", str(tagged), "--out", str(out), "--value-column", "spend"])
    assert result.exit_code == 0, result.output
    assert "without --evidence" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["customer_id"] for r in rows] == ["c2", "c1"]  # both «call today»; c2 is worth more
    assert rows[1]["latest_text"] == "'=опоздал заказ"  # as written, neutralised again for the CSV
    assert rows[1]["evidence"] == "late_delivery: (m1)" and rows[0]["value"] == "50000.0"
    page = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "tagged without <code>--evidence</code>" in page and ">=опоздал заказ<" in page


def test_cli_reads_evidence_and_entities_from_jsonl(tmp_path):
    row = tagged_row(1, "c1", 0, ["late_delivery"], 0.9, LATE)
    money = {"type": "money", "text": "1500 рублей", "start": 40, "end": 51, "value": 1500.0}
    evidence = {"late_delivery": [phrase("опоздал", LATE, 0.4)]}
    row.update(labels=["late_delivery"], evidence=evidence, entities=[money])
    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["queue", str(tagged), "--out", str(tmp_path / "q.csv")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "q.csv").open(encoding="utf-8") as handle:
        (written,) = list(csv.DictReader(handle))
    assert written["evidence"] == "late_delivery: «опоздал» (m1)" and written["sums"] == "1500 ₽"
