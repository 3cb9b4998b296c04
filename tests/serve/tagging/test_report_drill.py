"""The report's data on a crafted archive with a planted spike: its drill-down messages, the row
accounting, the limits for big archives, and a page that needs nothing from the network."""

import json
import re
from datetime import date

from typer.testing import CliRunner

from serve.cli import app
from serve.tagging import report
from serve.tagging.report import DailyCounts, Totals, drill_from_messages, render_report
from serve.tagging.report_page import page_data
from tests.helpers import CRASH, SPIKE_DAY, message, planted


def test_the_planted_spike_carries_its_messages_with_text_labels_and_evidence():
    messages = planted()
    counts = DailyCounts.from_messages(messages, ["app_issue", "payment_issue"])
    drill, embed_all = drill_from_messages(messages, counts.spikes())
    data = page_data(counts, drill, embed_all, Totals(rejected=3, skipped=2), period=7)
    assert [(s["day"], s["label"], s["count"]) for s in data["spikes"]] == [
        (SPIKE_DAY.isoformat(), "app_issue", 6)
    ]
    records = [data["records"][i] for i in data["drill"][f"app_issue|{SPIKE_DAY}"]]
    assert [r["id"] for r in records] == [f"m15-{i}" for i in range(6)]
    assert {r["text"] for r in records} == {CRASH} and records[0]["labels"] == ["app_issue", "payment_issue"]
    at = CRASH.index("вылетает")
    assert records[0]["evidence"] == {"app_issue": [{"start": at, "end": at + 8}]}
    assert records[0]["urgency"] == "высокая (0.70)" and records[0]["flag"] is True
    assert (
        data["complaints"]["app_issue"]["email"][15] == 2 and data["complaints"]["app_issue"]["app"][15] == 4
    )
    assert data["totals"] == {"messages": len(messages), "no_complaint": 30, "rejected": 3, "skipped": 2}
    assert {"code": "app_issue", "name": "сбой сайта или приложения"} in data["labels"]


def test_a_big_archive_keeps_only_the_spikes_messages_and_at_most_a_few_each(monkeypatch):
    monkeypatch.setattr(report, "EMBED_ALL", 10)
    monkeypatch.setattr(report, "MAX_PER_SPIKE", 4)
    messages = planted()
    drill, embed_all = drill_from_messages(messages, DailyCounts.from_messages(messages).spikes())
    assert (
        not embed_all
        and list(drill) == [f"app_issue|{SPIKE_DAY}"]
        and len(drill[f"app_issue|{SPIKE_DAY}"]) == 4
    )


def test_the_page_is_one_offline_file_whose_data_cannot_break_out_of_its_script():
    hostile = "</script><script>window.__xss=1</script>"
    messages = [*planted(), message(9, 15, ["app_issue"], text=hostile)]
    page = render_report(messages, ["app_issue", "payment_issue"])
    assert not re.search(r"<script[^>]*\bsrc=|<link\b", page)
    assert "Plotly" in page and len(page) > 1_000_000  # the library itself, inline
    assert hostile not in page and "window.__xss=1" in page  # kept as data, escaped
    data = json.loads(re.search(r"<script id=data type=application/json>(.*?)</script>", page).group(1))
    assert hostile in {r["text"] for r in data["records"]}
    assert "<td>сбой сайта или приложения</td><td>" in page and "3·MAD" in page


def test_cli_report_counts_rejected_and_skipped_rows(tmp_path):
    tagged = tmp_path / "tagged.jsonl"
    rows = [
        {"id": f"r{day}", "customer_id": "c1", "created_at": f"2026-10-{day:02d}T10:00:00+03:00",
         "channel": "chat", "text": "вылетает", "labels": ["app_issue"], "score_app_issue": 0.9,
         "sentiment": "negative", "urgency": "high", "urgency_score": 0.8, "retention_flag": True}
        for day in range(1, 5)
    ]  # fmt: skip
    rows.append({**rows[0], "id": "late", "created_at": "не дата"})
    tagged.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "tagged.jsonl.rejects.jsonl").write_text('{"line": 7}\n{"line": 9}\n', encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(tagged), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(re.search(r"type=application/json>(.*?)</script>", out.read_text("utf-8")).group(1))
    assert data["totals"] == {"messages": 4, "no_complaint": 0, "rejected": 2, "skipped": 1}
    assert data["days"][0] == date(2026, 10, 1).isoformat()
