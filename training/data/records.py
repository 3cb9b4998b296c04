"""The schema of one labelled record, as the label contract defines it."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from nlp.labels import Channel, ComplaintLabel, Sentiment, Urgency

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class TicketRecord(BaseModel):
    """One labelled customer message. Unknown extra fields are kept, not rejected."""

    model_config = ConfigDict(strict=True, extra="allow")

    id: NonBlank
    text: NonBlank
    labels: list[ComplaintLabel]
    sentiment: Sentiment
    urgency: Urgency
    channel: Channel | None = None
    customer_id: str | None = None
    created_at: datetime | None = None
    domain: str | None = None
    tags: list[str] = []

    @field_validator("created_at", mode="before")
    @classmethod
    def _parse_iso(cls, value: object) -> object:
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        return value

    @field_validator("labels")
    @classmethod
    def _no_repeats(cls, labels: list[str]) -> list[str]:
        if len(set(labels)) != len(labels):
            raise ValueError("a label is repeated")
        return labels
