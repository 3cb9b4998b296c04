"""Running a slow extractor only around the places a cheap pattern says it could match.

natasha's yargy extractors take milliseconds per message; most messages mention no date or
sum at all, and where they do the match sits next to a month name or a currency sign. A
window of a few words around each trigger, snapped to whitespace, keeps the offsets exact.
"""

import re
from collections.abc import Iterator


def windows(
    text: str,
    trigger: re.Pattern,
    before: int,
    after: int,
    lead: re.Pattern | None = None,
    trail: re.Pattern | None = None,
) -> Iterator[tuple[int, int]]:
    """Merged (start, end) spans from `before` characters ahead of each trigger match to `after`
    characters past it, widened to whitespace. With `lead` (a pattern ending in «$»), a span
    starts where `lead` matches in those characters, right up to the trigger (e.g. a sum before
    its currency), or at the trigger when it does not match; with `trail`, it ends where `trail`
    matching right after the trigger ends (e.g. «коп.» after «руб.»)."""
    spans: list[list[int]] = []
    for found in trigger.finditer(text):
        start = _snap_left(text, found.start() - before)
        if lead is not None:
            ahead = lead.search(text, start, found.start())
            start = ahead.start() if ahead else found.start()
        end = _snap_right(text, found.end() + after) if trail is None else _trail_end(text, trail, found)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    for start, end in spans:
        yield start, end


def _trail_end(text: str, trail: re.Pattern, trigger: re.Match) -> int:
    """Where `trail`, matched right after the trigger, ends."""
    found = trail.match(text, trigger.end())
    assert found is not None, "a trail pattern matches the empty string too"
    return found.end()


def _snap_left(text: str, position: int) -> int:
    if position <= 0:
        return 0
    return max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1


def _snap_right(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    ends = [found for found in (text.find(" ", position), text.find("\n", position)) if found >= 0]
    return min(ends, default=len(text))
