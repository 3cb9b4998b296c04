"""`triage serve` started as a real server for a test: a free port, ready when /readyz says so,
stopped with SIGINT (killed if it hangs)."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(model_dir, *options: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """Yields the port of a `triage serve --model MODEL_DIR OPTIONS…` that answers /readyz."""
    port = free_port()
    command = [sys.executable, "-c", "from serve.cli import main; main()", "serve"]
    workers = () if "--workers" in options else ("--workers", "1")  # the default is one per core
    command += ["--model", str(model_dir), "--port", str(port), *workers, *options]
    environment = {**os.environ, "TRIAGE_BACKEND": "torch", **(env or {})}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_ready(base: str, process: subprocess.Popen, timeout: float = 120) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the server did not become ready")
