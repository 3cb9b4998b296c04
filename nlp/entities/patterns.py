"""Regular expressions for the structured entities: phone numbers, e-mail addresses, card numbers.

These formats have no Russian-specific extractor worth a dependency (natasha covers names,
places, dates and money); the same patterns serve entity extraction and PII masking.
A digit may be written as «*» or «х»/«x» where the customer masked it themselves.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

DIGIT = re.compile(r"\d")
_D = r"[\d*]"  # a digit, or one the customer already masked
_SEP = r"[ \-\u00a0]?"

PHONE = re.compile(
    rf"""(?<![\w+*])
    (?:
        (?:\+\s?7|8|7)\s?[\-\u00a0]?\s?\(?\s?\d{_D}{{2}}\s?\)?{_SEP}{_D}{{3}}{_SEP}{_D}{{2}}{_SEP}{_D}{{2}}
      | \+(?:3\d\d|99\d|[1-9]\d?)\s?\(?\d{{2,3}}\)?{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}
    )(?![\w*])""",
    re.VERBOSE,
)
"""Russian numbers (+7, 8 or 7 and ten digits, any grouping) and other +country numbers."""

EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-@])")

CARD = re.compile(
    rf"(?<![\w*])\d{{4}}(?:[ \-]{_D}{{4}}){{2}}[ \-]\d{{4}}(?:[ \-]?\d{{1,3}})?(?![\w*])"
    rf"|(?<![\w*])\d{{4}}{_D}{{8}}\d{{4}}(?![\w*])"
    rf"|(?<![\w*])\d{{13,19}}(?![\w*])"
)
"""Four groups of four (middle groups may be masked), or 13–19 digits in one run (Luhn-checked)."""


@dataclass(frozen=True)
class Match:
    type: str
    start: int
    end: int
    value: str | float | None
    """As `Entity.value`: roubles for a sum, an ISO date (None where the day does not exist), digits."""


def digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit() or char == "*")


def luhn_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def phone_value(text: str) -> str:
    """+7XXXXXXXXXX for Russian numbers (8 or 7 prefix), else + and the digits."""
    number = digits(text)
    if not text.lstrip().startswith("+") and number[0] in "78" and len(number) == 11:
        return "+7" + number[1:]
    return "+" + number


def _cards(text: str) -> Iterator[Match]:
    for found in CARD.finditer(text):
        number = digits(found.group())
        if found.group().isdigit() and not luhn_valid(number):
            continue  # a bare run of digits is a card only when its check digit agrees
        yield Match("card", found.start(), found.end(), number)


def _phones(text: str) -> Iterator[Match]:
    for found in PHONE.finditer(text):
        yield Match("phone", found.start(), found.end(), phone_value(found.group()))


def _emails(text: str) -> Iterator[Match]:
    for found in EMAIL.finditer(text):
        yield Match("email", found.start(), found.end(), found.group().lower())


def personal_data(text: str) -> list[Match]:
    """Cards, e-mails and phones, non-overlapping (in that order of precedence), by position."""
    numbers = DIGIT.search(text) is not None  # cheap gates: most messages have neither
    cards, phones = (list(_cards(text)), list(_phones(text))) if numbers else ([], [])
    return non_overlapping([*cards, *(_emails(text) if "@" in text else ()), *phones])


def non_overlapping(matches: list[Match]) -> list[Match]:
    """Keep earlier-listed matches over later ones where they overlap; sort by start."""
    kept: list[Match] = []
    for match in matches:
        if all(match.end <= other.start or match.start >= other.end for other in kept):
            kept.append(match)
    return sorted(kept, key=lambda match: match.start)
