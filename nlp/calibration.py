"""Turning logits into calibrated probabilities and decisions, as a model's config says."""

import numpy as np

from nlp.config import TriageConfig


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def probabilities(config: TriageConfig, logits: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Temperature-scaled probabilities per head: sigmoid for complaints, softmax otherwise."""
    temperature = config.temperatures
    return {
        "complaint": sigmoid(logits["complaint"] / temperature["complaint"]),
        "sentiment": softmax(logits["sentiment"] / temperature["sentiment"]),
        "urgency": softmax(logits["urgency"] / temperature["urgency"]),
    }


def label_decisions(config: TriageConfig, complaint: np.ndarray) -> np.ndarray:
    thresholds = np.array([config.label_thresholds[name] for name in config.complaint_labels])
    return complaint >= thresholds


def urgency_decisions(config: TriageConfig, urgency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(urgency index, retention flag): «high» exactly when its probability passes the flag threshold."""
    high = config.flag_index
    flags = urgency[:, high] >= config.flag_threshold
    others = urgency.copy()
    others[:, high] = -1.0
    return np.where(flags, high, others.argmax(axis=-1)), flags
