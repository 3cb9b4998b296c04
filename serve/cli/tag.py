"""`triage tag`: every row of an archive tagged; unclassifiable rows to OUT.rejects.jsonl."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from serve.cli.console import console
from serve.cli.options import (
    ChannelColumn,
    CustomerColumn,
    Encoding,
    IdColumn,
    ModelDir,
    TextColumn,
    TimeColumn,
    out_option,
)
from serve.cli.predict import load_predictor
from serve.friendly import USER_ERRORS
from serve.paths import check_output
from serve.tagging.records import Columns

if TYPE_CHECKING:
    from serve.tagging.job import TagJob


def tag(
    source: Annotated[
        Path, typer.Argument(help="Archive: CSV, TSV, JSONL, Parquet or xlsx.", show_default=False)
    ],
    out: Annotated[Path, out_option("Tagged output (format from its extension).")],
    model: ModelDir = None,
    output_format: Annotated[str | None, typer.Option("--format", help="csv, tsv, jsonl or parquet.")] = None,
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    customer_column: CustomerColumn = "customer_id",
    time_column: TimeColumn = "created_at",
    channel_column: ChannelColumn = "channel",
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
    from serve.tagging.summary_console import print_summary
    from serve.verdict import check_useful, rejected_reasons

    if engine not in ("local", "ray") or (ray_address and engine != "ray"):
        raise typer.BadParameter("--engine is local or ray; --ray-address needs --engine ray")
    columns = Columns(text_column, id_column, customer_column, time_column, channel_column)
    check_output(out)
    job = TagJob(source, out, columns, output_format, chunk_rows, evidence=bool(evidence), encoding=encoding)
    try:
        job.check()
        model = require_model_dir(model)
        predictor = load_predictor(model, backend, threads=threads) if engine == "local" else None
        if evidence is None:
            kept = resumed_evidence(job) if resume else None
            explainer = predictor or load_predictor(model, backend, threads=1)
            job.evidence = kept if kept is not None else explainer.attributes_evidence
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


def resumed_evidence(job: "TagJob") -> bool | None:
    """A resumed run keeps the evidence setting it started with (None: no run to resume)."""
    from serve.tagging.manifest import Manifest

    manifest = Manifest.load(job.parts)
    return manifest.evidence if manifest is not None else None
