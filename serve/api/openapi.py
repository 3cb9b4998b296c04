"""The OpenAPI document with the loaded model's label set in its examples (not the default's).

The service predicts whatever labels its model was trained on, so the example record of
`/docs` is built from the model's config once it is loaded; before that it has none.
"""

from collections.abc import Callable

from fastapi import FastAPI

from nlp.config import TriageConfig

RECORD_SCHEMAS = ("Prediction",)


def example_record(config: TriageConfig, version: str) -> dict:
    """An output record as this model writes it: every label scored, the first one predicted."""
    labels = config.complaint_labels
    scores = {name: (0.93 if index == 0 else 0.02) for index, name in enumerate(labels)}
    sentiments = {name: (0.9 if name == "negative" else 0.05) for name in config.sentiments}
    return {
        "id": "t-1", "labels": labels[:1], "scores": scores, "sentiment": "negative",
        "sentiment_scores": sentiments, "urgency": "high", "urgency_score": 0.88, "retention_flag": True,
        "language": "ru", "entities": [], "evidence": {}, "truncated": False, "error": None,
        "model_version": version,
    }  # fmt: skip


def with_model_examples(app: FastAPI) -> Callable[[], dict]:
    """A replacement for `app.openapi` that adds the loaded model's example record."""
    generate = app.openapi

    def openapi() -> dict:
        schema = generate()
        predictor = getattr(app.state, "predictor", None)
        if predictor is not None:
            example = example_record(predictor.config, predictor.version)
            for name in RECORD_SCHEMAS:
                schema.get("components", {}).get("schemas", {}).get(name, {})["examples"] = [example]
        return schema

    return openapi
