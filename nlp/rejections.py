"""Why a message is not classified: every reason's wording, in one place.

The Predictor answers a non-text or blank text with a record carrying one of these errors; `tag`
and `predict --input` reject a row for them too (and for what their readers found, see
`nlp.io.rows`); the HTTP service refuses a blank text with a 422 worded for a request field.
"""

EMPTY_TEXT = "empty text"
NOT_TEXT = "text is not a string"
EMPTY_TEXT_FIELD = "text is empty"
"""The service's 422 for a blank `text` field (the API's wording, kept as published)."""


def not_text(value: object) -> str:
    """A row's text cell holds another type (a number, a list…)."""
    return f"{NOT_TEXT} ({type(value).__name__})"


def missing_text_column(column: str) -> str:
    return f"missing text column {column!r}"
