"""A model directory checked on load: its config against itself and against its weights.

Every failure is a `ModelFormatError` with a one-line message naming the problem: a config whose
label lists were edited by hand (their digest no longer matches), thresholds or temperatures
missing, no format version, or heads whose sizes differ from the label lists.
"""

import json
from pathlib import Path

import numpy as np

from nlp.config import HEADS, ModelFormatError, TriageConfig, labels_digest
from nlp.labels import RETENTION_URGENCY

WEIGHTS = "model.safetensors"
HEAD_ROWS = {
    "complaint": "complaint_head",
    "sentiment": "sentiment_head.weight",
    "urgency": "urgency_head.weight",
}


def check_model_dir(model_dir: Path) -> None:
    """The saved config and the weights' head sizes agree (reads config.json and the weights' header)."""
    raw = _raw_config(model_dir)
    config = TriageConfig.from_dict(raw)
    check_config(config, raw)
    if (model_dir / WEIGHTS).exists():
        check_widths(config, _head_rows(model_dir / WEIGHTS), "weights")


def check_config(config: TriageConfig, raw: dict) -> None:
    """Format version present, label lists as written, a threshold per label, a temperature per head."""
    if "format_version" not in raw:
        _fail("config.json has no format_version (written by an old or foreign build)")
    if "labels_digest" in raw and raw["labels_digest"] != labels_digest(*config.label_lists()):
        _fail("config.json's label lists were changed after training (labels_digest does not match)")
    missing = [name for name in config.complaint_labels if name not in config.label_thresholds]
    unknown = [name for name in config.label_thresholds if name not in config.complaint_labels]
    if missing or unknown:
        _fail(f"label_thresholds do not match complaint_labels (missing {missing}, unknown {unknown})")
    if absent := [head for head in HEADS if head not in config.temperatures]:
        _fail(f"temperatures missing for {absent}")
    if RETENTION_URGENCY not in config.urgencies:
        _fail(f"urgencies {config.urgencies} lack {RETENTION_URGENCY!r}")


def check_widths(config: TriageConfig, widths: dict[str, int], where: str) -> None:
    """Each head's width (from the weights or from a prediction) equals its label list's length."""
    for head, names in zip(HEADS, config.label_lists(), strict=True):
        if head in widths and widths[head] != len(names):
            _fail(f"the {where} have {widths[head]} {head} outputs, config.json names {len(names)}")


def check_logits(config: TriageConfig, logits: dict[str, np.ndarray]) -> None:
    """A smoke prediction's logits are finite and as wide as the label lists."""
    check_widths(config, {head: values.shape[-1] for head, values in logits.items()}, "model's outputs")
    if not all(np.isfinite(values).all() for values in logits.values()):
        _fail("the model's outputs are not finite numbers")


def _raw_config(model_dir: Path) -> dict:
    try:
        return json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFormatError(f"{model_dir / 'config.json'} cannot be read: {exc}") from exc


def _head_rows(weights: Path) -> dict[str, int]:
    from safetensors import safe_open

    with safe_open(weights, "np") as stored:
        names = set(stored.keys())
        return {head: stored.get_slice(key).get_shape()[0] for head, key in HEAD_ROWS.items() if key in names}


def _fail(problem: str) -> None:
    raise ModelFormatError(f"model directory rejected: {problem}")
