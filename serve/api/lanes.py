"""Two lanes of forward passes: plain requests, and requests for evidence, each with its own
micro-batcher and thread, so that heavy work never queues light requests behind it.

Evidence by occlusion (`nlp.evidence`, for models whose graph has no token terms) costs up to 80
model rows per message; in one lane, a few evidence
requests would hold every plain request behind them. In a lane of its own it runs alongside (the
backend releases the GIL; with TRIAGE_THREADS=1 each lane keeps to one core). The evidence lane is
bounded: while `max_waiting` texts wait for evidence, further evidence requests are answered 503
(with Retry-After) at once; after each of its passes, freed memory goes back to the system.
"""

from collections.abc import Sequence

from fastapi import HTTPException, status

from nlp.prediction import Prediction
from serve.api.batcher import MicroBatcher

BUSY = "too many messages are waiting for evidence; retry shortly, or ask without evidence"


def cheap_evidence(predictor) -> bool:
    """The predictor's evidence comes from its forward pass (`Predictor.attributes_evidence`)."""
    return bool(getattr(predictor, "attributes_evidence", False))


class Lanes:
    def __init__(self, plain: MicroBatcher, evidence: MicroBatcher, max_waiting: int) -> None:
        self.plain, self.evidence, self.max_waiting = plain, evidence, max_waiting
        self.waiting = 0

    async def predict(
        self, predictor, texts: Sequence[str], ids: Sequence[str | None], evidence: bool = False
    ) -> list[Prediction]:
        """Records for `texts` from the lane their options belong to: evidence from the forward
        pass's token terms costs no extra rows and shares the plain lane."""
        if not evidence or cheap_evidence(predictor):
            return await self.plain.predict(predictor, texts, ids, evidence=evidence)
        if self.waiting + len(texts) > self.max_waiting:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, BUSY, {"Retry-After": "1"})
        self.waiting += len(texts)
        try:
            return await self.evidence.predict(predictor, texts, ids, evidence=True)
        finally:
            self.waiting -= len(texts)

    async def stop(self) -> None:
        await self.plain.stop()
        await self.evidence.stop()
