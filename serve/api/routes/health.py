"""Operations, open without a key: /healthz (alive), /readyz (model loaded), /metrics (Prometheus)."""

from fastapi import APIRouter, Response

from serve.api.deps import PredictorDep, ServiceDep
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
async def metrics(service: ServiceDep) -> Response:
    """Requests and latency by route and status, predictions by label, flagged messages, batch sizes."""
    return Response(service.metrics.exposition(), media_type=service.metrics.content_type)
