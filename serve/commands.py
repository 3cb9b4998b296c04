"""The serving side's commands: `triage predict`, tag, queue, report and serve.

Each checks what it can before the slow model load (model directory, input, output path):
a mistake is one line and exit code 2 (`serve.friendly`)."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console

from serve.friendly import USER_ERRORS
from serve.paths import check_output
from serve.tagging.preflight import check_text_column
from serve.tagging.records import Columns
from serve.tagging.schema import input_schema
from training.cli_options import Encoding, IdColumn, ModelDir, TextColumn, alias, out_option

console = Console()


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
    predictor = _load_predictor(model, backend)
    if input is not None:
        explain = predictor.attributes_evidence if evidence is None else evidence
        _predict_file(predictor, input, out, batch_size, explain, columns, encoding, fmt.value)
        return
    if texts == ["-"]:
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    records = predictor.predict(texts, batch_size=batch_size, evidence=evidence is not False)
    if fmt is Format.table:
        from serve.predict import prediction_table

        console.print(prediction_table(texts, records, predictor.config.label_thresholds))
        return
    with _opened(out) as handle:
        write_records(records, handle, fmt.value)


def _load_predictor(model: Path | None, backend: str, **options: object):
    """The model checked (one line if unusable), then loaded: the slow step comes last."""
    from nlp.model_dir import require_model_dir
    from nlp.predictor import Predictor

    return Predictor.load(require_model_dir(model), backend=backend, **options)


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


def tag(
    source: Annotated[
        Path, typer.Argument(help="Archive: CSV, TSV, JSONL, Parquet or xlsx.", show_default=False)
    ],
    out: Annotated[Path, out_option("Tagged output (format from its extension).")],
    model: ModelDir = None,
    output_format: Annotated[str | None, typer.Option("--format", help="csv, tsv, jsonl or parquet.")] = None,
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    customer_column: Annotated[str, typer.Option(help="Column with the customer id.")] = "customer_id",
    time_column: Annotated[str, typer.Option(help="Column with the message time.")] = "created_at",
    channel_column: Annotated[str, typer.Option(help="Column with the channel.")] = "channel",
    encoding: Encoding = None,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run from its last chunk.")] = False,
    chunk_rows: Annotated[int, typer.Option(help="Rows per chunk (resumption unit, length sort).")] = 8192,
    backend: Annotated[str, typer.Option(help="auto (ONNX when exported), torch or onnx.")] = "auto",
    evidence: Annotated[
        bool | None,
        typer.Option(
            "--evidence/--no-evidence",
            help="Phrases behind each label [default: on when the model finds them in its forward pass; "
            "off for a graph exported without token terms, where occlusion is about 30× slower].",
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="local (this process) or ray (Ray Data actors).")] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster to join (--engine ray); default: a local Ray.")
    ] = None,
    threads: Annotated[
        int, typer.Option(min=0, help="Model threads (per Ray actor with --engine ray); 0: every core here.")
    ] = 0,
) -> None:
    """Tag every row of an archive; unclassifiable rows go to OUT.rejects.jsonl with a reason."""
    from rich.markup import escape

    from nlp.model_dir import require_model_dir
    from serve.tagging.job import TagJob
    from serve.tagging.progress import RowProgress, count_rows
    from serve.tagging.report_console import print_summary
    from serve.verdict import check_useful, rejected_reasons

    if engine not in ("local", "ray") or (ray_address and engine != "ray"):
        raise typer.BadParameter("--engine is local or ray; --ray-address needs --engine ray")
    columns = Columns(text_column, id_column, customer_column, time_column, channel_column)
    check_output(out)
    job = TagJob(source, out, columns, output_format, chunk_rows, evidence=bool(evidence), encoding=encoding)
    try:
        job.check()
        model = require_model_dir(model)
        predictor = _load_predictor(model, backend, threads=threads) if engine == "local" else None
        if evidence is None:
            job.evidence = (predictor or _load_predictor(model, backend, threads=1)).attributes_evidence
        with RowProgress(console, count_rows(source)) as progress:
            if predictor is None:
                from serve.tagging.ray_engine import run_on_ray

                summary = run_on_ray(
                    job, model, backend, ray_address, resume, on_rows=progress.advance, threads=threads
                )
            else:
                summary = job.run(predictor, resume=resume, on_rows=progress.advance)
    except USER_ERRORS:
        raise
    except (OSError, ValueError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    if summary.tagged == 0:
        out.unlink(missing_ok=True)  # no 0-row output beside the rejects that say why
    print_summary(console, summary, out, job.rejects)
    check_useful(source, summary.rows, summary.rejected, rejected_reasons(job.rejects))


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
    customer_column: Annotated[str, typer.Option(help="Column with the customer id.")] = "customer_id",
    time_column: Annotated[str, typer.Option(help="Column with the message time.")] = "created_at",
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    channel_column: Annotated[str, typer.Option(help="Column with the channel.")] = "channel",
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


def report(
    tagged: Annotated[Path, typer.Argument(help="Output of `triage tag`.", show_default=False)],
    out: Annotated[Path, out_option("HTML report (one file, opens offline).")] = Path("report.html"),
    period: Annotated[int, typer.Option(min=1, help="Days compared with the days before them.")] = 7,
    customer_column: Annotated[str, typer.Option(help="Column with the customer id.")] = "customer_id",
    time_column: Annotated[str, typer.Option(help="Column with the message time.")] = "created_at",
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    channel_column: Annotated[str, typer.Option(help="Column with the channel.")] = "channel",
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


def serve(
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", "-m", help="Model directory [default: $TRIAGE_MODEL_DIR, else as other commands]."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=0, help="Server processes, each with its own model (0: one per core).")
    ] = 0,
    limit_concurrency: Annotated[
        int, typer.Option(min=1, help="Connections and requests per worker at most; 503 beyond.")
    ] = 512,
    timeout_keep_alive: Annotated[
        float, typer.Option(min=0.1, help="Seconds a connection may take to send each request head.")
    ] = 5.0,
    max_header_bytes: Annotated[
        int, typer.Option(min=1024, help="Request line and headers at most; 400 beyond.")
    ] = 64 * 1024,
) -> None:
    """Run the classification service (other settings: TRIAGE_ environment variables, see README)."""
    import os

    import uvicorn

    from serve.api.logging import UVICORN_LOG_CONFIG
    from serve.api.main import create_app

    if model is not None:
        os.environ["TRIAGE_MODEL_DIR"] = str(model)  # also read by the workers' app factory
    settings = _checked_settings()
    workers = workers or usable_cores()
    options = {
        "host": host, "port": port, "access_log": False, "log_config": UVICORN_LOG_CONFIG,
        "http": "serve.api.protocol:HeadDeadlineProtocol", "h11_max_incomplete_event_size": max_header_bytes,
        "timeout_keep_alive": timeout_keep_alive, "limit_concurrency": limit_concurrency,
    }  # fmt: skip
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    from serve.api.metrics import shared_between_workers

    with shared_between_workers():
        uvicorn.run("serve.api.main:app_from_env", factory=True, workers=workers, **options)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, as in a container), at least one."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _checked_settings():
    """TRIAGE_ settings and the model directory they name, checked before the server starts:
    a problem is one line and exit code 2, not a traceback."""
    from pydantic import ValidationError

    from nlp.model_dir import require_model_dir
    from serve.api.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise typer.BadParameter(problems) from None
    require_model_dir(settings.model_dir)
    return settings
