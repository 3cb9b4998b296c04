"""`triage evaluate`: metrics on labelled files, written as JSON, PNG plots and one HTML page."""

import html
import json
from pathlib import Path

from nlp.predictor import Predictor
from training.examples import load_examples
from training.metrics import evaluate_logits, headline


def evaluate_files(model_dir: Path, files: list[Path], report: Path) -> dict[str, dict]:
    predictor = Predictor.load(model_dir)
    results = {}
    for path in files:
        examples = load_examples(path, labels=predictor.config.complaint_labels)
        results[path.stem] = evaluate_logits(predictor.config, predictor.logits(examples.texts), examples)
    write_report(results, report)
    return results


def write_report(results: dict[str, dict], report: Path) -> None:
    report.mkdir(parents=True, exist_ok=True)
    (report / "metrics.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    figures = {name: plot_files(metrics, report, name) for name, metrics in results.items()}
    (report / "index.html").write_text(html_page(results, figures), encoding="utf-8")


def plot_files(metrics: dict, report: Path, name: str) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    files = []
    if "complaints" in metrics:
        files.append(_per_label_plot(metrics["complaints"]["per_label"], report / f"{name}-per-label.png"))
    for head in ("sentiment", "urgency"):
        if head in metrics:
            files.append(
                _confusion_plot(metrics[head]["confusion"], report / f"{name}-{head}-confusion.png", head)
            )
    files.append(_reliability_plot(metrics, report / f"{name}-reliability.png"))
    return files


def _per_label_plot(per_label: dict, path: Path) -> str:
    import matplotlib.pyplot as plt

    names = list(per_label)
    figure, axis = plt.subplots(figsize=(8, 4))
    for offset, metric in ((-0.27, "precision"), (0.0, "recall"), (0.27, "f1")):
        axis.bar(
            [i + offset for i in range(len(names))], [per_label[n][metric] for n in names], 0.27, label=metric
        )
    axis.set_xticks(range(len(names)), names, rotation=45, ha="right")
    axis.set_ylim(0, 1.05)
    axis.legend(loc="lower right")
    axis.set_title("complaint labels")
    return _save(figure, path)


def _confusion_plot(confusion: dict, path: Path, head: str) -> str:
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(4, 3.5))
    matrix, labels = confusion["matrix"], confusion["labels"]
    axis.imshow(matrix, cmap="Blues")
    for row, values in enumerate(matrix):
        for column, value in enumerate(values):
            axis.text(column, row, str(value), ha="center", va="center")
    axis.set_xticks(range(len(labels)), labels)
    axis.set_yticks(range(len(labels)), labels)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    axis.set_title(f"{head} confusion")
    return _save(figure, path)


def _reliability_plot(metrics: dict, path: Path) -> str:
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(4.5, 4))
    axis.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect")
    for head in ("complaints", "sentiment", "urgency"):
        if head in metrics:
            bins = metrics[head]["reliability"]
            axis.plot(
                [b["confidence"] for b in bins],
                [b["accuracy"] for b in bins],
                "o-",
                label=f"{head} (ECE {metrics[head]['ece']})",
            )
    axis.set_xlabel("confidence")
    axis.set_ylabel("observed frequency")
    axis.legend(fontsize=8)
    axis.set_title("reliability")
    return _save(figure, path)


def _save(figure, path: Path) -> str:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path.name


STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:2px 8px}img{margin:4px;border:1px solid #eee}"
)


def html_page(results: dict[str, dict], figures: dict[str, list[str]]) -> str:
    sections = []
    for name, metrics in results.items():
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td>{v:.3f}</td></tr>" for k, v in headline(metrics).items()
        )
        per_label = metrics.get("complaints", {}).get("per_label", {})
        label_rows = "".join(
            f"<tr><td>{html.escape(label)}</td><td>{v['precision']:.3f}</td><td>{v['recall']:.3f}</td>"
            f"<td>{v['f1']:.3f}</td><td>{v['support']}</td></tr>"
            for label, v in per_label.items()
        )
        images = "".join(
            f'<img src="{html.escape(file)}" alt="{html.escape(file)}">' for file in figures[name]
        )
        sections.append(
            f"<h2>{html.escape(name)} ({metrics['records']} records)</h2>"
            f"<table><tr><th>metric</th><th>value</th></tr>{rows}</table>"
            f"<table><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>{label_rows}</table>"
            f"<div>{images}</div>"
        )
    head = f"<!doctype html><html lang=en><meta charset=utf-8><title>Evaluation</title><style>{STYLE}</style>"
    return f"{head}<h1>Evaluation report</h1>{''.join(sections)}</html>"
