"""Micro-batching: concurrent requests share one forward pass, which runs off the event loop.

A single worker task takes requests from an asyncio queue. It takes everything already queued
(up to `max_size` texts), and while traffic is concurrent — the previous pass served more than
one request — it also waits up to `max_wait_ms` for more. A lone client therefore never waits;
32 clients fill passes. The forward pass runs in a one-thread executor: passes never overlap
(ONNX Runtime already uses every core) and the event loop keeps accepting requests meanwhile.
Within a pass the Predictor sorts texts by length and calls the model `forward_batch` rows at a
time: small calls pad less than one call padded to the longest message, and cost less CPU per
message (figures: bench/service.py and the README).
"""

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from nlp.prediction import Prediction
from nlp.predictor import Predictor


@dataclass
class _Job:
    predictor: Predictor
    texts: list[str]
    ids: list[str | None]
    evidence: bool
    future: asyncio.Future


class MicroBatcher:
    def __init__(
        self,
        max_size: int = 64,
        max_wait_ms: float = 3.0,
        forward_batch: int = 4,
        on_batch: Callable[[int], None] | None = None,
        after_pass: Callable[[], None] | None = None,
    ) -> None:
        self.max_size, self.max_wait, self.forward_batch = max_size, max_wait_ms / 1000, forward_batch
        self.on_batch, self.after_pass = on_batch, after_pass
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._held: _Job | None = None
        self._concurrent = False
        self._worker: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None

    async def predict(
        self, predictor: Predictor, texts: Sequence[str], ids: Sequence[str | None], evidence: bool = False
    ) -> list[Prediction]:
        """Records for `texts`, computed in a forward pass shared with concurrent callers."""
        loop = asyncio.get_running_loop()
        if self._worker is None or self._worker.done() or self._worker.get_loop() is not loop:
            self._start()
        future = loop.create_future()
        self._queue.put_nowait(_Job(predictor, list(texts), list(ids), evidence, future))
        return await future

    def _start(self) -> None:
        """A fresh queue, thread and worker on the running loop (an app may be started again)."""
        self._queue, self._held, self._concurrent = asyncio.Queue(), None, False
        if self._executor is not None:
            self._executor.shutdown(wait=False)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="forward")
        self._worker = asyncio.create_task(self._run(), name="micro-batcher")

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
        self._worker, self._executor = None, None
        waiting = [self._held] if self._held else []
        while not self._queue.empty():
            waiting.append(self._queue.get_nowait())
        for job in waiting:
            _settle(job.future, exception=RuntimeError("the service is stopping"))

    async def _run(self) -> None:
        while True:
            jobs = await self._collect()
            for group in _alike(jobs):
                await self._execute(group)

    async def _collect(self) -> list[_Job]:
        loop = asyncio.get_running_loop()
        jobs = [self._held or await self._queue.get()]
        self._held, size, deadline = None, len(jobs[0].texts), loop.time() + self.max_wait
        while size < self.max_size:
            if not self._queue.empty():
                job = self._queue.get_nowait()
            elif self._concurrent and loop.time() < deadline:
                try:
                    job = await asyncio.wait_for(self._queue.get(), deadline - loop.time())
                except TimeoutError:
                    break
            else:
                break
            if size + len(job.texts) > self.max_size:
                self._held = job  # first in the next pass: a request is never split
                break
            jobs.append(job)
            size += len(job.texts)
        self._concurrent = len(jobs) > 1 or self._held is not None
        return jobs

    async def _execute(self, jobs: list[_Job]) -> None:
        texts = [text for job in jobs for text in job.texts]
        ids = [i for job in jobs for i in job.ids]
        first = jobs[0]
        forward = partial(self._forward, first.predictor, texts, ids, first.evidence)
        try:
            records = await asyncio.get_running_loop().run_in_executor(self._executor, forward)
        except Exception as exc:
            for job in jobs:
                _settle(job.future, exception=exc)
            return
        if self.on_batch is not None:
            self.on_batch(len(texts))
        start = 0
        for job in jobs:
            _settle(job.future, records[start : start + len(job.texts)])
            start += len(job.texts)

    def _forward(
        self, predictor: Predictor, texts: list[str], ids: list[str | None], evidence: bool
    ) -> list[Prediction]:
        """One pass, in the forward thread; then `after_pass` there too (e.g. giving memory back)."""
        try:
            return predictor.predict(texts, self.forward_batch, ids, evidence=evidence)
        finally:
            if self.after_pass is not None:
                self.after_pass()


def _alike(jobs: list[_Job]) -> list[list[_Job]]:
    """Jobs grouped by predictor and options: those asking for evidence share a pass of their own."""
    groups: dict[tuple[int, bool], list[_Job]] = {}
    for job in jobs:
        groups.setdefault((id(job.predictor), job.evidence), []).append(job)
    return list(groups.values())


def _settle(future: asyncio.Future, result: object = None, exception: BaseException | None = None) -> None:
    if future.done():  # the client went away
        return
    if exception is not None:
        future.set_exception(exception)
    else:
        future.set_result(result)
