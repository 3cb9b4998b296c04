"""The `triage` command: one typer app assembled from the sub-apps each package owns."""

from typing import Annotated

import typer

from nlp.version import __version__
from serve.commands import predict, queue, report, serve, tag
from training.cli import base_app, data_app, distil, evaluate, export, train

app = typer.Typer(
    name="triage",
    help="Triage Russian customer-support messages: complaints, sentiment, urgency.",
    no_args_is_help=True,
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
) -> None:
    """Triage Russian customer-support messages: complaints, sentiment, urgency."""


def main() -> None:
    app()
