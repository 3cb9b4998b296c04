"""The schema of one labelled record, as the label contract defines it."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, field_validator

from nlp.labels import Channel, Sentiment, Urgency
from nlp.taxonomy import name_problem

NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _label_name(name: str) -> str:
    if problem := name_problem(name):
        raise ValueError(problem)
    return name


LabelName = Annotated[str, AfterValidator(_label_name)]
"""Any well-formed name: which names a file may use is its label set's business (`validate`)."""


class TicketRecord(BaseModel):
    """One labelled customer message. Unknown extra fields are kept, not rejected; a record may
    leave out sentiment and urgency (training then learns only the annotations it has)."""

    model_config = ConfigDict(strict=True, extra="allow")

    id: NonBlank
    text: NonBlank
    labels: list[LabelName]
    sentiment: Sentiment | None = None
    urgency: Urgency | None = None
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
