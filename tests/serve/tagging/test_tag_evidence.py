"""Entities and evidence in tagged archives and `triage predict` output: JSON cells in CSV and
Parquet, native JSON in JSONL; relative dates count from each message's own time."""

import json

import pytest
from typer.testing import CliRunner

from nlp import Predictor
from serve.cli import app
from serve.tagging.job import TagJob
from tests.helpers import HeadsOnly, read_output, tiny_model_dir, write_archive

ROWS = [
    {"id": "a", "created_at": "2025-06-10T09:00:00", "text": "заказ № 4471-220 вчера курьер опоздал"},
    {"id": "b", "created_at": "", "text": "спасибо"},
]


@pytest.fixture(scope="module")
def every_label_model(tmp_path_factory):
    """A tiny model whose thresholds are 0: every label is predicted, so every label has evidence."""
    directory = tiny_model_dir(tmp_path_factory.mktemp("every-label"))
    config = json.loads((directory / "config.json").read_text())
    config["label_thresholds"] = dict.fromkeys(config["label_thresholds"], 0.0)
    (directory / "config.json").write_text(json.dumps(config))
    return directory


@pytest.mark.parametrize("ext", [".csv", ".jsonl", ".parquet"])
def test_tagged_rows_carry_entities_and_opt_in_evidence(every_label_model, tmp_path, ext):
    source, target = tmp_path / "in.jsonl", tmp_path / f"out{ext}"
    write_archive(source, ROWS)
    TagJob(source, target, evidence=True).run(Predictor.load(every_label_model))
    rows = read_output(target)
    entities, evidence = (
        [row[name] if ext == ".jsonl" else json.loads(row[name]) for row in rows]
        for name in ("entities", "evidence")
    )
    assert [(e["type"], e["text"], e["value"]) for e in entities[0]] == [
        ("order_number", "4471-220", "4471-220"),
        ("date", "вчера", "2025-06-09"),  # the day before the message, not before today
    ]
    assert entities[1] == []
    for row, found in zip(rows, evidence, strict=True):
        labels = row["labels"].split(";") if isinstance(row["labels"], str) else row["labels"]
        assert set(found) == set(labels)
        for phrases in found.values():
            assert all(row["text"][p["start"] : p["end"]] == p["text"] for p in phrases)


def test_evidence_is_off_unless_asked(tiny_model, tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_archive(source, ROWS)
    TagJob(source, target).run(Predictor.load(tiny_model))
    assert [row["evidence"] for row in read_output(target)] == [{}, {}]


def test_cli_predict_shows_evidence_inline_and_in_files_unless_turned_off(
    every_label_model, tmp_path, monkeypatch
):
    monkeypatch.setattr("nlp.evidence.MIN_STRENGTH", 0.0)  # a random model moves scores only a little
    model = str(every_label_model)
    result = CliRunner().invoke(app, ["predict", "--model", model, "курьер опоздал"])
    assert result.exit_code == 0, result.output
    assert "←" in result.output  # the phrases behind a label
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_archive(source, ROWS)
    for flags, explained in (([], True), (["--no-evidence"], False), (["--evidence"], True)):
        command = ["predict", "--model", model, "--input", str(source), "--output", str(out), *flags]
        assert CliRunner().invoke(app, command).exit_code == 0
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert records[0]["entities"][0]["type"] == "order_number"
        assert bool(records[0]["evidence"]) == explained


def test_cli_tag_explains_by_default_when_evidence_costs_no_extra_rows(every_label_model, tmp_path):
    source = tmp_path / "in.jsonl"
    write_archive(source, ROWS)
    for flags, explained in (([], True), (["--no-evidence"], False)):
        out = tmp_path / f"out{len(flags)}.jsonl"
        command = ["tag", str(source), "--model", str(every_label_model), "--out", str(out), *flags]
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.output
        assert bool(read_output(out)[0]["evidence"]) == explained


def test_only_a_backend_with_token_terms_attributes_evidence(tiny_model):
    predictor = Predictor.load(tiny_model, backend="torch")
    assert predictor.attributes_evidence
    occluding = Predictor(predictor.config, predictor.tokenizer, HeadsOnly(predictor.backend))
    assert not occluding.attributes_evidence
