"""`triage serve --workers 2` as a real server: both workers answer and /metrics counts them all."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


@pytest.fixture
def two_workers(tiny_model):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from serve.cli import main; main()", "serve"]
    command += ["--model", str(tiny_model), "--port", str(port), "--workers", "2"]
    environment = {**os.environ, "TRIAGE_BACKEND": "torch"}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        command,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_both_ready(base, server)
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_until_both_ready(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert server.poll() is None, server.stderr.read().decode()[-2000:]
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    time.sleep(3)  # the second worker loads its model too


def _count(metrics: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith(name + " "))


def test_metrics_sum_over_every_worker(two_workers):
    sent = 40
    for k in range(sent):  # a fresh connection per request: the kernel spreads them over the workers
        answer = httpx.post(two_workers + "/v1/classify?evidence=false", json={"text": f"заказ {k} опоздал"})
        assert answer.status_code == 200
    for _ in range(6):  # whichever worker answers /metrics, it reports all of them
        metrics = httpx.get(two_workers + "/metrics").text
        assert _count(metrics, "triage_messages_total") == sent
        assert _count(metrics, "triage_batch_size_sum") == sent
