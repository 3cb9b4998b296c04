"""Evaluation metrics for the three heads and the retention flag (scikit-learn)."""

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from nlp.calibration import label_decisions, probabilities, urgency_decisions
from nlp.config import TriageConfig
from nlp.model import IGNORE
from training.examples import Examples

BINS = 10


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return round(float(error), 4)


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> list[dict]:
    """Per confidence bin: mean confidence, accuracy and count (for reliability plots)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    return [
        {
            "bin": round(float(edges[b]), 2),
            "confidence": round(float(confidence[which == b].mean()), 4),
            "accuracy": round(float(correct[which == b].mean()), 4),
            "count": int((which == b).sum()),
        }
        for b in range(bins)
        if (which == b).any()
    ]


def complaint_metrics(config: TriageConfig, probs: np.ndarray, examples: Examples) -> dict:
    annotated = examples.complaint_mask > 0
    truth = examples.complaints[annotated].astype(int)
    predicted = label_decisions(config, probs[annotated]).astype(int)
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, zero_division=0)
    per_label = {
        name: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for name, p, r, f, s in zip(config.complaint_labels, precision, recall, f1, support, strict=True)
    }
    scores = probs[annotated]
    return {
        "micro_f1": round(float(f1_score(truth, predicted, average="micro", zero_division=0)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4),
        "exact_match": round(float((truth == predicted).all(axis=1).mean()), 4),
        "no_complaint_accuracy": round(float(((truth.sum(1) == 0) == (predicted.sum(1) == 0)).mean()), 4),
        "ece": expected_calibration_error(scores.ravel(), truth.ravel()),
        "reliability": reliability(scores.ravel(), truth.ravel()),
        "per_label": per_label,
        "confusion": {
            name: confusion_matrix(truth[:, k], predicted[:, k], labels=[0, 1]).tolist()
            for k, name in enumerate(config.complaint_labels)
        },
        "records": int(annotated.sum()),
    }


def single_choice_metrics(
    names: list[str], probs: np.ndarray, predicted: np.ndarray, truth: np.ndarray
) -> dict:
    known = truth != IGNORE
    truth, predicted, probs = truth[known], predicted[known], probs[known]
    confidence = probs[np.arange(len(predicted)), predicted]
    labels = list(range(len(names)))
    return {
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4) if len(truth) else 0.0,
        "ece": expected_calibration_error(confidence, predicted == truth),
        "reliability": reliability(confidence, predicted == truth),
        "confusion": {"labels": names, "matrix": confusion_matrix(truth, predicted, labels=labels).tolist()},
        "records": int(known.sum()),
    }


def flag_metrics(flags: np.ndarray, truth: np.ndarray, high: int) -> dict:
    known = truth != IGNORE
    actual = truth[known] == high
    precision, recall, f1, _ = precision_recall_fscore_support(
        actual, flags[known], average="binary", zero_division=0
    )
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
    }


def evaluate_logits(config: TriageConfig, logits: dict[str, np.ndarray], examples: Examples) -> dict:
    probs = probabilities(config, logits)
    urgency, flags = urgency_decisions(config, probs["urgency"])
    metrics: dict = {"records": len(examples)}
    if (examples.complaint_mask > 0).any():
        metrics["complaints"] = complaint_metrics(config, probs["complaint"], examples)
    if (examples.sentiment != IGNORE).any():
        sentiment = probs["sentiment"].argmax(-1)
        metrics["sentiment"] = single_choice_metrics(
            config.sentiments, probs["sentiment"], sentiment, examples.sentiment
        )
    if (examples.urgency != IGNORE).any():
        metrics["urgency"] = single_choice_metrics(
            config.urgencies, probs["urgency"], urgency, examples.urgency
        )
        metrics["retention_flag"] = flag_metrics(flags, examples.urgency, config.flag_index)
    return metrics


def headline(metrics: dict) -> dict[str, float]:
    """The figures a run is judged by, flat."""
    figures = {
        "complaint micro-F1": metrics.get("complaints", {}).get("micro_f1"),
        "complaint macro-F1": metrics.get("complaints", {}).get("macro_f1"),
        "sentiment macro-F1": metrics.get("sentiment", {}).get("macro_f1"),
        "urgency macro-F1": metrics.get("urgency", {}).get("macro_f1"),
        "retention-flag F1": metrics.get("retention_flag", {}).get("f1"),
    }
    return {name: value for name, value in figures.items() if value is not None}


def dev_score(metrics: dict) -> float:
    """One number for model selection: the mean of the headline figures."""
    figures = list(headline(metrics).values())
    return float(np.mean(figures)) if figures else 0.0
