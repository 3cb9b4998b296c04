"""How model directories read real customers: Samokat dev complaints and SentiRuEval-2015 sentiment.

    .venv/bin/python bench/real_text.py MODEL_DIR [MODEL_DIR …] [--baseline] [--per-label]

Samokat dev (real grocery-app feedback, ../shared/datasets/samokat/dev.jsonl): complaint
micro/macro-F1 over the 11 mapped labels (missing_bonus has no trend), with per-label
precision and recall, and a bootstrap 95 % interval of the micro-F1. SentiRuEval-2015 test: the
official macro-F1 over positive and negative. `--baseline` adds TF-IDF + logistic regression
trained on data/tickets. Also the ONNX/PyTorch forward rate of each model on the Samokat texts
(batches of 64).
Measurement only: nothing here trains on these sets. Skips cleanly without ../shared.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quality import read_jsonl, sentirueval_score  # noqa: E402
from nlp.labels import COMPLAINT_LABELS  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
SAMOKAT = SHARED / "samokat" / "dev.jsonl"
SENTIRUEVAL = SHARED / "sentirueval2015" / "test.jsonl"
SCORED = [label for label in COMPLAINT_LABELS if label != "missing_bonus"]
console = Console()


def label_matrix(label_sets: list[list[str]]) -> np.ndarray:
    return np.array([[label in labels for label in SCORED] for labels in label_sets], dtype=bool)


def complaint_figures(truth: np.ndarray, guess: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score, precision_score, recall_score

    figures = {
        "micro-F1": f1_score(truth, guess, average="micro", zero_division=0),
        "macro-F1": f1_score(truth, guess, average="macro", zero_division=0),
        "micro-P": precision_score(truth, guess, average="micro", zero_division=0),
        "micro-R": recall_score(truth, guess, average="micro", zero_division=0),
    }
    figures["micro-F1 95% low"], figures["micro-F1 95% high"] = bootstrap_interval(truth, guess)
    for k, label in enumerate(SCORED):
        figures[f"{label} P"] = precision_score(truth[:, k], guess[:, k], zero_division=0)
        figures[f"{label} R"] = recall_score(truth[:, k], guess[:, k], zero_division=0)
    return figures


def bootstrap_interval(
    truth: np.ndarray, guess: np.ndarray, resamples: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of micro-F1 over messages drawn with replacement: how far
    a figure on 937 messages moves by which messages happened to be in the set."""
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(resamples):
        rows = rng.integers(0, len(truth), len(truth))
        hits = (truth[rows] & guess[rows]).sum()
        scores.append(2 * hits / max(truth[rows].sum() + guess[rows].sum(), 1))
    low, high = np.percentile(scores, [2.5, 97.5])
    return float(low), float(high)


def sentirueval_f1pn(truth: list[str], predicted: list[str]) -> float:
    return sentirueval_score(truth, predicted)[0]


def model_figures(model_dir: Path) -> dict[str, float]:
    from nlp import Predictor

    predictor = Predictor.load(model_dir)
    samokat = read_jsonl(SAMOKAT)
    texts = [r["text"] for r in samokat]
    started = time.perf_counter()
    predictor.logits(texts)
    rate = len(texts) / (time.perf_counter() - started)
    records = predictor.predict(texts, entities=False)
    figures = complaint_figures(
        label_matrix([r["labels"] for r in samokat]), label_matrix([p.labels for p in records])
    )
    tweets = read_jsonl(SENTIRUEVAL)
    predicted = predictor.predict([t["text"] for t in tweets], entities=False)
    figures["SentiRuEval F1-PN"] = sentirueval_f1pn(
        [t["sentiment"] for t in tweets], [p.sentiment for p in predicted]
    )
    figures["forward msg/s"] = rate
    return figures


def baseline_figures() -> dict[str, float]:
    """TF-IDF (words 1–2 + characters 2–5) + logistic regression trained on data/tickets,
    thresholds tuned on its dev split."""
    from bench.quality import tfidf_models

    complaint_models, sentiment_model, _, _, features = tfidf_models()
    samokat = read_jsonl(SAMOKAT)
    x = features([r["text"] for r in samokat])
    guess = np.stack([complaint_models[label](x) for label in SCORED], axis=1)
    figures = complaint_figures(label_matrix([r["labels"] for r in samokat]), guess)
    tweets = read_jsonl(SENTIRUEVAL)
    predicted = sentiment_model.predict(features([t["text"] for t in tweets]))
    figures["SentiRuEval F1-PN"] = sentirueval_f1pn([t["sentiment"] for t in tweets], list(predicted))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="*", type=Path, default=[ROOT / "models" / "default"])
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--per-label", action="store_true")
    options = parser.parse_args()
    if not SAMOKAT.exists():
        console.print(f"{SAMOKAT} not found: real-text figures skipped")
        return
    columns = {str(path): model_figures(path) for path in options.models}
    if options.baseline:
        columns["TF-IDF + LR"] = baseline_figures()
    table = Table(
        title="real text (Samokat dev complaints, SentiRuEval-2015 test sentiment)", title_justify="left"
    )
    table.add_column("metric")
    for name in columns:
        table.add_column(name, justify="right")
    names = list(next(iter(columns.values())))
    shown = [n for n in names if options.per_label or not n.endswith((" P", " R"))]
    for name in shown:
        table.add_row(name, *(f"{c.get(name, float('nan')):.3f}" for c in columns.values()))
    console.print(table)


if __name__ == "__main__":
    main()
