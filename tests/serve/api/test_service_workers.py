"""`triage serve --workers 2` as a real server: both workers answer and /metrics counts them all."""

import time

import httpx
import pytest

from tests.servers import running_server

pytestmark = pytest.mark.workers


@pytest.fixture
def two_workers(tiny_model):
    with running_server(tiny_model, "--workers", "2") as port:
        time.sleep(3)  # the second worker loads its model too
        yield f"http://127.0.0.1:{port}"


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


def test_the_plain_serve_command_starts_one_worker_per_core(tiny_model, monkeypatch):
    import os

    import uvicorn
    from typer.testing import CliRunner

    from serve.cli import app

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **options: started.update(options))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2}, raising=False)
    result = CliRunner().invoke(app, ["serve", "--model", str(tiny_model)])
    assert result.exit_code == 0, result.output
    assert started["workers"] == 3 and started["factory"] is True
