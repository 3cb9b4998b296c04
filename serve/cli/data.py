"""`triage data validate | stats | split`: labelled ticket files checked, described, split."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from serve.cli.console import console, errors
from serve.cli.options import out_option
from training.arguments import CORPUS

if TYPE_CHECKING:
    from nlp.taxonomy import Taxonomy
    from training.data.records import TicketRecord

data_app = typer.Typer(help="Validate, describe and split labelled ticket files.", no_args_is_help=True)


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


def _valid_records_or_exit(paths: list[Path], taxonomy: "Taxonomy | None" = None) -> list["TicketRecord"]:
    from training.data.validate import validate_files

    result = validate_files(paths, taxonomy)
    if not result.ok:
        for problem in result.problems:
            typer.echo(str(problem), err=True)
        errors.print(f"{len(result.problems)} problem(s); run `triage data validate` and fix them first")
        raise typer.Exit(1)
    return result.records
