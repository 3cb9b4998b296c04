"""Masking personal data (phones, e-mails, card numbers) before a text reaches a log.

Logs mask more than entity extraction finds: a log may over-mask, never under-mask. Besides the
entities' phones and cards, a log masks Russian mobile numbers written without a country prefix
(«9123456789», «912 345-67-89») and any run of 13–19 digits, whether its Luhn digit agrees or not.
"""

import re

from nlp.entities.patterns import Match, non_overlapping, personal_data

MASKS = {"phone": "[PHONE]", "email": "[EMAIL]", "card": "[CARD]", "number": "[NUMBER]"}

BARE_PHONE = re.compile(r"(?<![\w+*])(?:[78]\d{10}|9\d{2}[ \-]?\d{3}[ \-]?\d{2}[ \-]?\d{2})(?![\w*])")
"""11 digits after 8 or 7, or 10 digits starting with 9 (a mobile number without its prefix)."""

LONG_NUMBER = re.compile(r"(?<![\w*])\d{13,19}(?![\w*])")
"""A card-length run of digits, Luhn-valid or not."""


def mask_pii(text: str) -> str:
    """The text with every phone number, e-mail address and card number replaced by a tag."""
    if not isinstance(text, str):
        return text
    parts, position = [], 0
    for match in _to_mask(text):
        parts += [text[position : match.start], MASKS[match.type]]
        position = match.end
    return "".join([*parts, text[position:]])


def _to_mask(text: str) -> list[Match]:
    """The entities' personal data, then bare phones and long numbers where nothing else matched."""
    loose = [
        Match(kind, found.start(), found.end(), found.group())
        for kind, pattern in (("phone", BARE_PHONE), ("number", LONG_NUMBER))
        for found in pattern.finditer(text)
    ]
    return non_overlapping([*personal_data(text), *loose])
