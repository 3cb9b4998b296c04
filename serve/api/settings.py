"""Service settings, read from the environment (prefix TRIAGE_) or given to `create_app`."""

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from nlp.model_dir import DEFAULT_MODEL, MODEL_VARIABLE, default_model_dir
from serve.tagging.textcap import DEFAULT_MAX_TEXT_CHARS

PRINTABLE_ASCII = re.compile(r"[!-~]+")
"""Visible ASCII, no spaces: what a bearer token or an X-API-Key header can carry unchanged."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIAGE_", protected_namespaces=(), populate_by_name=True)

    model_dir: Path | None = Field(
        default_factory=default_model_dir,
        validation_alias=AliasChoices(MODEL_VARIABLE, "TRIAGE_MODEL_DIR"),
        description=f"Model directory: ${MODEL_VARIABLE} as for every command (TRIAGE_MODEL_DIR, its "
        f"older name, is still read), else the project's {DEFAULT_MODEL}; None starts without one "
        "(tests inject it).",
    )
    backend: Literal["auto", "torch", "onnx"] = Field("auto", description="auto: ONNX when exported.")
    api_key: SecretStr | None = Field(None, description="When set, every /v1 route requires it.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS, comma-separated in the environment."
    )
    max_text_chars: int = Field(
        DEFAULT_MAX_TEXT_CHARS, gt=0, description="Longer texts are refused with 413."
    )
    max_batch_items: int = Field(256, gt=0, description="Larger batches are refused with 413.")
    max_evidence_items: int = Field(
        16, gt=0, description="Items per request with ?evidence=true (about 80 ms of CPU each); 413 beyond."
    )
    max_body_bytes: int = Field(8 * 2**20, gt=0, description="Larger request bodies are refused with 413.")
    batch_max_size: int = Field(64, gt=0, description="Texts per forward pass at most (micro-batching).")
    forward_batch: int = Field(
        4, gt=0, description="Rows per model call within a pass (sorted by length: small chunks pad little)."
    )
    threads: int = Field(
        1, ge=0, description="Model intra-op threads (0: every core); one leaves a core to the event loop."
    )
    batch_max_wait_ms: float = Field(
        3.0, ge=0, description="How long a forward pass waits for more requests under concurrent load."
    )
    body_timeout_s: float = Field(
        15.0, gt=0, description="A request body must arrive within this many seconds (408 beyond)."
    )
    evidence_lane_texts: int = Field(
        64, gt=0, description="Texts waiting for evidence at most; more are refused with 503 until it drains."
    )
    log_text: bool = Field(False, description="Log message texts (PII masked); off by default.")
    log_level: str = "INFO"

    @field_validator("model_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("api_key")
    @classmethod
    def _printable_ascii(cls, key: SecretStr | None) -> SecretStr | None:
        """A header carries ASCII only: any other character would lock every client out."""
        if key is not None and not PRINTABLE_ASCII.fullmatch(key.get_secret_value()):
            raise ValueError(
                "TRIAGE_API_KEY must be printable ASCII (a header cannot carry other characters)"
            )
        return key

    @model_validator(mode="after")
    def _evidence_fits_its_lane(self) -> "Settings":
        if self.max_evidence_items > self.evidence_lane_texts:
            raise ValueError("TRIAGE_MAX_EVIDENCE_ITEMS must not exceed TRIAGE_EVIDENCE_LANE_TEXTS")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
