"""`triage evaluate`: metrics on labelled files, written as JSON, PNG plots and one HTML page."""

import html
import json
from pathlib import Path

from nlp.predictor import Predictor
from training.errors import Decisions, compare, error_lists
from training.examples import load_examples
from training.metrics import evaluate_logits, headline


def evaluate_files(
    model_dir: Path, files: list[Path], report: Path, other: Path | None = None
) -> dict[str, dict]:
    """Metrics per file, each with its `errors` (examples of mistakes per label and for urgency);
    with `other`, a second model on the same files under `compare` (its metrics, per-label F1
    deltas, the messages whose decisions changed)."""
    results = {}
    runs = _run(model_dir, files)
    others = _run(other, files) if other is not None else {}
    for name, (metrics, decisions) in runs.items():
        results[name] = {**metrics, "errors": error_lists(decisions)}
        if name in others:
            other_metrics, other_decisions = others[name]
            results[name]["compare"] = {
                "model": str(other), "metrics": other_metrics,
                **compare(decisions, other_decisions, metrics, other_metrics),
            }  # fmt: skip
    write_report(results, report)
    return results


def _run(model_dir: Path, files: list[Path]) -> dict[str, tuple[dict, Decisions]]:
    predictor = Predictor.load(model_dir)
    runs = {}
    for path in files:
        examples = load_examples(path, labels=predictor.config.complaint_labels)
        logits = predictor.logits(examples.texts)
        runs[path.stem] = (
            evaluate_logits(predictor.config, logits, examples),
            Decisions.of(predictor.config, logits, examples),
        )
    return runs


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
            f"<tr><td>{html.escape(_named(label))}</td><td>{v['precision']:.3f}</td><td>{v['recall']:.3f}</td>"
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
            f"<div>{images}</div>{errors_html(metrics.get('errors'))}{compare_html(metrics.get('compare'))}"
        )
    head = "<!doctype html><html lang=en><meta charset=utf-8><title>Evaluation</title>"
    head += f"<style>{STYLE}{ERROR_STYLE}</style>"
    return f"{head}<h1>Evaluation report</h1>{''.join(sections)}</html>"


ERROR_STYLE = (
    "details{margin:.4em 0}summary{cursor:pointer}.ex td{vertical-align:top;font-size:.9em}"
    ".ex td:first-child{max-width:48em;white-space:pre-wrap}.better{color:#070}.worse{color:#b00}"
)


def _named(label: str) -> str:
    """«опоздание доставки (late_delivery)»: the Russian name with the code, or the code alone."""
    from nlp.display_names import display_name

    name = display_name(label)
    return label if name == label else f"{name} ({label})"


def _labels_cell(labels: list[str] | None) -> str:
    if labels is None:
        return "<i>not annotated</i>"
    return html.escape(", ".join(_named(label) for label in labels)) or "—"


def _examples_table(examples: list[dict], score: str = "score") -> str:
    if not examples:
        return "<p>none</p>"
    rows = "".join(
        f"<tr><td>{html.escape(e['text'])}</td><td>{_labels_cell(e['gold'])}</td>"
        f"<td>{_labels_cell(e['predicted'])}</td><td>{html.escape(str(e['gold_urgency']))} → "
        f"{html.escape(e['urgency'])}</td><td>{e[score]:.3f}</td></tr>"
        for e in examples
    )
    head = (
        "<tr><th>text</th><th>gold</th><th>predicted</th><th>urgency gold → predicted</th>"
        f"<th>{score}</th></tr>"
    )
    return f"<table class=ex>{head}{rows}</table>"


def errors_html(errors: dict | None) -> str:
    """Per label up to 10 false positives (most confident first) and 10 false negatives (most
    missed first); high vs medium urgency both ways."""
    if not errors:
        return ""
    parts = ["<h3>Mistakes per label</h3>"]
    for label, lists in errors["labels"].items():
        counts = lists["counts"]
        parts.append(
            f"<details><summary>{html.escape(_named(label))}: {counts['false_positives']} false positives, "
            f"{counts['false_negatives']} false negatives</summary>"
            f"<h4>False positives (highest score first)</h4>{_examples_table(lists['false_positives'])}"
            f"<h4>False negatives (lowest score first)</h4>{_examples_table(lists['false_negatives'])}"
            "</details>"
        )
    titles = {
        "high_as_medium": "urgent (high) predicted medium",
        "medium_as_high": "medium predicted urgent (high)",
    }
    parts.append("<h3>Urgency: high vs medium</h3>")
    for key, found in errors["urgency"].items():
        parts.append(
            f"<details><summary>{titles.get(key, key)}: {found['count']}</summary>"
            f"{_examples_table(found['examples'], 'p_high')}</details>"
        )
    return "".join(parts)


def _direction(delta: float) -> str:
    return "better" if delta > 0 else "worse" if delta < 0 else "same"


def compare_html(comparison: dict | None) -> str:
    if not comparison:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(_named(label))}</td><td>{v['first']:.3f}</td><td>{v['second']:.3f}</td>"
        f"<td class={_direction(v['delta'])}>{v['delta']:+.3f}</td></tr>"
        for label, v in comparison["per_label"].items()
    )
    changed = "".join(
        f"<tr><td>{html.escape(c['text'])}</td><td>{_labels_cell(c['gold'])}</td><td>{_labels_cell(c['first'])}</td>"
        f"<td>{_labels_cell(c['second'])}</td><td>{html.escape(str(c['gold_urgency']))}: "
        f"{html.escape(c['first_urgency'])} → {html.escape(c['second_urgency'])}</td>"
        f"<td class={c['fixed']}>{c['fixed']}</td></tr>"
        for c in comparison["changed"]
    )
    return (
        f"<h3>Against {html.escape(comparison['model'])}</h3>"
        "<table><tr><th>label</th><th>F1 this model</th><th>F1 other</th><th>change</th></tr>"
        f"{rows}</table><h4>Messages whose decisions changed: {comparison['changed_count']}"
        f" (first {len(comparison['changed'])} listed)</h4><table class=ex><tr><th>text</th><th>gold</th>"
        "<th>this model</th><th>other model</th><th>urgency gold: this → other</th><th>other is</th></tr>"
        f"{changed}</table>"
    )
