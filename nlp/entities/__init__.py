"""Entities in a support message: order numbers, money, dates, phones, e-mails, cards.

natasha's yargy extractors find dates and sums (run only in windows around a month name or a
currency, see `windows`); a yargy rule of ours reads sums in words; regular expressions find
phones, e-mails, cards and order numbers. Each kind runs on the text with the earlier kinds
blanked out, so spans never overlap: personal data, then dates, sums, «dd.mm» and relative
days, then order numbers.
"""

from datetime import date, datetime

from nlp.entities.dates import find_dates, find_named_dates
from nlp.entities.money import find_money
from nlp.entities.orders import find_orders
from nlp.entities.patterns import Match, non_overlapping, personal_data
from nlp.prediction import Entity

__all__ = ["extract_entities"]


def extract_entities(text: str, now: date | None = None) -> list[Entity]:
    """Every entity in `text` with offsets into it; relative dates count from `now` (default today)."""
    now = now or date.today()
    if isinstance(now, datetime):
        now = now.date()
    steps = (
        personal_data,
        lambda blank: find_named_dates(blank, now),
        find_money,
        lambda blank: find_dates(blank, now),
        find_orders,
    )
    found: list[Match] = []
    blank = text
    for step in steps:
        new = non_overlapping(list(step(blank)))
        found += new
        blank = _blanked(blank, new)
    return [
        Entity(type=m.type, text=text[m.start : m.end], start=m.start, end=m.end, value=m.value)
        for m in sorted(found, key=lambda m: m.start)
    ]


def _blanked(text: str, matches: list[Match]) -> str:
    """The text with each match replaced by as many spaces (offsets stay valid)."""
    if not matches:
        return text
    chars = list(text)
    for match in matches:
        chars[match.start : match.end] = " " * (match.end - match.start)
    return "".join(chars)
