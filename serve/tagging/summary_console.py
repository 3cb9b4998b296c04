"""The end-of-run summary `triage tag` prints: rows tagged and rejected, complaints found (not
the archive report, which is `serve.tagging.report`)."""

from pathlib import Path

from rich.console import Console
from rich.table import Table

from nlp.display_names import display_name
from serve.tagging.summary import Summary


def print_summary(console: Console, summary: Summary, out: Path, rejects: Path) -> None:
    tagged, rejected = f"{summary.tagged} tagged ({out})", f"{summary.rejected} rejected ({rejects})"
    console.print(f"{summary.rows} input rows = {tagged} + {rejected}", soft_wrap=True)
    table = Table(title="complaints", title_justify="left")
    table.add_column("label")
    table.add_column("messages", justify="right")
    for label, count in summary.labels.most_common():
        table.add_row(f"{display_name(label)} [dim]{label}[/]", str(count))
    console.print(table)
    sentiment = ", ".join(f"{name} {count}" for name, count in summary.sentiment.most_common())
    console.print(f"sentiment: {sentiment}")
    console.print(
        f"retention flag: {summary.flagged_messages} messages from {len(summary.flagged_customers)} customers"
    )
