"""`triage queue`: a tagged archive as one row per customer to follow up, most urgent first."""

from pathlib import Path
from typing import Annotated

import typer

from serve.cli.console import console
from serve.cli.options import ChannelColumn, CustomerColumn, IdColumn, TextColumn, TimeColumn, out_option
from serve.paths import check_output
from serve.tagging.records import Columns


def queue(
    tagged: Annotated[Path, typer.Argument(help="Output of `triage tag`.", show_default=False)],
    out: Annotated[Path, out_option("Queue CSV, most urgent band and riskiest customer first.")] = Path(
        "queue.csv"
    ),
    html: Annotated[
        Path | None,
        typer.Option(help="The queue as a page, each customer with their timeline [default: OUT.html]."),
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only messages from this date (ISO).")] = None,
    top: Annotated[int | None, typer.Option(help="Keep only the first N customers.")] = None,
    value_column: Annotated[
        str | None,
        typer.Option(help="Column with the customer's value (e.g. lifetime spend) to weigh the risk."),
    ] = None,
    customer_column: CustomerColumn = "customer_id",
    time_column: TimeColumn = "created_at",
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    channel_column: ChannelColumn = "channel",
) -> None:
    """One row per customer across messages and channels: priority band, documented risk score,
    latest message, evidence per open complaint, orders and sums, why complaints count as closed."""
    from rich.table import Table

    from nlp.display_names import display_name
    from serve.tagging.queue import BAND_NAMES
    from serve.tagging.queue_files import write_csv, write_html
    from serve.tagging.sources import ranked_queue
    from serve.tagging.tagged import parse_time

    start = parse_time(since) if since else None
    if since and start is None:
        raise typer.BadParameter(f"--since {since!r} is not an ISO date")
    html = html or out.with_suffix(".html")
    check_output(out)
    check_output(html)
    columns = Columns(text_column, id_column, customer_column, time_column, channel_column)
    entries = ranked_queue(tagged, columns, since=start, top=top, value_column=value_column)
    write_csv([entry.row for entry in entries], out)
    write_html(entries, html, source=str(tagged))
    table = Table(title=f"follow-up queue: {len(entries)} customers → {out}, {html}", title_justify="left")
    for column in ("#", "priority", "customer", "risk", "open complaints", "last contact"):
        table.add_column(column, overflow="fold")
    for rank, entry in enumerate(entries[:10], start=1):
        row = entry.row
        opened = ", ".join(display_name(label) for label in row["open_complaints"].split(";") if label)
        table.add_row(
            str(rank), BAND_NAMES[row["priority"]], row["customer_id"], f"{row['risk']:.2f}",
            opened or row["note"], f"{row['latest_time'][:10]} {row['latest_channel']}",
        )  # fmt: skip
    console.print(table)
    if entries and not any(m.evidence for e in entries for m in e.customer.messages):
        console.print("no evidence quotes: the archive was tagged without --evidence")
