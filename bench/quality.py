"""Quality of the default model, measured and printed (not a test).

    .venv/bin/python bench/quality.py [--epochs N] [--skip-shared | --shared-only] [--extra-epochs N]

1. Trains the default model on data/tickets (repo data only), timing it; test-set figures.
2. A TF-IDF + logistic-regression baseline (scikit-learn) on the same data and thresholds.
3. With ../shared/datasets present: trains again with SentiRuEval-2015 train as auxiliary
   data and reports the official SentiRuEval metric (macro-F1 over positive and negative)
   on its test set, for the model and the baseline.
4. Behavioural checks (bench/behaviour.py) and slice metrics on the test set.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import behaviour  # noqa: E402
from nlp.labels import COMPLAINT_LABELS, SENTIMENTS  # noqa: E402

TICKETS = ROOT / "data" / "tickets"
SHARED = ROOT.parent / "shared" / "datasets"
HIGH = 2
"""Index of the retention urgency («high»)."""
console = Console()


def train_default(out: Path, epochs: int | None, extra: list[str], **options) -> tuple[dict, float]:
    """Train with the defaults of `triage train` (plus `options`, e.g. base_model="navec-bert")."""
    from training.arguments import TrainingArguments
    from training.train import run

    args = TrainingArguments(data=TICKETS, out=out, epochs=epochs, extra=extra, **options)
    started = time.perf_counter()
    metrics = run(args, Console(quiet=True))
    return metrics, time.perf_counter() - started


def tfidf_models(extra_texts: list[str] = (), extra_sentiment: list[str] = ()):
    """TF-IDF (words 1–2 + characters 2–5) + logistic regression on data/tickets; thresholds
    tuned on dev. Returns (per-label decision functions, sentiment model, urgency model, flag
    threshold, features)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from training.calibrate import best_threshold
    from training.examples import load_examples

    extra_texts, extra_sentiment = list(extra_texts), list(extra_sentiment)
    train, dev = (load_examples(TICKETS / f"{name}.jsonl") for name in ("train", "dev"))
    fold = lambda text: text.lower().replace("ё", "е")  # noqa: E731
    words = TfidfVectorizer(preprocessor=fold, ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(
        preprocessor=fold, analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
    )
    words.fit(train.texts + extra_texts), chars.fit(train.texts + extra_texts)

    def features(texts):
        return hstack([words.transform(texts), chars.transform(texts)]).tocsr()

    x_train, x_dev = features(train.texts), features(dev.texts)
    complaint_models = {}
    for k, label in enumerate(COMPLAINT_LABELS):
        model = LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(
            x_train, train.complaints[:, k]
        )
        threshold = best_threshold(model.predict_proba(x_dev)[:, 1], dev.complaints[:, k].astype(bool))
        complaint_models[label] = lambda x, m=model, t=threshold: m.predict_proba(x)[:, 1] >= t
    sentiment_x = features(train.texts + extra_texts) if extra_texts else x_train
    sentiment_y = [SENTIMENTS[i] for i in train.sentiment] + extra_sentiment
    sentiment_model = LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(
        sentiment_x, sentiment_y
    )
    urgency_model = LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(
        x_train, train.urgency
    )
    flag_threshold = best_threshold(urgency_model.predict_proba(x_dev)[:, HIGH], dev.urgency == HIGH)
    return complaint_models, sentiment_model, urgency_model, flag_threshold, features


def baseline_figures(extra_texts: list[str], extra_sentiment: list[str]):
    """The TF-IDF baseline's test figures, and its sentiment predictor."""
    from sklearn.metrics import f1_score

    from training.examples import load_examples

    complaint_models, sentiment_model, urgency_model, flag_threshold, features = tfidf_models(
        extra_texts, extra_sentiment
    )
    test = load_examples(TICKETS / "test.jsonl")
    x_test = features(test.texts)
    predicted = np.stack([complaint_models[label](x_test) for label in COMPLAINT_LABELS], axis=1)
    truth = test.complaints.astype(bool)
    flags = urgency_model.predict_proba(x_test)[:, HIGH] >= flag_threshold
    figures = {
        "complaint micro-F1": f1_score(truth, predicted, average="micro"),
        "complaint macro-F1": f1_score(truth, predicted, average="macro"),
        "sentiment macro-F1": f1_score(
            [SENTIMENTS[i] for i in test.sentiment], sentiment_model.predict(x_test), average="macro"
        ),
        "urgency macro-F1": f1_score(test.urgency, urgency_model.predict(x_test), average="macro"),
        "retention-flag F1": f1_score(test.urgency == HIGH, flags),
    }
    return figures, lambda texts: sentiment_model.predict(features(texts))


def sentirueval_score(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    """(official macro-F1 over positive and negative, plain 3-class macro-F1)."""
    from sklearn.metrics import f1_score

    official = f1_score(truth, predicted, labels=["positive", "negative"], average="macro")
    return official, f1_score(truth, predicted, average="macro")


def read_jsonl(path: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.open(encoding="utf-8")]


def behavioural(predictor) -> dict[str, tuple[int, int]]:
    results = {}
    mft_texts = [(label, text) for label, texts in behaviour.MINIMUM_FUNCTIONALITY.items() for text in texts]
    records = predictor.predict([text for _, text in mft_texts])
    results["minimum functionality"] = (
        sum(label in r.labels for (label, _), r in zip(mft_texts, records, strict=False)),
        len(records),
    )
    short = [(label, text) for label, texts in behaviour.SHORT_REVIEWS.items() for text in texts]
    records = predictor.predict([text for _, text in short])
    results["short generic reviews"] = (
        sum(label in r.labels for (label, _), r in zip(short, records, strict=True)),
        len(records),
    )
    records = predictor.predict(behaviour.NO_COMPLAINT)
    results["no complaint (praise, prices, wishes)"] = (sum(not r.labels for r in records), len(records))
    records = predictor.predict([text for text, _ in behaviour.SARCASM])
    results["sarcasm (label and negative)"] = (
        sum(
            label in r.labels and r.sentiment == "negative"
            for (_, label), r in zip(behaviour.SARCASM, records, strict=True)
        ),
        len(records),
    )
    pairs = predictor.predict([text for pair in behaviour.INVARIANCE for text in pair])
    same = sum(pairs[i].labels == pairs[i + 1].labels for i in range(0, len(pairs), 2))
    results["invariance (ё/е, case, names, numbers)"] = (same, len(behaviour.INVARIANCE))
    negated = predictor.predict([text for text, _ in behaviour.NEGATION])
    results["negation"] = (
        sum(label not in r.labels for (_, label), r in zip(behaviour.NEGATION, negated, strict=False)),
        len(negated),
    )
    bases = predictor.predict(behaviour.DIRECTIONAL_BASES)
    raised = total = 0
    for base, record in zip(behaviour.DIRECTIONAL_BASES, bases, strict=False):
        for threat in predictor.predict([base + threat for threat in behaviour.CHURN_THREATS]):
            raised, total = raised + (threat.urgency_score > record.urgency_score), total + 1
    results["directional (churn threat raises urgency)"] = (raised, total)
    return results


def slice_figures(predictor) -> dict[str, tuple[int, float, float]]:
    from sklearn.metrics import f1_score

    from training.data.textshape import is_all_caps, is_latin_script, word_count

    records = read_jsonl(TICKETS / "test.jsonl")
    slices = {
        "short (< 6 words)": lambda r: word_count(r["text"]) < 6,
        "long (> 60 words)": lambda r: word_count(r["text"]) > 60,
        "ALL CAPS": lambda r: is_all_caps(r["text"]) or "all_caps" in r.get("tags", []),
        "typos": lambda r: "typos" in r.get("tags", []),
        "transliteration / Latin": lambda r: is_latin_script(r["text"]) or "translit" in r.get("tags", []),
        "all test": lambda r: True,
    }
    figures = {}
    for name, member in slices.items():
        chosen = [r for r in records if member(r)]
        if not chosen:
            continue
        predictions = predictor.predict([r["text"] for r in chosen])
        truth = np.array([[label in r["labels"] for label in COMPLAINT_LABELS] for r in chosen])
        guess = np.array([[label in p.labels for label in COMPLAINT_LABELS] for p in predictions])
        sentiment = f1_score(
            [r["sentiment"] for r in chosen], [p.sentiment for p in predictions], average="macro"
        )
        figures[name] = (len(chosen), f1_score(truth, guess, average="micro", zero_division=0), sentiment)
    return figures


def print_table(title: str, columns: list[str], rows: list[list[object]]) -> None:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column != columns[0] else "left")
    for row in rows:
        table.add_row(*(f"{cell:.3f}" if isinstance(cell, float) else str(cell) for cell in row))
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=None, help="default: the encoder's recipe")
    parser.add_argument("--extra-epochs", type=int, default=10, help="epochs of the run with SentiRuEval")
    parser.add_argument("--skip-shared", action="store_true")
    parser.add_argument("--shared-only", action="store_true", help="only the SentiRuEval-2015 run")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="quality-"))
    if not options.shared_only:
        tickets_figures(work, options.epochs)
    if options.skip_shared or not (SHARED / "sentirueval2015" / "test.jsonl").exists():
        console.print("../shared/datasets not found or skipped: SentiRuEval-2015 figures skipped")
        return
    sentirueval_figures(work, options.extra_epochs)


