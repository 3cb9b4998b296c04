"""`triage export`: ONNX files kept only when they agree with PyTorch (`training.export`)."""

from pathlib import Path
from typing import Annotated

import typer

from serve.cli.console import console, errors
from serve.cli.options import ModelDir
from training.arguments import CORPUS


def export(
    model: ModelDir = None,
    data: Annotated[Path, typer.Option(help="Labelled file for the parity check.")] = CORPUS / "dev.jsonl",
) -> None:
    """Write model.onnx and model.int8.onnx; keep each only if it agrees with PyTorch."""
    from rich.table import Table

    from nlp.io.rows import sniff_file
    from nlp.model_dir import require_model_dir
    from training.examples import load_texts
    from training.export import MIN_AGREEMENT, export_checked

    sniff_file(data)
    model = require_model_dir(model)
    done = export_checked(model, load_texts(data))
    for path, size in done.sizes.items():
        console.print(f"wrote {path} ({size / 2**20:.1f} MiB)")
    table = Table(title=f"parity with PyTorch on {data}", title_justify="left")
    for column in ("file", "messages", "same labels", "same decisions", "max probability difference"):
        table.add_column(column, justify="right")
    for r in done.results:
        row = (
            r.file,
            str(r.messages),
            f"{r.label_agreement:.2%}",
            f"{r.agreement:.2%}",
            f"{r.max_probability_difference:.4f}",
        )
        table.add_row(*row)
    console.print(table)
    for r in done.results:
        if not r.ok:
            errors.print(f"{r.file}: labels agree on {r.label_agreement:.2%} < {MIN_AGREEMENT:.1%}: removed")
    if not done.ok:
        raise typer.Exit(1)
