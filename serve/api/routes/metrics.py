"""GET /metrics (Prometheus): behind TRIAGE_API_KEY like /v1 when one is set."""

from fastapi import APIRouter, Response

from serve.api.deps import ServiceDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(service: ServiceDep) -> Response:
    """Requests and latency by route and status, predictions by label, flagged messages, batch sizes."""
    return Response(service.metrics.exposition(), media_type=service.metrics.content_type)
