"""Masking personal data (phones, e-mails, card numbers) before a text reaches a log."""

from nlp.entities.patterns import personal_data

MASKS = {"phone": "[PHONE]", "email": "[EMAIL]", "card": "[CARD]"}


def mask_pii(text: str) -> str:
    """The text with every phone number, e-mail address and card number replaced by a tag."""
    if not isinstance(text, str):
        return text
    parts, position = [], 0
    for match in personal_data(text):
        parts += [text[position : match.start], MASKS[match.type]]
        position = match.end
    return "".join([*parts, text[position:]])
