"""The one output record: the same fields in CLI output, tagged archives and the API."""

from typing import Literal

from pydantic import BaseModel, Field

Language = Literal["ru", "translit", "other"]


class Entity(BaseModel):
    type: str = Field(description="order_number, money, date, phone, email or card.")
    text: str
    start: int = Field(description="Character offset into the original text.")
    end: int
    value: str | float | None = Field(None, description="Normalised value: roubles, ISO date, digits.")


class Evidence(BaseModel):
    """A phrase of the message that supports a label, with its character offsets."""

    text: str
    start: int
    end: int
    weight: float = Field(0.0, description="How much the label's score drops without this phrase.")


class Prediction(BaseModel):
    id: str | None = None
    labels: list[str] = Field(default_factory=list, description="Complaint labels over their threshold.")
    scores: dict[str, float] = Field(default_factory=dict, description="Calibrated score of every label.")
    sentiment: str | None = None
    sentiment_scores: dict[str, float] = Field(default_factory=dict)
    urgency: str | None = None
    urgency_score: float | None = Field(None, description="Calibrated probability of urgency «high».")
    retention_flag: bool = False
    language: Language | None = Field(
        None, description="ru (Cyrillic Russian), translit (Russian in Latin letters) or other."
    )
    entities: list[Entity] = Field(default_factory=list)
    evidence: dict[str, list[Evidence]] = Field(
        default_factory=dict, description="Per predicted label (and «urgency» when high): 1–3 phrases."
    )
    truncated: bool = False
    error: str | None = None
    model_version: str = ""
