"""Turning input rows and predictions into output rows, and rows into rejects."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nlp.io.rows import RawRow
from nlp.prediction import Prediction
from nlp.rejections import EMPTY_TEXT, missing_text_column, not_text

SCORE_PREFIX = "score_"
"""One `score_<label>` column per label of the model: a tagged archive names its label set."""
FIXED_COLUMNS = (
    "labels",
    "sentiment",
    "sentiment_score",
    "urgency",
    "urgency_score",
    "retention_flag",
    "entities",
    "evidence",
    "truncated",
    "model_version",
)


def prediction_columns(labels: Sequence[str]) -> tuple[str, ...]:
    """The columns `tag` adds after the input's: labels, a score per model label, the rest."""
    return (FIXED_COLUMNS[0], *score_columns(labels), *FIXED_COLUMNS[1:])


def score_columns(labels: Sequence[str]) -> list[str]:
    return [SCORE_PREFIX + label for label in labels]


def labels_of_columns(columns: Sequence[str]) -> list[str]:
    """The model's labels, in order, from a tagged archive's `score_<label>` columns."""
    return [name.removeprefix(SCORE_PREFIX) for name in columns if name.startswith(SCORE_PREFIX)]


@dataclass(frozen=True)
class Columns:
    """Which input columns carry what; only `text` is required."""

    text: str = "text"
    id: str = "id"
    customer: str = "customer_id"
    time: str = "created_at"
    channel: str = "channel"


def rejection(row: RawRow, columns: Columns) -> str | None:
    """Why a row cannot be classified, or None when it can."""
    if row.error is not None:
        return row.error
    text = parsed_fields(row).get(columns.text)
    if text is None:
        return missing_text_column(columns.text)
    if not isinstance(text, str):
        return not_text(text)
    return EMPTY_TEXT if not text.strip() else None


def parsed_fields(row: RawRow) -> dict[str, Any]:
    """The fields of a row that could be parsed (every row without an `error`)."""
    if row.fields is None:
        raise ValueError(f"row {row.line} was not parsed: {row.error}")
    return row.fields


def row_id(row: RawRow, column: str) -> str | None:
    """The row's id: its id column's value as text, None when the row has none. `tag` names a
    row without an id (or with an empty one) by its line number; `predict` leaves it None."""
    value = (row.fields or {}).get(column)
    return None if value is None else str(value)


def reject_record(row: RawRow, reason: str) -> str:
    """`line`: where the row starts in the file (its row number in Parquet); `raw`: the line(s)
    as read when the row could not be parsed (else `fields`), so that nothing is lost."""
    record = {"line": row.line, "reason": reason, "fields": row.fields, "raw": row.raw}
    return json.dumps(record, ensure_ascii=False, default=str)


def output_row(fields: dict, prediction: Prediction, json_cells: bool = False) -> dict:
    """The input fields followed by the prediction, flat (one score column per label).

    `entities` and `evidence` are lists and dicts of records; with `json_cells` (CSV, TSV,
    Parquet) each is one JSON string.
    """
    row = dict(fields)
    row["labels"] = prediction.labels
    row.update({SCORE_PREFIX + label: score for label, score in prediction.scores.items()})
    row["sentiment"] = prediction.sentiment
    row["sentiment_score"] = _sentiment_score(prediction)
    row["urgency"] = prediction.urgency
    row["urgency_score"] = prediction.urgency_score
    row["retention_flag"] = prediction.retention_flag
    structured = prediction.model_dump(mode="json", include={"entities", "evidence"})
    for name in ("entities", "evidence"):
        row[name] = json.dumps(structured[name], ensure_ascii=False) if json_cells else structured[name]
    row["truncated"] = prediction.truncated
    row["model_version"] = prediction.model_version
    return row


def _sentiment_score(prediction: Prediction) -> float:
    """The score of the predicted sentiment (every prediction without an `error` has one)."""
    if prediction.sentiment is None:
        raise ValueError(f"record {prediction.id}: no sentiment to score ({prediction.error})")
    return prediction.sentiment_scores[prediction.sentiment]
