"""A progress bar for tagging: rows, messages per second and time left."""

from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from nlp.io.formats import Format, format_name


class RateColumn(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f} msg/s" if task.speed else "– msg/s")


def count_rows(path: Path) -> int | None:
    """Rows in the archive, for the ETA (lines; metadata for Parquet); None if unknown."""
    fmt = format_name(path)
    try:
        if fmt == Format.parquet:
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        lines = _count_lines(path)
        return max(lines - 1, 0) if fmt in (Format.csv, Format.tsv) else lines  # the header
    except (OSError, ValueError):
        return None


def _count_lines(path: Path) -> int:
    """Physical lines: an estimate for CSV (a quoted field may span lines), never a parse error."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


class RowProgress:
    def __init__(self, console: Console, total: int | None) -> None:
        self.progress = Progress(
            TextColumn("[bold]tagging"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,  # gone at the end: the summary (or an error line) follows
        )
        self.task = self.progress.add_task("tagging", total=total)

    def __enter__(self) -> "RowProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def advance(self, rows: int) -> None:
        self.progress.update(self.task, advance=rows)
