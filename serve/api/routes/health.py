"""Operations, open without a key: /healthz (alive) and /readyz (the model loaded and predicting)."""

from typing import Any

from fastapi import APIRouter

from serve.api.deps import PredictorDep
from serve.api.schemas import Error, Status

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Status)
async def healthz() -> Status:
    return Status(status="alive")


NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"model": Error, "description": "The model is not loaded, or it failed its first prediction."}
}


@router.get("/readyz", response_model=Status, responses=NOT_READY)
async def readyz(predictor: PredictorDep) -> Status:
    return Status(status="ready", model_version=predictor.version)
