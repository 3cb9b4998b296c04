"""The mistakes behind the metrics: per label the most confident false positives and the most
missed false negatives, high vs medium urgency confusions, and what changed between two models."""

from dataclasses import dataclass

import numpy as np

from nlp.calibration import label_decisions, probabilities, urgency_decisions
from nlp.config import TriageConfig
from nlp.model import IGNORE
from training.examples import Examples

LIMIT = 10
"""Examples per list in the report."""
URGENCY_PAIRS = (("high", "medium"), ("medium", "high"))
"""(gold, predicted): urgent messages the model calls medium, medium ones it calls urgent."""


@dataclass
class Decisions:
    """One model's decisions on one file, message by message, beside the gold annotations."""

    texts: list[str]
    labels: list[str]
    scores: np.ndarray
    """(n, labels) calibrated probabilities."""
    predicted: np.ndarray
    """(n, labels) booleans over the tuned thresholds."""
    gold: np.ndarray
    annotated: np.ndarray
    """(n,) True where the record carries complaint labels."""
    urgency: list[str]
    p_high: np.ndarray
    gold_urgency: list[str | None]

    @classmethod
    def of(cls, config: TriageConfig, logits: dict[str, np.ndarray], examples: Examples) -> "Decisions":
        probs = probabilities(config, logits)
        urgency, _ = urgency_decisions(config, probs["urgency"])
        names = config.urgencies
        return cls(
            texts=list(examples.texts),
            labels=list(config.complaint_labels),
            scores=probs["complaint"],
            predicted=label_decisions(config, probs["complaint"]),
            gold=examples.complaints > 0.5,
            annotated=examples.complaint_mask > 0,
            urgency=[names[i] for i in urgency],
            p_high=probs["urgency"][:, config.flag_index],
            gold_urgency=[None if i == IGNORE else names[i] for i in examples.urgency],
        )

    def labels_of(self, row: np.ndarray) -> list[str]:
        return [label for label, on in zip(self.labels, row, strict=True) if on]

    def example(self, i: int, score: float) -> dict:
        return {
            "index": int(i),
            "text": self.texts[i],
            "gold": self.labels_of(self.gold[i]) if self.annotated[i] else None,
            "predicted": self.labels_of(self.predicted[i]),
            "score": round(float(score), 4),
            "gold_urgency": self.gold_urgency[i],
            "urgency": self.urgency[i],
            "p_high": round(float(self.p_high[i]), 4),
        }


def error_lists(decisions: Decisions, limit: int = LIMIT) -> dict:
    """Per label: false positives by descending score (the most confident first) and false
    negatives by ascending score (the most missed first); urgency: high called medium (lowest
    P(high) first) and medium called high (highest first). At most `limit` each, with counts."""
    d = decisions
    per_label = {}
    for k, label in enumerate(d.labels):
        scores = d.scores[:, k]
        fp = np.flatnonzero(d.annotated & d.predicted[:, k] & ~d.gold[:, k])
        fn = np.flatnonzero(d.annotated & ~d.predicted[:, k] & d.gold[:, k])
        per_label[label] = {
            "false_positives": [
                d.example(i, scores[i]) for i in fp[np.argsort(-scores[fp], kind="stable")][:limit]
            ],
            "false_negatives": [
                d.example(i, scores[i]) for i in fn[np.argsort(scores[fn], kind="stable")][:limit]
            ],
            "counts": {"false_positives": len(fp), "false_negatives": len(fn)},
        }
    urgency = {}
    for gold, predicted in URGENCY_PAIRS:
        found = np.array(
            [
                i
                for i, (g, p) in enumerate(zip(d.gold_urgency, d.urgency, strict=True))
                if (g, p) == (gold, predicted)
            ],
            dtype=int,
        )
        order = np.argsort(d.p_high[found] if gold == "high" else -d.p_high[found], kind="stable")
        urgency[f"{gold}_as_{predicted}"] = {
            "examples": [d.example(i, d.p_high[i]) for i in found[order][:limit]],
            "count": len(found),
        }
    return {"labels": per_label, "urgency": urgency}


def compare(
    first: Decisions, second: Decisions, first_metrics: dict, second_metrics: dict, limit: int = 50
) -> dict:
    """Two models on the same file: per-label F1 and its change, and the messages whose complaint
    labels or urgency changed (at most `limit` listed, all counted)."""
    a = first_metrics.get("complaints", {}).get("per_label", {})
    b = second_metrics.get("complaints", {}).get("per_label", {})
    per_label = {
        label: {
            "first": a[label]["f1"],
            "second": b[label]["f1"],
            "delta": round(b[label]["f1"] - a[label]["f1"], 4),
        }
        for label in a
        if label in b
    }
    changed = []
    for i in range(len(first.texts)):
        before, after = set(first.labels_of(first.predicted[i])), set(second.labels_of(second.predicted[i]))
        if before != after or first.urgency[i] != second.urgency[i]:
            changed.append({
                "index": i, "text": first.texts[i],
                "gold": first.labels_of(first.gold[i]) if first.annotated[i] else None,
                "first": sorted(before), "second": sorted(after),
                "gold_urgency": first.gold_urgency[i], "first_urgency": first.urgency[i],
                "second_urgency": second.urgency[i],
                "fixed": _fixed(first, second, i),
            })  # fmt: skip
    return {"per_label": per_label, "changed": changed[:limit], "changed_count": len(changed)}


def _fixed(first: Decisions, second: Decisions, i: int) -> str:
    """«better», «worse» or «different»: the second model's labels against the gold ones."""
    if not first.annotated[i]:
        return "different"
    gold = set(first.labels_of(first.gold[i]))
    wrong = [len(gold ^ set(d.labels_of(d.predicted[i]))) for d in (first, second)]
    return "better" if wrong[1] < wrong[0] else "worse" if wrong[1] > wrong[0] else "different"
