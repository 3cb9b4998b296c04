"""The configuration of a triage model: encoder, label lists, calibration, thresholds."""

import hashlib
import json
from typing import Any

from transformers import AutoConfig, PretrainedConfig

from nlp.errors import ModelFormatError
from nlp.labels import COMPLAINT_LABELS, DESCRIPTIONS, RETENTION_URGENCY, SENTIMENTS, URGENCIES
from nlp.taxonomy import display_names

FORMAT_VERSION = 1
"""Bumped whenever a saved model directory changes meaning; checked on load."""

HEADS = ("complaint", "sentiment", "urgency")
__all__ = ["HEADS", "ModelFormatError", "TriageConfig", "labels_digest"]


def labels_digest(*lists: list[str]) -> str:
    """A short fingerprint of the label lists in order: a hand-edited config no longer matches it."""
    return hashlib.sha256(json.dumps(lists, ensure_ascii=False).encode()).hexdigest()[:16]


class TriageConfig(PretrainedConfig):
    model_type = "support-triage"

    def __init__(
        self,
        encoder: dict[str, Any] | None = None,
        complaint_labels: list[str] | None = None,
        label_info: dict[str, dict[str, str]] | None = None,
        sentiments: list[str] | None = None,
        urgencies: list[str] | None = None,
        label_thresholds: dict[str, float] | None = None,
        temperatures: dict[str, float] | None = None,
        flag_threshold: float = 0.5,
        max_tokens: int = 256,
        classifier_dropout: float = 0.1,
        pooling: str = "attention",
        format_version: int = FORMAT_VERSION,
        labels_digest: str | None = None,  # written by `to_dict`, checked by `nlp.checks` on load
        **kwargs: Any,
    ) -> None:
        if format_version != FORMAT_VERSION:
            raise ModelFormatError(
                f"model format version {format_version} is not supported (this build reads "
                f"version {FORMAT_VERSION}); retrain the model or use a matching release"
            )
        self.encoder = encoder or {}
        self.complaint_labels = list(complaint_labels or COMPLAINT_LABELS)
        self.label_info = label_info if label_info is not None else _default_info(self.complaint_labels)
        self.sentiments = list(sentiments or SENTIMENTS)
        self.urgencies = list(urgencies or URGENCIES)
        self.label_thresholds = label_thresholds or dict.fromkeys(self.complaint_labels, 0.5)
        self.temperatures = temperatures or dict.fromkeys(HEADS, 1.0)
        self.flag_threshold = flag_threshold
        self.max_tokens = max_tokens
        self.classifier_dropout = classifier_dropout
        self.pooling = pooling
        self.format_version = format_version
        super().__init__(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The config as saved, with the digest of its label lists as they are now."""
        return {**super().to_dict(), "labels_digest": labels_digest(*self.label_lists())}

    def label_lists(self) -> tuple[list[str], list[str], list[str]]:
        return self.complaint_labels, self.sentiments, self.urgencies

    @property
    def display_names(self) -> dict[str, str]:
        """Each complaint label's display name (its name when the taxonomy gives none)."""
        return display_names(self.complaint_labels, self.label_info)

    @property
    def descriptions(self) -> dict[str, str]:
        """What each complaint label covers, for the labels that have a description."""
        info = {name: self.label_info.get(name, {}).get("description") for name in self.complaint_labels}
        return {name: text for name, text in info.items() if text}

    @property
    def flag_index(self) -> int:
        """Position of the retention urgency («high») among the urgency classes."""
        return self.urgencies.index(RETENTION_URGENCY)

    def encoder_config(self) -> PretrainedConfig:
        settings = dict(self.encoder)
        return AutoConfig.for_model(settings.pop("model_type"), **settings)


def _default_info(labels: list[str]) -> dict[str, dict[str, str]]:
    """A config written before label sets were configurable: the default labels' descriptions."""
    return {name: {"description": DESCRIPTIONS[name]} for name in labels if name in DESCRIPTIONS}
