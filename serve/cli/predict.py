"""`triage predict`: texts given inline (a table) or a whole file (--input) into JSON records."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from serve.cli.console import console
from serve.cli.options import Encoding, IdColumn, ModelDir, TextColumn, alias, out_option
from serve.paths import check_output
from serve.tagging.preflight import check_text_column
from serve.tagging.records import Columns
from serve.tagging.schema import input_schema

if TYPE_CHECKING:
    from nlp.predictor import Predictor


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def predict(
    texts: Annotated[
        list[str] | None,
        typer.Argument(help="Texts to classify; - reads them from stdin, one per line.", show_default=False),
    ] = None,
    model: ModelDir = None,
    input: Annotated[
        Path | None, typer.Option("--input", "-i", help="File of messages: JSONL, CSV, TSV, Parquet or xlsx.")
    ] = None,
    out: Annotated[Path | None, out_option("Write the records here instead of the screen.")] = None,
    output: Annotated[Path | None, alias("--output")] = None,
    output_format: Annotated[
        Format | None,
        typer.Option("--format", "-f", help="table or json/jsonl [default: table, jsonl for files]."),
    ] = None,
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    encoding: Encoding = None,
    backend: Annotated[str, typer.Option(help="auto (ONNX when exported), torch or onnx.")] = "auto",
    batch_size: Annotated[int, typer.Option(help="Texts per forward pass.")] = 64,
    evidence: Annotated[
        bool | None,
        typer.Option(
            help="Phrases behind each label [default: on; for --input, on when the model finds them in "
            "its forward pass, off for occlusion (about 30× slower)]."
        ),
    ] = None,
) -> None:
    """Classify texts given inline (a table) or a whole file (--input) into JSON records."""
    from serve.predict import write_records

    out = out or output
    if (input is None) == (not texts):
        raise typer.BadParameter("give texts (or - for stdin), or --input FILE")
    fmt = output_format or (Format.jsonl if input or out else Format.table)
    if fmt is Format.table and out is not None:
        raise typer.BadParameter("--format table is for the screen; write json or jsonl to --out")
    if out is not None:
        check_output(out)
    columns = Columns(text=text_column, id=id_column)
    if input is not None:
        check_text_column(input_schema(input, encoding), text_column, input)
    predictor = load_predictor(model, backend)
    if input is not None:
        explain = predictor.attributes_evidence if evidence is None else evidence
        _predict_file(predictor, input, out, batch_size, explain, columns, encoding, fmt.value)
        return
    assert texts is not None  # checked above: texts or --input
    if texts == ["-"]:
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    records = predictor.predict(texts, batch_size=batch_size, evidence=evidence is not False)
    if fmt is Format.table:
        from serve.predict import prediction_table

        console.print(prediction_table(texts, records, predictor.config.label_thresholds))
        return
    with _opened(out) as handle:
        write_records(records, handle, fmt.value)


def load_predictor(model: Path | None, backend: str, threads: int = 0) -> "Predictor":
    """The model checked (one line if unusable), then loaded: the slow step comes last."""
    from nlp.model_dir import require_model_dir
    from nlp.predictor import Predictor

    return Predictor.load(require_model_dir(model), backend=backend, threads=threads)


def _predict_file(predictor, source, out, batch_size, evidence, columns, encoding, fmt) -> None:
    from serve.predict import predict_file
    from serve.verdict import check_useful

    with _opened(out) as handle:
        run = predict_file(predictor, source, handle, batch_size, evidence, columns, encoding, fmt)
    if out is not None and run.rows == 0:
        out.unlink(missing_ok=True)
    where = f"written to {out}" if out else "written"
    typer.echo(f"{run.rows} records {where} ({run.errors} with an error)", err=True)
    check_useful(source, run.rows, run.errors, run.reasons.elements())


@contextmanager
def _opened(out: Path | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        yield handle
