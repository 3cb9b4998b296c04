"""`triage evaluate`: metrics and an HTML report per labelled file (`training.evaluation`)."""

from pathlib import Path
from typing import Annotated

import typer

from serve.cli.console import console, errors, print_headline
from serve.cli.options import ModelDir, alias, out_option


def evaluate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Labelled files to evaluate on.", show_default=False)
    ] = None,
    model: ModelDir = None,
    out: Annotated[Path | None, out_option("Report directory [default: MODEL/report].")] = None,
    data: Annotated[list[Path] | None, alias("--data")] = None,
    report: Annotated[Path | None, alias("--report")] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            metavar="OTHER_MODEL",
            help="A second model on the same files: per-label deltas, changed messages.",
        ),
    ] = None,
) -> None:
    """Metrics per file and per label in the terminal; metrics.json, plots and an HTML report with
    example mistakes per label and for urgency (and, with --compare, what another model changes)."""
    from nlp.io.rows import sniff_file
    from nlp.model_dir import require_model_dir
    from training.evaluation import evaluate_files
    from training.metrics import headline

    files = [*(files or []), *(data or [])]
    if not files:
        raise typer.BadParameter("give the labelled files to evaluate on: triage evaluate FILE...")
    for path in files:
        sniff_file(path)  # exists, not empty, a known format: before the model loads
    model = require_model_dir(model)
    other = require_model_dir(compare) if compare is not None else None
    report = out or report or model / "report"
    try:
        results = evaluate_files(model, files, report, other)
    except ValueError as exc:
        errors.print(f"error: {exc}", highlight=False, markup=False)
        raise typer.Exit(2) from exc
    figures = {name: headline(metrics) for name, metrics in results.items()}
    if other is not None:
        figures |= {f"{name} · other": headline(m["compare"]["metrics"]) for name, m in results.items()}
    print_headline(figures)
    for name, metrics in results.items():
        _print_per_label(name, metrics)
    console.print(f"report: {report / 'index.html'}")


def _print_per_label(name: str, metrics: dict) -> None:
    """Per label: precision, recall, F1, support and the error counts (and F1 of the other model)."""
    from rich.table import Table

    from nlp.display_names import display_name

    per_label = metrics.get("complaints", {}).get("per_label", {})
    if not per_label:
        return
    errors_of = metrics.get("errors", {}).get("labels", {})
    other = metrics.get("compare")
    table = Table(title=f"{name}: per label", title_justify="left")
    for column in ("label", "P", "R", "F1", "n", "FP", "FN", *(("other F1", "Δ") if other else ())):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, v in per_label.items():
        counts = errors_of.get(label, {}).get("counts", {})
        figures = [f"{v[key]:.2f}" for key in ("precision", "recall", "f1")]
        mistakes = [str(counts.get(key, "")) for key in ("false_positives", "false_negatives")]
        row = [display_name(label), *figures, str(v["support"]), *mistakes]
        if other:
            delta = other["per_label"].get(label)
            row += [f"{delta['second']:.2f}", f"{delta['delta']:+.2f}"] if delta else ["", ""]
        table.add_row(*row)
    console.print(table)
    if other:
        fixed = [change["fixed"] for change in other["changed"]]
        console.print(
            f"{other['changed_count']} messages changed decisions against {other['model']} "
            f"(of the first {len(fixed)}: {fixed.count('better')} better, {fixed.count('worse')} worse)"
        )
