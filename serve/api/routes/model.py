"""GET /v1/model: what the loaded model predicts, its thresholds and its evaluation metrics."""

import json
from pathlib import Path

from fastapi import APIRouter

from serve.api.deps import PredictorDep
from serve.api.schemas import ModelInfo

router = APIRouter(prefix="/v1", tags=["model"])


@router.get("/model", response_model=ModelInfo)
async def model_info(predictor: PredictorDep) -> ModelInfo:
    config = predictor.config
    return ModelInfo(
        model_version=predictor.version,
        labels=config.complaint_labels,
        display_names=config.display_names,
        descriptions=config.descriptions,
        sentiments=config.sentiments,
        urgencies=config.urgencies,
        thresholds=config.label_thresholds,
        flag_threshold=config.flag_threshold,
        max_tokens=config.max_tokens,
        metrics=_metrics(config.name_or_path),
    )


def _metrics(model_dir: str | None) -> dict:
    """metrics.json written by `triage train` next to the weights; {} when there is none."""
    if not model_dir:
        return {}
    try:
        return json.loads((Path(model_dir) / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
