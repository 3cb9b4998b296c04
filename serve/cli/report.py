"""`triage report`: a tagged archive's daily complaints and spikes as one offline page."""

from pathlib import Path
from typing import Annotated

import typer

from serve.cli.console import console
from serve.cli.options import ChannelColumn, CustomerColumn, IdColumn, TextColumn, TimeColumn, out_option
from serve.paths import check_output
from serve.tagging.records import Columns


def report(
    tagged: Annotated[Path, typer.Argument(help="Output of `triage tag`.", show_default=False)],
    out: Annotated[Path, out_option("HTML report (one file, opens offline).")] = Path("report.html"),
    period: Annotated[int, typer.Option(min=1, help="Days compared with the days before them.")] = 7,
    customer_column: CustomerColumn = "customer_id",
    time_column: TimeColumn = "created_at",
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    channel_column: ChannelColumn = "channel",
) -> None:
    """Daily complaints per channel with spikes you can open to their messages, as one offline page."""
    from nlp.display_names import display_name
    from serve.tagging.report import SPIKE_RULE
    from serve.tagging.sources import write_archive_report

    check_output(out)
    columns = Columns(text_column, id_column, customer_column, time_column, channel_column)
    spikes = write_archive_report(tagged, out, columns, period)
    for spike in spikes:
        console.print(
            f"spike: {spike.day} {display_name(spike.label)} ({spike.label}): {spike.count} messages "
            f"(median {spike.baseline:g}, threshold {spike.threshold:g})"
        )
    console.print(f"{len(spikes)} spikes. {SPIKE_RULE}", soft_wrap=True)
    console.print(f"report: {out}")
