"""The training side's commands: `triage data …` (and later train, evaluate, export)."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

data_app = typer.Typer(help="Validate, describe and split labelled ticket files.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

Paths = Annotated[list[Path], typer.Argument(help="JSONL, CSV, TSV or Parquet files.", show_default=False)]


class TableFormat(str, Enum):
    rich = "rich"
    markdown = "markdown"


@data_app.command("validate")
def validate(paths: Paths) -> None:
    """Check files against the label contract; one line per bad record, exit 1 if any."""
    from training.data.validate import validate_files

    result = validate_files(paths)
    for problem in result.problems:
        typer.echo(str(problem))
    bad = len({(p.file, p.line) for p in result.problems})
    console.print(f"{result.rows} records in {len(paths)} file(s): {result.rows - bad} valid, {bad} bad")
    raise typer.Exit(1 if result.problems else 0)


@data_app.command("stats")
def stats(
    paths: Paths,
    table_format: Annotated[TableFormat, typer.Option("--format", help="Output style.")] = TableFormat.rich,
) -> None:
    """Print distributions (labels, sentiment, urgency, channels, lengths, hard cases) per file."""
    from training.data.render import markdown, print_rich
    from training.data.stats import build_tables

    groups = {path.stem: _valid_records_or_exit([path]) for path in paths}
    tables = build_tables(groups)
    if table_format is TableFormat.markdown:
        print(markdown(tables), end="")
    else:
        print_rich(tables, console)


@data_app.command("split")
def split(
    paths: Paths,
    out: Annotated[Path, typer.Option(help="Directory for train/dev/test.jsonl.")] = Path("data/tickets"),
    seed: Annotated[int, typer.Option(help="Random seed of the stratified split.")] = 13,
) -> None:
    """Drop exact and near duplicates, then split 80/10/10 with iterative stratification."""
    from training.data.dedup import duplicate_indices
    from training.data.io import write_jsonl
    from training.data.split import stratified_split

    records = _valid_records_or_exit(paths)
    dropped = duplicate_indices([record.text for record in records])
    for index in sorted(dropped):
        typer.echo(f"near-duplicate dropped: {records[index].id}")
    kept = [record for index, record in enumerate(records) if index not in dropped]
    for name, part in stratified_split(kept, seed=seed).items():
        count = write_jsonl(part, out / f"{name}.jsonl")
        console.print(f"{out / f'{name}.jsonl'}: {count} records")


def _valid_records_or_exit(paths: list[Path]) -> list:
    from training.data.validate import validate_files

    result = validate_files(paths)
    if not result.ok:
        for problem in result.problems:
            typer.echo(str(problem), err=True)
        errors.print(f"{len(result.problems)} problem(s); run `triage data validate` and fix them first")
        raise typer.Exit(1)
    return result.records
