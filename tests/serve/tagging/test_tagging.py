"""`triage tag`: formats, rejects with reasons, row accounting, resume after a kill."""

import json
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from nlp import Predictor
from serve.cli import app
from serve.tagging.job import TagJob
from serve.tagging.records import SCORE_PREFIX, Columns
from tests.helpers import KILL_SCRIPT, archive_rows, read_output, subprocess_env, write_archive


@pytest.fixture(scope="module")
def predictor(tiny_model):
    return Predictor.load(tiny_model)


@pytest.mark.parametrize("source_ext", [".csv", ".tsv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("target_ext", [".csv", ".jsonl", ".parquet"])
def test_every_format_round_trips_rows_in_order(predictor, tmp_path, source_ext, target_ext):
    rows = archive_rows(23)
    source, target = tmp_path / f"in{source_ext}", tmp_path / f"out{target_ext}"
    write_archive(source, rows)
    summary = TagJob(source, target, chunk_rows=5).run(predictor)
    tagged = read_output(target)
    assert summary.rows == summary.tagged == 23 and summary.rejected == 0
    assert [r["id"] for r in tagged] == [r["id"] for r in rows]
    assert [r["text"] for r in tagged] == [r["text"] for r in rows]
    assert {SCORE_PREFIX + "app_issue", "sentiment", "urgency_score", "retention_flag"} <= set(tagged[0])
    if target_ext == ".csv":
        labels = {label for r in tagged for label in r["labels"].split(";") if label}
        assert labels <= set(predictor.config.complaint_labels)
    assert not TagJob(source, target).parts.exists()


def test_bad_rows_go_to_rejects_with_reasons_and_every_row_is_counted(predictor, tmp_path):
    source = tmp_path / "in.jsonl"
    good = [json.dumps(r, ensure_ascii=False) for r in archive_rows(4)]
    lines = [good[0], "not json", json.dumps({"id": "x", "text": ""}), json.dumps({"id": "y"}), good[1]]
    source.write_bytes(
        ("\n".join(lines) + "\n").encode() + b'{"id": "z", "text": "\xff"}\n' + (good[2] + "\n").encode()
    )
    target = tmp_path / "out.jsonl"
    summary = TagJob(source, target).run(predictor)
    rejects = [json.loads(line) for line in (tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["reason"].split(":")[0]) for r in rejects] == [
        (2, "invalid JSON"),
        (3, "empty text"),
        (4, "missing text column 'text'"),
        (6, "undecodable bytes (not valid UTF-8)"),
    ]
    assert [r["id"] for r in read_output(target)] == ["m0", "m1", "m2"]
    assert summary.rows == 7 == summary.tagged + summary.rejected


def test_custom_columns(predictor, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("ticket,body,client\nt1,курьер опоздал,k1\nt2,спасибо,k2\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    TagJob(source, target, Columns(text="body", id="ticket", customer="client")).run(predictor)
    assert [r["ticket"] for r in read_output(target)] == ["t1", "t2"]


def test_cli_tag_prints_the_accounting(tiny_model, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_archive(
        source,
        [*archive_rows(3), {"id": "e", "customer_id": "c", "created_at": "", "channel": "", "text": ""}],
    )
    result = CliRunner().invoke(app, ["tag", str(source), "--out", str(target), "--model", str(tiny_model)])
    assert result.exit_code == 0, result.output
    assert "4 input rows = 3 tagged" in result.output and "1 rejected" in result.output


def test_cli_tag_creates_the_output_folder(tiny_model, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "build" / "demo" / "out.csv"
    write_archive(source, archive_rows(2))
    result = CliRunner().invoke(app, ["tag", str(source), "--out", str(target), "--model", str(tiny_model)])
    assert result.exit_code == 0, result.output
    assert target.exists() and not target.with_name("out.csv.lock").exists()


def test_resume_after_kill_9_gives_the_same_output(tiny_model, predictor, tmp_path):
    source = tmp_path / "in.csv"
    write_archive(source, archive_rows(95))
    reference = tmp_path / "reference.csv"
    TagJob(source, reference, chunk_rows=10).run(predictor)
    target = tmp_path / "out.csv"
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    command = [sys.executable, str(script), str(tiny_model), str(source), str(target)]
    process = subprocess.Popen([*command, "0"], stdout=subprocess.PIPE, text=True, env=subprocess_env())
    for _ in range(3):
        process.stdout.readline()  # three chunks committed
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not target.exists() and TagJob(source, target).parts.exists()
    started = time.time()
    subprocess.run([*command, "1"], check=True, capture_output=True, timeout=120, env=subprocess_env())
    assert time.time() - started < 120
    assert target.read_bytes() == reference.read_bytes()
    assert (tmp_path / "out.csv.rejects.jsonl").read_text() == ""
