"""The longest text the model reads in an archive: the service's cap, `TRIAGE_MAX_TEXT_CHARS`.

The service refuses a longer text (413); the tagger keeps the row, gives the model the first
`max_text_chars()` characters and sets the row's `truncated` flag. The output keeps the full text.
"""

import os

DEFAULT_MAX_TEXT_CHARS = 10_000
"""Also the service's default `TRIAGE_MAX_TEXT_CHARS` (`serve.api.settings.Settings`)."""


def max_text_chars() -> int:
    value = os.environ.get("TRIAGE_MAX_TEXT_CHARS", "").strip()
    if value and (not value.isdigit() or int(value) == 0):
        raise ValueError(f"TRIAGE_MAX_TEXT_CHARS={value!r}: a positive number of characters expected")
    return int(value) if value else DEFAULT_MAX_TEXT_CHARS


def capped(text: str, limit: int) -> str:
    """The first `limit` characters; when those are all blank and words follow, the first `limit`
    from the first word (a row is never classified as empty while it has text)."""
    head = text[:limit]
    if head.strip() or not text.strip():
        return head
    start = len(text) - len(text.lstrip())
    return text[start : start + limit]
