"""The CLI in the ecosystem's habits: `-h`, short flags, one name for the output (old names still
accepted), readable placeholders, stdin and output formats for `predict`, and a terminal table
that reads at 80 columns with Russian names, «possible» labels and an urgency that adds up."""

import json
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from nlp.display_names import DISPLAY_NAMES, display_name
from nlp.labels import COMPLAINT_LABELS, SENTIMENTS, URGENCIES
from nlp.prediction import Prediction
from serve.cli import app
from serve.predict import possible_labels, urgency_text
from tests.helpers import ROOT

runner = CliRunner()
COMMANDS = [
    [], ["predict"], ["tag"], ["train"], ["evaluate"], ["export"], ["queue"], ["report"], ["serve"],
    ["data"], ["data", "validate"], ["data", "split"], ["base", "build"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "triage")
def test_every_help_answers_to_h_with_readable_placeholders(command):
    result = runner.invoke(app, [*command, "-h"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert not re.search(r"<(list\[|bool|path|int|str|float)", result.output), result.output


def test_short_flags_and_placeholders_of_predict():
    help_text = runner.invoke(app, ["predict", "-h"], env={"COLUMNS": "200"}).output
    for flag in ("-m", "-o", "-i", "-f", "--text-column", "--id-column", "--encoding"):
        assert re.search(rf"(^|\s){flag}\b", help_text), flag
    assert re.search(r"--model\s+-m\s+PATH", help_text) and re.search(r"--batch-size\s+N\b", help_text)
    assert "--output" not in help_text  # the old name works but is no longer shown


def records_of(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("flag", ["-o", "--out", "--output"])
def test_predict_writes_to_out_under_every_name(tiny_model, tmp_path, flag):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["predict", "-m", str(tiny_model), "курьер опоздал", flag, str(out)])
    assert result.exit_code == 0, result.output
    assert [r["error"] for r in records_of(out)] == [None]


def test_predict_reads_stdin_and_prints_json(tiny_model):
    args = ["predict", "-m", str(tiny_model), "-", "--format", "json"]
    result = runner.invoke(app, args, input="курьер опоздал\n\nспасибо\n")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 2 and set(records[0]["scores"]) == set(COMPLAINT_LABELS)


def test_evaluate_takes_its_files_as_arguments_and_report_as_out(tiny_model, tmp_path):
    help_text = runner.invoke(app, ["evaluate", "-h"], env={"COLUMNS": "200"}).output
    assert re.search(r"PATH\s+Labelled files", help_text) and "--report" not in help_text


def test_the_table_reads_at_80_columns(tiny_model, monkeypatch):
    monkeypatch.setattr("serve.cli.predict.console", Console(width=80, color_system=None))
    text = "Заказ 190460 обещали во вторник, сегодня пятница. Поддержка молчит третий день, больше не закажу"
    result = runner.invoke(app, ["predict", "-m", str(tiny_model), text])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    body = " ".join(line.strip("│ ") for line in lines)
    for word in text.split():  # no word cut across lines
        assert word in body, word
    message_lines = [line for line in lines if "обещали" in line or "пятница" in line]
    assert all("order_number" not in line for line in message_lines)  # entities on their own line
    assert re.search(r"entities\s+order_number 190460", result.stdout)
    assert re.search(r"urgency\s+(низкая|средняя|высокая) · P\(высокая\) \d\.\d\d", result.stdout)
    assert "sentiment" in result.stdout and any(name in result.stdout for name in DISPLAY_NAMES.values())


def test_labels_just_under_their_threshold_are_possible():
    record = Prediction(
        labels=["app_issue"], scores={"app_issue": 0.9, "late_delivery": 0.41, "wrong_item": 0.39}
    )
    thresholds = {"app_issue": 0.5, "late_delivery": 0.5, "wrong_item": 0.5}
    assert possible_labels(record, thresholds) == ["late_delivery"]


def test_urgency_names_the_class_and_the_flag_probability_apart():
    record = Prediction(urgency="medium", urgency_score=0.02)
    assert urgency_text(record) == "средняя · P(высокая) 0.02"


def test_display_names_cover_the_contract_and_match_the_docs():
    assert all(display_name(code) != code for code in (*COMPLAINT_LABELS, *SENTIMENTS, *URGENCIES))
    assert display_name("team_label") == "team_label"
    docs = (ROOT / "docs" / "labels.md").read_text(encoding="utf-8").split("## Display names")[1]
    shown = {}
    for codes, names in re.findall(r"^\| (`.+?) \| (.+?) \|$", docs, flags=re.MULTILINE):
        shown.update(zip(re.findall(r"`(\w+)`", codes), names.split(" · "), strict=True))
    assert shown == DISPLAY_NAMES
