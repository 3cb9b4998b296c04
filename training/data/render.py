"""Printing corpus tables in the terminal (rich) or as Markdown for a data card."""

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table as RichTable

from training.data.stats import Table


def print_rich(tables: Sequence[Table], console: Console) -> None:
    for table in tables:
        rich_table = RichTable(title=table.title, title_justify="left")
        rich_table.add_column("")
        for column in table.columns:
            rich_table.add_column(column, justify="right")
        for row, cells in zip(table.rows, table.cells, strict=True):
            rich_table.add_row(row, *cells)
        console.print(rich_table)


def markdown(tables: Sequence[Table]) -> str:
    blocks = []
    for table in tables:
        lines = [f"#### {table.title}", "", "| | " + " | ".join(table.columns) + " |"]
        lines.append("|---|" + "---:|" * len(table.columns))
        lines += [
            f"| {row} | " + " | ".join(cells) + " |"
            for row, cells in zip(table.rows, table.cells, strict=True)
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
