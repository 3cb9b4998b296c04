"""Request and response bodies, one model per direction; the response record is `Prediction`."""

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nlp.prediction import Prediction
from nlp.rejections import EMPTY_TEXT_FIELD

LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
"""JSON escapes can smuggle in «\\ud800», which no tokenizer or encoder takes: it becomes U+FFFD."""


def _clean(value: str) -> str:
    return LONE_SURROGATE.sub("\ufffd", value)  # one character for one: offsets stay right


class Message(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"id": "t-1", "text": "Заказ опоздал на три дня, верните деньги"}]},
    )

    text: str = Field(description="The message, at most TRIAGE_MAX_TEXT_CHARS characters (413 beyond).")
    id: str | None = Field(None, max_length=256, description="Echoed back in the record.")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError(EMPTY_TEXT_FIELD)
        return _clean(text)

    @field_validator("id")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        return None if value is None else _clean(value)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Message] = Field(
        min_length=1, description="At most TRIAGE_MAX_BATCH_ITEMS messages (413 beyond)."
    )


class BatchResponse(BaseModel):
    items: list[Prediction] = Field(description="One record per item, in the same order.")


class ModelInfo(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    model_version: str
    labels: list[str] = Field(description="The model's complaint labels (its own taxonomy), in order.")
    display_names: dict[str, str] = Field(
        default_factory=dict, description="Per label, a name for people (the label when it has none)."
    )
    descriptions: dict[str, str] = Field(default_factory=dict, description="Per label, what it covers.")
    sentiments: list[str]
    urgencies: list[str]
    thresholds: dict[str, float] = Field(description="Per-label decision thresholds.")
    flag_threshold: float = Field(description="urgency_score above which retention_flag is set.")
    max_tokens: int
    metrics: dict = Field(default_factory=dict, description="metrics.json of the model directory.")


class Status(BaseModel):
    status: str
    model_version: str | None = None


class ErrorDetail(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Error(BaseModel):
    error: str
    detail: list[ErrorDetail] | None = None
