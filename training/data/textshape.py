"""Surface properties of a message's text: length, case, emoji, script.

Used to describe a corpus (hard cases, length buckets) and, later, to slice metrics.
"""

import re

WORD = re.compile(r"\w+", re.UNICODE)
LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff]")
PUNCTUATION = re.compile(r"[.,!?;:…]")
LENGTH_BUCKETS = ((1, 5), (6, 30), (31, 80), (81, 150))


def words(text: str) -> list[str]:
    return text.split()


def word_count(text: str) -> int:
    return len(words(text))


def length_bucket(text: str) -> str:
    count = word_count(text)
    for low, high in LENGTH_BUCKETS:
        if low <= count <= high:
            return f"{low}–{high} words"
    return "over 150 words" if count > 150 else "0 words"


def is_all_caps(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 8 and all(char.isupper() for char in letters)


def has_emoji(text: str) -> bool:
    return bool(EMOJI.search(text))


def is_latin_script(text: str) -> bool:
    """No Cyrillic letters at all: transliterated Russian or another language."""
    return bool(LATIN.search(text)) and not CYRILLIC.search(text)


def lacks_punctuation(text: str) -> bool:
    return word_count(text) >= 8 and not PUNCTUATION.search(text)


def surface_traits(text: str) -> set[str]:
    """Hard-case traits visible in the text itself, named like the corpus tags."""
    checks = {
        "very_short": word_count(text) <= 5,
        "very_long": word_count(text) > 80,
        "all_caps": is_all_caps(text),
        "emoji": has_emoji(text),
        "latin_script": is_latin_script(text),
        "no_punctuation": lacks_punctuation(text),
    }
    return {name for name, present in checks.items() if present}
