"""Operations, open without a key: /healthz (alive), /readyz (model loaded), /metrics (Prometheus)."""

from fastapi import APIRouter, Response

from serve.api.deps import MetricsDep, PredictorDep
from serve.api.schemas import Error, Status

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Status)
async def healthz() -> Status:
    return Status(status="alive")


NOT_READY = {503: {"model": Error, "description": "The model is not loaded yet."}}


@router.get("/readyz", response_model=Status, responses=NOT_READY)
async def readyz(predictor: PredictorDep) -> Status:
    return Status(status="ready", model_version=predictor.version)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(metrics: MetricsDep) -> Response:
    """Requests and latency by route and status, predictions by label, flagged messages, batch sizes."""
    return Response(metrics.exposition(), media_type=metrics.content_type)
