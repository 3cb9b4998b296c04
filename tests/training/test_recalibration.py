"""`triage calibrate`: thresholds re-tuned on a team's labelled messages, the model copied."""

import itertools

import numpy as np
import pytest
from sklearn.metrics import f1_score
from typer.testing import CliRunner

from nlp import Predictor
from nlp.calibration import probabilities
from serve.cli import app
from tests.helpers import TINY_WORDS, write_jsonl

WORDS = [word for word in TINY_WORDS if word.isalpha()]
TEXTS = [" ".join(words) for words in itertools.permutations(WORDS, 3)][:60]


def sample_rows() -> list[dict]:
    """late_delivery on every third text (20 messages); app_issue on two only (too few to tune)."""
    rows = []
    for index, text in enumerate(TEXTS):
        labels = ["late_delivery"] if index % 3 == 0 else []
        rows.append({"text": text, "labels": labels + (["app_issue"] if index in (1, 2) else [])})
    return rows


@pytest.fixture
def calibrated(tiny_model, tmp_path):
    sample = write_jsonl(tmp_path / "sample.jsonl", sample_rows())
    out = tmp_path / "calibrated"
    result = CliRunner().invoke(
        app, ["calibrate", "--model", str(tiny_model), "--data", str(sample), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return Predictor.load(tiny_model), Predictor.load(out), out


def late_delivery_f1(predictor: Predictor, threshold: float) -> float:
    scores = probabilities(predictor.config, predictor.logits(TEXTS))["complaint"]
    column = predictor.config.complaint_labels.index("late_delivery")
    truth = np.array([index % 3 == 0 for index in range(len(TEXTS))])
    return float(f1_score(truth, scores[:, column] >= threshold, zero_division=0))


def test_a_label_with_enough_messages_gets_the_threshold_best_on_them(calibrated):
    before, after, _ = calibrated
    old, new = (p.config.label_thresholds["late_delivery"] for p in (before, after))
    assert new != old and late_delivery_f1(after, new) > late_delivery_f1(before, old)  # 0.5 wins ties
    assert late_delivery_f1(after, new) >= max(late_delivery_f1(after, t) for t in (0.1, 0.3, 0.5, 0.7, 0.9))


def test_labels_with_too_few_messages_keep_their_thresholds_and_the_rest_is_unchanged(calibrated):
    before, after, out = calibrated
    for name in ("app_issue", "refund_issue"):
        assert after.config.label_thresholds[name] == before.config.label_thresholds[name]
    assert after.config.temperatures == before.config.temperatures
    assert after.config.flag_threshold == before.config.flag_threshold
    assert np.allclose(after.logits(TEXTS)["complaint"], before.logits(TEXTS)["complaint"])
    assert after.version != before.version and "Thresholds re-tuned" in (out / "README.md").read_text()


def test_the_new_thresholds_decide_the_labels(calibrated):
    _, after, _ = calibrated
    threshold = after.config.label_thresholds["late_delivery"]
    scores = probabilities(after.config, after.logits(TEXTS))["complaint"]
    column = after.config.complaint_labels.index("late_delivery")
    labelled = ["late_delivery" in record.labels for record in after.predict(TEXTS, entities=False)]
    assert labelled == list(scores[:, column] >= threshold)


def test_an_existing_out_or_a_sample_without_labels_is_one_line_and_exit_2(tiny_model, tmp_path):
    sample = write_jsonl(tmp_path / "sample.jsonl", sample_rows())
    taken = tmp_path / "taken"
    taken.mkdir()
    command = ["calibrate", "--model", str(tiny_model), "--data", str(sample), "--out", str(taken)]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2 and "choose a new --out" in result.output
    bare = write_jsonl(tmp_path / "bare.jsonl", [{"text": text} for text in TEXTS])
    command = ["calibrate", "--model", str(tiny_model), "--data", str(bare), "--out", str(tmp_path / "new")]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2 and "no record has a `labels` field" in result.output
    assert not (tmp_path / "new").exists()
