"""The serving side's commands: `triage predict` (and later tag, serve, queue)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def predict(
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to classify.", show_default=False)] = None,
    model: Annotated[Path, typer.Option(help="Model directory.")] = Path("models/default"),
    input: Annotated[Path | None, typer.Option("--input", help="JSONL (id, text) or CSV file.")] = None,
    output: Annotated[Path | None, typer.Option(help="Output JSONL, one record per input line.")] = None,
    backend: Annotated[str, typer.Option(help="auto (ONNX when exported), torch or onnx.")] = "auto",
    batch_size: Annotated[int, typer.Option(help="Texts per forward pass.")] = 64,
) -> None:
    """Classify texts given inline (a table) or a whole file (--input, --output)."""
    from nlp.predictor import Predictor
    from serve.predict import predict_file, prediction_table

    if (input is None) == (not texts):
        raise typer.BadParameter("give texts, or --input FILE with --output OUT.jsonl")
    if input is not None and output is None:
        raise typer.BadParameter("--input needs --output")
    predictor = Predictor.load(model, backend=backend)
    if input is not None:
        rows, errors = predict_file(predictor, input, output, batch_size)
        console.print(f"{rows} records written to {output} ({errors} with an error)")
        return
    console.print(prediction_table(texts, predictor.predict(texts, batch_size=batch_size)))
