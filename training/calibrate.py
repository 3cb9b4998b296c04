"""Fitting calibration on dev: a temperature per head, a threshold per label, the flag threshold."""

import numpy as np
from scipy.optimize import minimize_scalar

from nlp.calibration import sigmoid, softmax
from nlp.config import TriageConfig
from nlp.model import IGNORE
from training.examples import Examples

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)
DEFAULT_THRESHOLD = 0.5


def _binary_nll(logits: np.ndarray, targets: np.ndarray) -> float:
    probs = np.clip(sigmoid(logits), 1e-7, 1 - 1e-7)
    return float(-(targets * np.log(probs) + (1 - targets) * np.log(1 - probs)).mean())


def _categorical_nll(logits: np.ndarray, targets: np.ndarray) -> float:
    probs = np.clip(softmax(logits), 1e-7, 1.0)
    return float(-np.log(probs[np.arange(len(targets)), targets]).mean())


def fit_temperature(logits: np.ndarray, targets: np.ndarray, binary: bool) -> float:
    """The temperature T minimising the negative log-likelihood of logits / T (1.0 if no data)."""
    if len(targets) == 0:
        return 1.0
    nll = _binary_nll if binary else _categorical_nll
    result = minimize_scalar(
        lambda log_t: nll(logits / np.exp(log_t), targets), bounds=(-3, 3), method="bounded"
    )
    return round(float(np.exp(result.x)), 4)


def best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The F1-maximising threshold on the grid; ties go to the one nearest 0.5."""
    if truth.sum() == 0:
        return DEFAULT_THRESHOLD
    f1 = [_f1(scores >= threshold, truth) for threshold in THRESHOLD_GRID]
    best = max(f1)
    candidates = THRESHOLD_GRID[np.isclose(f1, best)]
    return float(candidates[np.abs(candidates - DEFAULT_THRESHOLD).argmin()])


def _f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    true_positive = float((predicted & truth).sum())
    denominator = float(predicted.sum() + truth.sum())
    return 2 * true_positive / denominator if denominator else 0.0


def calibrate(config: TriageConfig, logits: dict[str, np.ndarray], dev: Examples) -> None:
    """Store temperatures and thresholds fitted on `dev` in `config`."""
    annotated = dev.complaint_mask > 0
    has_sentiment, has_urgency = dev.sentiment != IGNORE, dev.urgency != IGNORE
    config.temperatures = {
        "complaint": fit_temperature(logits["complaint"][annotated], dev.complaints[annotated], binary=True),
        "sentiment": fit_temperature(logits["sentiment"][has_sentiment], dev.sentiment[has_sentiment], False),
        "urgency": fit_temperature(logits["urgency"][has_urgency], dev.urgency[has_urgency], binary=False),
    }
    complaint = sigmoid(logits["complaint"][annotated] / config.temperatures["complaint"])
    truth = dev.complaints[annotated].astype(bool)
    config.label_thresholds = {
        name: best_threshold(complaint[:, k], truth[:, k]) for k, name in enumerate(config.complaint_labels)
    }
    high = config.flag_index
    urgency = softmax(logits["urgency"][has_urgency] / config.temperatures["urgency"])
    config.flag_threshold = best_threshold(urgency[:, high], dev.urgency[has_urgency] == high)
