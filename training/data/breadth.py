"""How varied a corpus's wording is: the most repeated openings and phrases.

Hand-written corpora drift into stock phrases; these counts show where.
"""

import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"\w+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("ё", "е"))


def openings(texts: Sequence[str], size: int = 3) -> Counter:
    """How many texts start with each run of `size` words (texts shorter than that are skipped)."""
    return Counter(" ".join(tokens[:size]) for tokens in map(_tokens, texts) if len(tokens) >= size)


def phrases(texts: Sequence[str], size: int = 5) -> Counter:
    """In how many texts each run of `size` words occurs (counted once per text)."""
    counts: Counter = Counter()
    for tokens in map(_tokens, texts):
        counts.update({" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)})
    return counts
