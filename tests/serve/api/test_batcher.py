"""Micro-batching with a fake predictor: grouping, order, bounds, off-loop passes, failures."""

import asyncio
import threading
import time

import pytest

from nlp.prediction import Prediction
from serve.api.batcher import MicroBatcher


class FakePredictor:
    """Records every forward pass; each takes `seconds` of (GIL-free) time."""

    def __init__(self, seconds: float = 0.02, fail: bool = False) -> None:
        self.seconds, self.fail = seconds, fail
        self.passes: list[list[str]] = []
        self.evidence: list[bool] = []
        self.threads: set[str] = set()

    def predict(self, texts, batch_size=64, ids=None, evidence=False):
        self.passes.append(list(texts))
        self.evidence.append(evidence)
        self.threads.add(threading.current_thread().name)
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("forward pass failed")
        return [Prediction(id=i, labels=[text]) for text, i in zip(texts, ids, strict=True)]


def run(coroutine):
    return asyncio.run(coroutine)


async def _concurrently(batcher, predictor, count: int, per_request: int = 1):
    async def one(k):
        texts = [f"t{k}.{j}" for j in range(per_request)]
        return await batcher.predict(predictor, texts, [f"id{k}.{j}" for j in range(per_request)])

    try:
        return await asyncio.gather(*(one(k) for k in range(count)))
    finally:
        await batcher.stop()


def test_concurrent_requests_share_passes_and_get_their_own_records_back():
    predictor, batcher = FakePredictor(), MicroBatcher(max_size=16, max_wait_ms=5)
    results = run(_concurrently(batcher, predictor, 40))
    for k, records in enumerate(results):
        assert [(r.id, r.labels) for r in records] == [(f"id{k}.0", [f"t{k}.0"])]
    assert len(predictor.passes) < 40 / 4  # grouped, not one pass per request
    assert max(len(texts) for texts in predictor.passes) <= 16
    assert sorted(t for texts in predictor.passes for t in texts) == sorted(f"t{k}.0" for k in range(40))


def test_a_request_is_never_split_and_a_big_one_runs_alone():
    predictor, batcher = FakePredictor(seconds=0.005), MicroBatcher(max_size=8, max_wait_ms=5)
    results = run(_concurrently(batcher, predictor, 6, per_request=5))
    assert [len(records) for records in results] == [5] * 6
    assert [len(texts) for texts in predictor.passes] == [5] * 6  # 5 + 5 would exceed 8
    big = run(_concurrently(batcher, predictor, 1, per_request=12))
    assert [len(records) for records in big] == [12] and len(predictor.passes[-1]) == 12


def test_a_lone_request_does_not_wait_for_company():
    predictor, batcher = FakePredictor(seconds=0), MicroBatcher(max_size=64, max_wait_ms=200)

    async def sequential():
        started = time.perf_counter()
        for k in range(5):
            await batcher.predict(predictor, [f"t{k}"], [None])
        await batcher.stop()
        return time.perf_counter() - started

    assert run(sequential()) < 0.2  # five waits of 200 ms would take a second
    assert [len(texts) for texts in predictor.passes] == [1] * 5


def test_forward_passes_run_off_the_event_loop_thread():
    predictor, batcher = FakePredictor(seconds=0.05), MicroBatcher()

    async def probe():
        task = asyncio.ensure_future(batcher.predict(predictor, ["t"], [None]))
        ticks = 0
        while not task.done():  # the loop keeps turning while the pass runs
            ticks += 1
            await asyncio.sleep(0.005)
        await batcher.stop()
        return ticks

    assert run(probe()) >= 3
    assert predictor.threads and threading.main_thread().name not in predictor.threads


def test_a_failing_pass_fails_its_requests_and_the_batcher_goes_on():
    failing, working = FakePredictor(seconds=0, fail=True), FakePredictor(seconds=0)
    batcher = MicroBatcher()

    async def both():
        with pytest.raises(RuntimeError, match="forward pass failed"):
            await batcher.predict(failing, ["t"], [None])
        records = await batcher.predict(working, ["u"], ["x"])
        await batcher.stop()
        return records

    assert [r.id for r in run(both())] == ["x"]


def test_requests_for_evidence_get_passes_of_their_own():
    predictor, batcher = FakePredictor(seconds=0.01), MicroBatcher(max_size=64, max_wait_ms=5)

    async def mixed():
        calls = [batcher.predict(predictor, [f"t{k}"], [None], evidence=k % 2 == 0) for k in range(10)]
        try:
            return await asyncio.gather(*calls)
        finally:
            await batcher.stop()

    run(mixed())
    for texts, evidence in zip(predictor.passes, predictor.evidence, strict=True):
        assert all((int(text[1:]) % 2 == 0) == evidence for text in texts)
    assert sum(len(texts) for texts in predictor.passes) == 10 and len(predictor.passes) < 10


def test_a_batcher_can_be_started_again_on_a_new_loop():
    predictor, batcher = FakePredictor(seconds=0), MicroBatcher()
    for _ in range(2):
        assert len(run(_concurrently(batcher, predictor, 3))) == 3
