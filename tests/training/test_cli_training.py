"""One CLI smoke run: train a few steps on a few dozen records → evaluate → predict."""

import json

import pytest
from typer.testing import CliRunner

from serve.cli import app
from tests.helpers import TICKETS, tiny_checkpoint

pytestmark = pytest.mark.slow

runner = CliRunner()


@pytest.fixture(scope="module")
def small_data(tmp_path_factory):
    """48 train and 16 dev records from the shipped corpus."""
    folder = tmp_path_factory.mktemp("data")
    for name, count in (("train", 48), ("dev", 16)):
        lines = (TICKETS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()[:count]
        (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def train_command(data, out, *options: str) -> list[str]:
    return ["train", "--data", str(data), "--out", str(out), *options]


SMOKE = ("--base-model", "navec-bert", "--epochs", "2", "--max-steps", "3", "--seed", "7")


@pytest.fixture(scope="module")
def trained(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    result = runner.invoke(app, train_command(small_data, out, *SMOKE))
    assert result.exit_code == 0, result.output
    return out


def test_train_writes_a_complete_model_directory(trained):
    for name in ("config.json", "model.safetensors", "tokenizer.json", "metrics.json", "README.md"):
        assert (trained / name).is_file(), name
    recipe = json.loads((trained / "training_args.json").read_text())
    assert recipe["seed"] == 7 and recipe["max_steps"] == 3 and recipe["word_dropout"] == 0.1
    config = json.loads((trained / "config.json").read_text())
    assert config["model_type"] == "support-triage" and config["format_version"] == 1
    assert set(config["label_thresholds"]) == set(config["complaint_labels"])
    assert set(config["temperatures"]) == {"complaint", "sentiment", "urgency"}
    metrics = json.loads((trained / "metrics.json").read_text())
    assert metrics["training"]["steps"] == 3 and "complaints" in metrics["dev"]


def test_model_card_describes_labels_data_and_metrics(trained):
    card = (trained / "README.md").read_text(encoding="utf-8")
    for needle in (
        "## Intended use",
        "## Labels",
        "late_delivery",
        "## Data",
        "train records | 48",
        "## Metrics",
        "| weight_decay | 0.01 |",
        "| patience | 5 |",
        "| seed | 7 |",
    ):
        assert needle in card, needle
    assert "complaint micro-F1" in card and "## Limits" in card


def test_evaluate_writes_metrics_plots_and_html(trained, small_data, tmp_path):
    report = tmp_path / "report"
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--model",
            str(trained),
            "--data",
            str(small_data / "dev.jsonl"),
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "complaint micro-F1" in result.output
    metrics = json.loads((report / "metrics.json").read_text())
    assert set(metrics["dev"]["complaints"]["per_label"]) >= {"late_delivery", "app_issue"}
    assert {p.name for p in report.glob("*.png")} >= {"dev-per-label.png", "dev-reliability.png"}
    assert "dev-sentiment-confusion.png" in (report / "index.html").read_text()


def test_predict_inline_prints_a_table(trained):
    result = runner.invoke(app, ["predict", "--model", str(trained), "Курьер опоздал на два часа"])
    assert result.exit_code == 0, result.output
    assert "Курьер опоздал" in result.output and "sentiment" in result.output


def test_predict_file_keeps_ids_and_never_drops_a_line(trained, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "Где мой заказ? Обещали вчера"}\n'
        "not json\n"
        '{"id": "c", "text": ""}\n'
        '{"id": 4, "text": "Спасибо, всё отлично"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["predict", "--model", str(trained), "--input", str(source), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", None, "c", "4"]
    assert records[1]["error"].startswith("line 2: invalid JSON")
    assert records[2]["error"] == "line 3: empty text"
    assert records[0]["error"] is None and set(records[0]["scores"]) and records[0]["model_version"]
    expected = {"id", "labels", "scores", "sentiment", "sentiment_scores", "urgency", "urgency_score"}
    assert expected | {"retention_flag", "entities", "evidence", "model_version"} <= set(records[0])


def test_predict_csv_input(trained, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('id,text\nx1,"Промокод не сработал, цена выросла"\nx2,\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["predict", "--model", str(trained), "--input", str(source), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["error"]) for r in records] == [("x1", None), ("x2", "line 3: empty text")]


def test_bad_training_arguments_exit_with_a_clear_error(small_data, tmp_path):
    result = runner.invoke(app, train_command(small_data, tmp_path, "--epochs", "0"))
    assert result.exit_code == 2 and "epochs must be ≥ 1" in result.output


def test_train_from_a_base_checkpoint(small_data, tmp_path, monkeypatch):
    from safetensors.numpy import load_file

    monkeypatch.setattr("training.precision.native_bf16", lambda: True)
    texts = [json.loads(line)["text"] for line in (small_data / "train.jsonl").read_text().splitlines()]
    base = tiny_checkpoint(tmp_path / "base", texts)
    out = tmp_path / "model"
    result = runner.invoke(app, train_command(small_data, out, "--base-model", str(base), "--max-steps", "2"))
    assert result.exit_code == 0, result.output
    config = json.loads((out / "config.json").read_text())
    assert config["encoder"]["hidden_size"] == 32 and config["max_tokens"] == 64
    recipe = json.loads((out / "training_args.json").read_text())
    assert recipe["precision"] == "bf16"  # the pretrained recipe's auto, resolved on a bf16 CPU
    assert {str(weights.dtype) for weights in load_file(out / "model.safetensors").values()} == {"float32"}
    result = runner.invoke(app, ["predict", "--model", str(out), "Приложение вылетает при оплате"])
    assert result.exit_code == 0, result.output


def test_the_same_seed_gives_the_same_model(trained, small_data, tmp_path):
    from safetensors.numpy import load_file

    again = tmp_path / "again"
    assert runner.invoke(app, train_command(small_data, again, *SMOKE)).exit_code == 0
    first, second = load_file(trained / "model.safetensors"), load_file(again / "model.safetensors")
    assert first.keys() == second.keys()
    assert all((first[name] == second[name]).all() for name in first)
