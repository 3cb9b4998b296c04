"""The `triage` command: one typer app assembled from the sub-apps each package owns.

Every command follows the rules of `command_tree`: a mistake is one line and exit code 2, and
help has `-h` and readable placeholders."""

from typing import Annotated

import typer

from nlp.offline import go_offline
from nlp.version import __version__
from serve.command_tree import HELP_OPTIONS, TriageGroup
from serve.commands import predict, queue, report, serve, tag
from serve.friendly import set_debug
from training.cli import base_app, data_app, distil, evaluate, export, train

app = typer.Typer(
    name="triage",
    help="Triage Russian customer-support messages: complaints, sentiment, urgency.",
    no_args_is_help=True,
    cls=TriageGroup,
    add_completion=False,
    context_settings=HELP_OPTIONS,
)
app.add_typer(data_app, name="data")
app.add_typer(base_app, name="base")
app.command()(train)
app.command()(distil)
app.command()(evaluate)
app.command()(export)
app.command()(predict)
app.command()(tag)
app.command()(queue)
app.command()(report)
app.command()(serve)


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