def tickets_figures(work: Path, epochs: int) -> None:
    from nlp import Predictor
    from training.metrics import headline

    metrics, seconds = train_default(work / "default", epochs, [])
    console.print(f"default model trained in {seconds:.0f} s ({seconds / 60:.1f} min; target ≤ 10 min)")
    model_figures = headline(metrics["test"])
    base, _ = baseline_figures([], [])
    rows = [
        [name, value, base[name], "yes" if value > base[name] else "NO"]
        for name, value in model_figures.items()
    ]
    print_table("data/tickets/test.jsonl", ["metric", "transformer", "TF-IDF + LR", "beats baseline"], rows)

    predictor = Predictor.load(work / "default")
    checks = behavioural(predictor)
    print_table(
        "behavioural checks",
        ["check", "passed", "of", "rate"],
        [[k, p, n, p / n] for k, (p, n) in checks.items()],
    )
    slices = slice_figures(predictor)
    print_table(
        "slices of test",
        ["slice", "records", "complaint micro-F1", "sentiment macro-F1"],
        [[k, *v] for k, v in slices.items()],
    )


def sentirueval_figures(work: Path, epochs: int) -> None:
    from nlp import Predictor
    from training.metrics import headline

    metrics, seconds = train_default(work / "sentirueval", epochs, ["sentirueval2015"])
    console.print(f"model with SentiRuEval-2015 train as auxiliary data trained in {seconds:.0f} s")
    test = read_jsonl(SHARED / "sentirueval2015" / "test.jsonl")
    texts, truth = [r["text"] for r in test], [r["sentiment"] for r in test]
    predicted = [p.sentiment for p in Predictor.load(work / "sentirueval").predict(texts)]
    extra = read_jsonl(SHARED / "sentirueval2015" / "train.jsonl")
    _, baseline_sentiment = baseline_figures([r["text"] for r in extra], [r["sentiment"] for r in extra])
    ours, theirs = (
        sentirueval_score(truth, predicted),
        sentirueval_score(truth, list(baseline_sentiment(texts))),
    )
    rows = [
        ["macro-F1 (positive, negative) — official", ours[0], theirs[0]],
        ["macro-F1 (3 classes)", ours[1], theirs[1]],
        *[[name, value, "–"] for name, value in headline(metrics["test"]).items()],
    ]
    print_table(
        "SentiRuEval-2015 test (Loukachevitch, Rubtsova et al.); tickets test below",
        ["metric", "transformer", "TF-IDF + LR"],
        rows,
    )


if __name__ == "__main__":
    main()
