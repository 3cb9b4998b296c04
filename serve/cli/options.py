"""Options shared by the `triage` commands: one spelling, short flag and help each, so that
`-m`, `-o`, `--text-column` or `--encoding` mean the same in every command."""

from pathlib import Path
from typing import Annotated

import typer

from nlp.model_dir import DEFAULT_MODEL, MODEL_VARIABLE

ModelDir = Annotated[
    Path | None,
    typer.Option(
        "--model", "-m", show_default=False,
        help=f"Model directory [default: ${MODEL_VARIABLE}, else {DEFAULT_MODEL} in the project].",
    ),
]  # fmt: skip
TextColumn = Annotated[str, typer.Option("--text-column", help="Column with the message text.")]
IdColumn = Annotated[str, typer.Option("--id-column", help="Column with the message id.")]
CustomerColumn = Annotated[str, typer.Option("--customer-column", help="Column with the customer id.")]
TimeColumn = Annotated[str, typer.Option("--time-column", help="Column with the message time.")]
ChannelColumn = Annotated[str, typer.Option("--channel-column", help="Column with the channel.")]
Encoding = Annotated[
    str | None,
    typer.Option(help="Encoding of a text input [default: detected: UTF-8, cp1251, KOI8-R or cp866]."),
]


def out_option(help: str) -> typer.models.OptionInfo:
    return typer.Option("--out", "-o", help=help)


def alias(name: str) -> typer.models.OptionInfo:
    """An old spelling of an option, still accepted but no longer shown in the help."""
    return typer.Option(name, hidden=True, show_default=False)
