"""Evaluation that shows its mistakes: per-label false positives and negatives in the right order,
high vs medium urgency both ways, two models compared, and the CLI's table and report."""

import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from serve.cli import app
from tests.helpers import write_jsonl
from training.errors import Decisions, compare, error_lists

LABELS = ["late_delivery", "app_issue"]


def decisions(scores, gold, annotated=None, urgency=None, p_high=None, gold_urgency=None, threshold=0.5):
    scores = np.array(scores, dtype=float)
    n = len(scores)
    return Decisions(
        texts=[f"t{i}" for i in range(n)], labels=LABELS, scores=scores, predicted=scores >= threshold,
        gold=np.array(gold, dtype=bool), annotated=np.array(annotated or [True] * n),
        urgency=urgency or ["low"] * n, p_high=np.array(p_high or [0.0] * n),
        gold_urgency=gold_urgency or ["low"] * n,
    )  # fmt: skip


def test_false_positives_most_confident_first_false_negatives_most_missed_first():
    d = decisions(
        scores=[[0.6, 0], [0.95, 0], [0.8, 0], [0.3, 0], [0.05, 0], [0.9, 0], [0.99, 0]],
        gold=[[0, 0], [0, 0], [0, 0], [1, 0], [1, 0], [1, 0], [0, 0]],
        annotated=[True, True, True, True, True, True, False],  # t6 has no complaint annotation
    )
    lists = error_lists(d, limit=2)["labels"]["late_delivery"]
    assert [e["text"] for e in lists["false_positives"]] == ["t1", "t2"]  # t0 cut by the limit
    assert [e["text"] for e in lists["false_negatives"]] == ["t4", "t3"]
    assert lists["counts"] == {"false_positives": 3, "false_negatives": 2}
    first = lists["false_positives"][0]
    assert first["gold"] == [] and first["predicted"] == ["late_delivery"] and first["score"] == 0.95
    assert error_lists(d)["labels"]["app_issue"]["counts"] == {"false_positives": 0, "false_negatives": 0}


def test_urgency_lists_high_called_medium_and_medium_called_high():
    d = decisions(
        scores=[[0, 0]] * 5, gold=[[0, 0]] * 5,
        gold_urgency=["high", "high", "medium", "medium", "low"],
        urgency=["medium", "medium", "high", "medium", "high"], p_high=[0.4, 0.1, 0.7, 0.2, 0.9],
    )  # fmt: skip
    urgency = error_lists(d)["urgency"]
    assert [e["text"] for e in urgency["high_as_medium"]["examples"]] == ["t1", "t0"]
    assert [(e["text"], e["p_high"]) for e in urgency["medium_as_high"]["examples"]] == [("t2", 0.7)]
    assert urgency["medium_as_high"]["count"] == 1


def test_compare_lists_the_messages_whose_decisions_changed():
    gold = [[1, 0], [0, 1], [0, 0]]
    first = decisions([[0.9, 0.1], [0.1, 0.2], [0.1, 0.1]], gold)
    second = decisions([[0.9, 0.1], [0.1, 0.8], [0.7, 0.1]], gold)
    metrics = {"complaints": {"per_label": {label: {"f1": 0.5} for label in LABELS}}}
    better = {"complaints": {"per_label": {"late_delivery": {"f1": 0.4}, "app_issue": {"f1": 0.9}}}}
    result = compare(first, second, metrics, better)
    assert [(c["text"], c["first"], c["second"], c["fixed"]) for c in result["changed"]] == [
        ("t1", [], ["app_issue"], "better"), ("t2", [], ["late_delivery"], "worse"),
    ]  # fmt: skip
    assert result["per_label"]["app_issue"]["delta"] == pytest.approx(0.4) and result["changed_count"] == 2


def test_cli_prints_the_per_label_table_and_reports_mistakes_and_a_comparison(tiny_model, tmp_path):
    eager = tmp_path / "eager"  # the same weights with every threshold at 0: every label on
    shutil.copytree(tiny_model, eager)
    config = json.loads((eager / "config.json").read_text(encoding="utf-8"))
    config["label_thresholds"] = {label: 0.0 for label in config["label_thresholds"]}
    (eager / "config.json").write_text(json.dumps(config), encoding="utf-8")
    data = write_jsonl(tmp_path / "dev.jsonl", [
        {"id": "a", "text": "курьер опоздал", "labels": ["late_delivery"], "urgency": "high"},
        {"id": "b", "text": "приложение вылетает", "labels": ["app_issue"], "urgency": "medium"},
        {"id": "c", "text": "спасибо", "labels": [], "sentiment": "positive", "urgency": "low"},
    ])  # fmt: skip
    report = tmp_path / "report"
    args = ["evaluate", "-m", str(tiny_model), str(data), "-o", str(report), "--compare", str(eager)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "dev: per label" in result.output and "опоздание доставки" in result.output
    assert "3 messages changed decisions" in result.output and "dev · other" in result.output
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))["dev"]
    positives = metrics["compare"]["metrics"]["complaints"]["per_label"]["wrong_item"]
    assert positives["precision"] == 0.0 and metrics["compare"]["changed_count"] == 3
    assert set(metrics["errors"]["labels"]) == set(config["label_thresholds"])
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "False positives (highest score first)" in page and "Urgency: high vs medium" in page
    assert f"Against {eager}" in page and "Messages whose decisions changed: 3" in page
