"""Re-tuning a model's label thresholds on a team's own labelled messages, without retraining.

A model's thresholds are tuned on its dev split, written like its training data; real traffic
has other label shares and another style. A few hundred labelled messages of that traffic are
enough to move each label's threshold to where F1 on them is best (`training.calibrate`).
Labels with fewer than `MIN_POSITIVES` examples in the sample keep their threshold, and the
temperatures and the retention-flag threshold are kept: the weights and the ONNX files are
copied unchanged, only config.json and the card change.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.errors import InputError

MIN_POSITIVES = 5
"""A label's threshold moves only with at least this many messages carrying it in the sample."""


@dataclass(frozen=True)
class Recalibration:
    before: dict[str, float]
    after: dict[str, float]
    positives: dict[str, int]
    messages: int
    model_version: str

    def changed(self) -> list[str]:
        """The labels whose threshold moved."""
        return [name for name in self.after if not np.isclose(self.after[name], self.before[name])]


def recalibrate(model_dir: Path, sample: Path, out: Path) -> Recalibration:
    """Copies `model_dir` to `out` with thresholds tuned on `sample` (a labelled file)."""
    from nlp.calibration import probabilities
    from nlp.predictor import Predictor
    from training.calibrate import best_threshold
    from training.card import new_model_version
    from training.examples import load_examples

    if out.exists():
        raise InputError(f"{out} exists: choose a new --out (the model is copied there)")
    predictor = Predictor.load(model_dir)
    config = predictor.config
    examples = load_examples(sample, labels=config.complaint_labels)
    annotated = examples.complaint_mask > 0
    if not annotated.any():
        raise InputError(f"{sample}: no record has a `labels` field; nothing to tune on")
    texts = [text for text, keep in zip(examples.texts, annotated, strict=True) if keep]
    scores = probabilities(config, predictor.logits(texts))["complaint"]
    truth = examples.complaints[annotated] > 0.5
    positives = {name: int(truth[:, k].sum()) for k, name in enumerate(config.complaint_labels)}
    after = dict(config.label_thresholds)
    for k, name in enumerate(config.complaint_labels):
        if positives[name] >= MIN_POSITIVES:
            after[name] = best_threshold(scores[:, k], truth[:, k])
    result = Recalibration(
        dict(config.label_thresholds), after, positives, len(texts), new_model_version(out)
    )
    _write(model_dir, out, result, sample)
    return result


def _write(model_dir: Path, out: Path, result: Recalibration, sample: Path) -> None:
    from nlp.config import TriageConfig

    shutil.copytree(model_dir, out)
    config = TriageConfig.from_pretrained(out)
    config.label_thresholds = result.after
    config.model_version = result.model_version
    config.save_pretrained(out)
    card = out / "README.md"
    text = card.read_text(encoding="utf-8") if card.exists() else ""
    card.write_text(text + _card_section(result, sample), encoding="utf-8")


def _card_section(result: Recalibration, sample: Path) -> str:
    rows = "\n".join(
        f"| {name} | {result.positives[name]} | {result.before[name]:.2f} | {result.after[name]:.2f} |"
        for name in result.after
    )
    return (
        f"\n## Thresholds re-tuned\n\n`triage calibrate` on {result.messages} labelled messages of "
        f"`{sample}` ({result.model_version}); labels with fewer than {MIN_POSITIVES} kept theirs.\n\n"
        f"| label | messages with it | threshold before | after |\n|---|---:|---:|---:|\n{rows}\n"
    )
