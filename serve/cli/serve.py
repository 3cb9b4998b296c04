"""`triage serve`: the classification service (`serve.api.main.create_app`) under uvicorn."""

from pathlib import Path
from typing import Annotated, Any

import typer


def serve(
    model: Annotated[
        Path | None,
        typer.Option("--model", "-m", help="Model directory [default: $TRIAGE_MODEL, else models/default]."),
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

    from nlp.model_dir import MODEL_VARIABLE
    from serve.api.logging import UVICORN_LOG_CONFIG
    from serve.api.main import create_app

    if model is not None:
        os.environ[MODEL_VARIABLE] = str(model)  # also read by the workers' app factory
    settings = _checked_settings()
    workers = workers or usable_cores()
    options: dict[str, Any] = {
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
