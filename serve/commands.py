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
    evidence: Annotated[
        bool | None,
        typer.Option(help="Phrases behind each label (default: on for inline texts, off for --input)."),
    ] = None,
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
        rows, errors = predict_file(predictor, input, output, batch_size, evidence=bool(evidence))
        console.print(f"{rows} records written to {output} ({errors} with an error)")
        return
    records = predictor.predict(texts, batch_size=batch_size, evidence=evidence is not False)
    console.print(prediction_table(texts, records))


def tag(
    source: Annotated[Path, typer.Argument(help="Archive: CSV, TSV, JSONL or Parquet.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Tagged output (format from its extension).")],
    model: Annotated[Path, typer.Option(help="Model directory.")] = Path("models/default"),
    output_format: Annotated[str | None, typer.Option("--format", help="csv, tsv, jsonl or parquet.")] = None,
    text_column: Annotated[str, typer.Option(help="Column with the message text.")] = "text",
    id_column: Annotated[str, typer.Option(help="Column with the message id.")] = "id",
    customer_column: Annotated[str, typer.Option(help="Column with the customer id.")] = "customer_id",
    time_column: Annotated[str, typer.Option(help="Column with the message time.")] = "created_at",
    channel_column: Annotated[str, typer.Option(help="Column with the channel.")] = "channel",
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run from its last chunk.")] = False,
    chunk_rows: Annotated[int, typer.Option(help="Rows per chunk (resumption unit, length sort).")] = 8192,
    backend: Annotated[str, typer.Option(help="auto (ONNX when exported), torch or onnx.")] = "auto",
    evidence: Annotated[
        bool,
        typer.Option("--evidence", help="Add the phrases behind each label (about 30× slower)."),
    ] = False,
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

    from nlp.predictor import Predictor
    from serve.tagging.job import TagJob
    from serve.tagging.progress import RowProgress, count_rows
    from serve.tagging.records import Columns
    from serve.tagging.report_console import print_summary

    if engine not in ("local", "ray") or (ray_address and engine != "ray"):
        raise typer.BadParameter("--engine is local or ray; --ray-address needs --engine ray")
    columns = Columns(text_column, id_column, customer_column, time_column, channel_column)
    try:
        job = TagJob(source, out, columns, output_format, chunk_rows, evidence=evidence)
        predictor = Predictor.load(model, backend=backend, threads=threads) if engine == "local" else None
        with RowProgress(console, count_rows(source)) as progress:
            if predictor is None:
                from serve.tagging.ray_engine import run_on_ray

                summary = run_on_ray(
                    job, model, backend, ray_address, resume, on_rows=progress.advance, threads=threads
                )
            else:
                summary = job.run(predictor, resume=resume, on_rows=progress.advance)
    except (OSError, ValueError) as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    print_summary(console, summary, out, job.rejects)


def queue(
    tagged: Annotated[Path, typer.Argument(help="Output of `triage tag`.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Queue CSV, riskiest customer first.")] = Path(
        "queue.csv"
    ),
    since: Annotated[str | None, typer.Option(help="Only messages from this date (ISO).")] = None,
    top: Annotated[int | None, typer.Option(help="Keep only the N riskiest customers.")] = None,
    customer_column: Annotated[str, typer.Option(help="Column with the customer id.")] = "customer_id",
    time_column: Annotated[str, typer.Option(help="Column with the message time.")] = "created_at",
) -> None:
    """One row per customer across messages and channels, ranked by a documented risk score."""
    from rich.table import Table

    from serve.tagging.queue import build_queue, write_queue
    from serve.tagging.records import Columns
    from serve.tagging.tagged import archive_labels, parse_time, read_messages

    start = parse_time(since) if since else None
    if since and start is None:
        raise typer.BadParameter(f"--since {since!r} is not an ISO date")
    messages = read_messages(tagged, Columns(customer=customer_column, time=time_column))
    rows = build_queue(messages, since=start, labels=archive_labels(tagged))[:top]
    write_queue(rows, out)
    table = Table(title=f"follow-up queue: {len(rows)} customers → {out}", title_justify="left")
    for column in (
        "customer_id",
        "risk",
        "messages",
        "highest_urgency",
        "last_contact",
        "channels",
        "open_complaints",
    ):
        table.add_column(column, overflow="fold")
    for row in rows[:10]:
        table.add_row(*(str(row[column]) for column in [c.header for c in table.columns]))
    console.print(table)


def report(
    tagged: Annotated[Path, typer.Argument(help="Output of `triage tag`.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="HTML report.")] = Path("report.html"),
) -> None:
    """Daily complaint counts with spike detection and the flagged-customer share, as HTML."""
    from serve.tagging.report import DailyCounts, write_report
    from serve.tagging.tagged import archive_labels, read_messages

    messages, labels = list(read_messages(tagged)), archive_labels(tagged)
    write_report(messages, out, labels)
    for spike in DailyCounts.from_messages(messages, labels).spikes():
        console.print(
            f"spike: {spike.day} {spike.label} {spike.count} messages (threshold {spike.threshold:g})"
        )
    console.print(f"report: {out}")


def serve(
    model: Annotated[
        Path | None, typer.Option(help="Model directory [default: $TRIAGE_MODEL_DIR or models/default].")
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

    from nlp.checks import check_model_dir
    from nlp.config import ModelFormatError
    from serve.api.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise typer.BadParameter(problems) from None
    if settings.model_dir is None or not (settings.model_dir / "config.json").exists():
        raise typer.BadParameter(f"{settings.model_dir} is not a model directory (see `triage train`)")
    try:
        check_model_dir(settings.model_dir)
    except ModelFormatError as exc:
        raise typer.BadParameter(str(exc)) from None
    return settings
