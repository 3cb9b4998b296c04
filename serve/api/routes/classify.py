"""POST /v1/classify and /v1/classify/batch: messages in, the one output record out."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from nlp.prediction import Prediction
from serve.api.deps import PredictorDep, Service, ServiceDep
from serve.api.lanes import cheap_evidence
from serve.api.logging import log_messages
from serve.api.schemas import BatchRequest, BatchResponse, Error, Message

router = APIRouter(prefix="/v1/classify", tags=["classify"])

Evidence = Annotated[
    bool | None,
    Query(
        description="The phrases behind each label and a high urgency. Default: on, unless the model "
        "can only find them by occlusion (tens of extra rows per message: then on for single "
        "messages, off for batches)."
    ),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Error, "description": "TRIAGE_API_KEY is set and the request does not carry it."},
    413: {"model": Error, "description": "A text or the batch is over its documented limit."},
    422: {"model": Error, "description": "Not JSON, a wrong type, an empty text or an unknown field."},
}


@router.post("", response_model=Prediction, responses=ERRORS)
async def classify(
    message: Message,
    predictor: PredictorDep,
    service: ServiceDep,
    evidence: Evidence = None,
) -> Response:
    """Classify one message: labels, sentiment, urgency, flag, language, entities and evidence
    (on by default; `?evidence=false` leaves it out)."""
    _check_length(message, service, "text")
    (record,) = await _classify([message], predictor, service, evidence is not False)
    return Response(record.model_dump_json(), media_type="application/json")


def batch_evidence(evidence: bool | None, predictor) -> bool:
    """A batch's evidence: as asked, else on when it costs no extra rows."""
    return cheap_evidence(predictor) if evidence is None else evidence


async def within_item_limit(
    request: Request, service: ServiceDep, predictor: PredictorDep, evidence: Evidence = None
) -> None:
    """413 for too many items before a single one is validated: FastAPI has parsed the JSON already
    and runs this before the body's model, which would hold the event loop for seconds on a body
    of hundreds of thousands of items. The lower evidence limit holds only for occlusion."""
    evidence = batch_evidence(evidence, predictor) and not cheap_evidence(predictor)
    try:
        body = await request.json()  # the parsed body FastAPI keeps: no second parse
    except ValueError:
        return  # not JSON: the body's own validation answers 422
    items = body.get("items") if isinstance(body, dict) else None
    limit = service.settings.max_evidence_items if evidence else service.settings.max_batch_items
    if isinstance(items, list) and len(items) > limit:
        what = "items with evidence" if evidence else "items"
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, f"{len(items)} items; at most {limit} {what} per request"
        )


@router.post(
    "/batch", response_model=BatchResponse, responses=ERRORS, dependencies=[Depends(within_item_limit)]
)
async def classify_batch(
    batch: BatchRequest,
    predictor: PredictorDep,
    service: ServiceDep,
    evidence: Evidence = None,
) -> Response:
    """Classify up to TRIAGE_MAX_BATCH_ITEMS messages (TRIAGE_MAX_EVIDENCE_ITEMS with evidence by
    occlusion); records come back in the same order."""
    for index, message in enumerate(batch.items):
        _check_length(message, service, f"items[{index}].text")
    service.metrics.request_items.observe(len(batch.items))
    records = await _classify(batch.items, predictor, service, batch_evidence(evidence, predictor))
    return Response(BatchResponse(items=records).model_dump_json(), media_type="application/json")


def _check_length(message: Message, service: Service, where: str) -> None:
    limit = service.settings.max_text_chars
    if len(message.text) > limit:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, f"{where} has {len(message.text)} characters; at most {limit}"
        )


async def _classify(messages, predictor, service: Service, evidence: bool) -> list[Prediction]:
    texts = [message.text for message in messages]
    records = await service.lanes.predict(predictor, texts, [message.id for message in messages], evidence)
    service.metrics.observe_records(records)
    if service.settings.log_text:
        log_messages(texts, records)
    return records
