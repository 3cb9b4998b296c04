"""Temperature and threshold fitting on synthetic scores whose answer is known."""

import numpy as np
import pytest

from nlp.calibration import label_decisions, softmax, urgency_decisions
from nlp.config import TriageConfig
from training.calibrate import best_threshold, fit_temperature


def test_temperature_recovers_the_scale_of_overconfident_logits():
    rng = np.random.default_rng(0)
    true_logits = rng.normal(0, 1.5, (4000, 3))
    targets = np.array([rng.choice(3, p=p) for p in softmax(true_logits)])
    assert fit_temperature(true_logits * 3.0, targets, binary=False) == pytest.approx(3.0, rel=0.15)
    assert fit_temperature(true_logits, targets, binary=False) == pytest.approx(1.0, rel=0.15)


def test_binary_temperature_and_empty_input():
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 2, (3000, 2))
    targets = (rng.random((3000, 2)) < 1 / (1 + np.exp(-logits))).astype(float)
    assert fit_temperature(logits / 2, targets, binary=True) == pytest.approx(0.5, rel=0.15)
    assert fit_temperature(np.zeros((0, 2)), np.zeros((0, 2)), binary=True) == 1.0


def test_threshold_separates_the_classes_and_prefers_the_middle_on_ties():
    scores = np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    truth = np.array([0, 0, 0, 1, 1, 1], dtype=bool)
    threshold = best_threshold(scores, truth)
    assert 0.3 < threshold <= 0.7 and threshold == 0.5
    shifted = best_threshold(np.array([0.05, 0.1, 0.12, 0.2, 0.25, 0.3]), truth)
    assert 0.12 < shifted <= 0.2
    assert best_threshold(scores, np.zeros(6, dtype=bool)) == 0.5


def test_decisions_follow_the_config():
    config = TriageConfig(flag_threshold=0.3)
    config.label_thresholds = dict.fromkeys(config.complaint_labels, 0.5) | {"app_issue": 0.2}
    complaint = np.full((1, 12), 0.25)
    assert [
        n for n, on in zip(config.complaint_labels, label_decisions(config, complaint)[0], strict=True) if on
    ] == ["app_issue"]
    urgency, flags = urgency_decisions(config, np.array([[0.4, 0.3, 0.3], [0.1, 0.8, 0.1]]))
    assert flags.tolist() == [True, False]
    assert [config.urgencies[u] for u in urgency] == ["high", "medium"]
