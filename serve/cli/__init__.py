"""The `triage` command, the one CLI room: a thin module per command (or group), each calling
one library function of `training` or `serve`, assembled here.

Every command follows the rules of `serve.cli.tree`: a mistake is one line and exit code 2, and
help has `-h` and readable placeholders; options mean the same everywhere (`serve.cli.options`).
This room is the only place under `serve/` that imports training code (its commands)."""

from typing import Annotated

import typer

from nlp.offline import go_offline
from nlp.version import __version__
from serve.cli import (
    base,
    calibrate,
    data,
    distil,
    evaluate,
    export,
    predict,
    queue,
    report,
    serve,
    tag,
    train,
)
from serve.cli.tree import HELP_OPTIONS, TriageGroup
from serve.friendly import set_debug

app = typer.Typer(
    name="triage",
    help="Triage Russian customer-support messages: complaints, sentiment, urgency.",
    no_args_is_help=True,
    cls=TriageGroup,
    add_completion=False,
    context_settings=HELP_OPTIONS,
)
app.add_typer(data.data_app, name="data")
app.add_typer(base.base_app, name="base")
COMMANDS = (
    train.train, distil.distil, calibrate.calibrate, evaluate.evaluate, export.export,
    predict.predict, tag.tag, queue.queue, report.report, serve.serve,
)  # fmt: skip
for command in COMMANDS:
    app.command()(command)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"triage {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
) -> None:
    """Triage Russian customer-support messages: complaints, sentiment, urgency."""
    set_debug(debug)


def main() -> None:
    go_offline()
    app()
