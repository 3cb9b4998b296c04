"""The one output record: the same fields in CLI output, tagged archives and the API."""

from pydantic import BaseModel, Field


class Entity(BaseModel):
    type: str
    text: str
    start: int
    end: int
    value: str | float | None = None


class Prediction(BaseModel):
    id: str | None = None
    labels: list[str] = Field(default_factory=list, description="Complaint labels over their threshold.")
    scores: dict[str, float] = Field(default_factory=dict, description="Calibrated score of every label.")
    sentiment: str | None = None
    sentiment_scores: dict[str, float] = Field(default_factory=dict)
    urgency: str | None = None
    urgency_score: float | None = Field(None, description="Calibrated probability of urgency «high».")
    retention_flag: bool = False
    entities: list[Entity] = Field(default_factory=list)
    evidence: dict[str, list[str]] = Field(default_factory=dict)
    truncated: bool = False
    error: str | None = None
    model_version: str = ""
