"""Evidence for a prediction: the shortest phrases whose removal lowers a label's score most.

Phrase-level occlusion, computed from the model itself. Two batched passes over all texts:

1. every word (or, in texts of more than `MAX_UNITS` words, every run of consecutive words
   within a clause — across clause breaks when the clauses alone are more than `MAX_UNITS`)
   is removed in turn, and the drop of every target score is measured at once;
2. per target, the runs of 2–4 words inside one clause whose words dropped most together
   (`SPANS_PER_LENGTH` per length, `MAX_SPANS` in all) are removed as a whole and measured.

A target is a complaint label (score: its calibrated probability) or «urgency» (score: the
probability of «high»). A phrase's strength is the drop of the target's log-odds without it:
on a saturated score (0.999 → 0.99) a probability drop is invisible, a log-odds drop is not.
From the measured phrases, up to `LIMIT` are kept: the shortest one reaching `KEEP` of the
strongest, then the same among the phrases not overlapping it, as long as a phrase keeps at
least `FLOOR` of the first one's strength and `MIN_STRENGTH` absolute. An evidence's `weight`
is the drop of the probability itself. Words inside one entity («1 500 ₽») move together.
Cost per text: at most `MAX_VARIANTS` forward rows, whatever its length or punctuation («Да. Нет.»
× 1,100 is 64 units, not 2,200), and no more time than `SECONDS_PER_TEXT` allows: variants are
scored in chunks, and those left when the budget is spent count as no drop (less evidence, never
an error).
"""

import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, zip_longest
from typing import overload

import numpy as np

from nlp.prediction import Evidence

WORD = re.compile(r"\w+(?:[-'’]\w+)*")
CLAUSE_BREAK = re.compile(r"[.,!?;:()\[\]«»\"“”„—–…\n]")
URGENCY = "urgency"

MAX_UNITS = 64
MAX_WORDS = 4
SPANS_PER_LENGTH = 2
MAX_SPANS = 16
MAX_VARIANTS = MAX_UNITS + MAX_SPANS
SECONDS_PER_TEXT = 2.0
"""The time budget of a call: this much per text, spent on scoring chunks of `CHUNK` variants."""
CHUNK = 64
LIMIT = 3
KEEP = 0.8
FLOOR = 0.5
MIN_STRENGTH = 0.2
"""Log-odds; 0.2 is a probability of 0.50 falling to 0.45."""

Scorer = Callable[[list[str]], np.ndarray]
"""Texts → target scores, one row per text, one column per target name."""


@dataclass(frozen=True)
class Unit:
    """A run of words removed together: character span, word count, clause number."""

    start: int
    end: int
    words: int
    clause: int


@dataclass(frozen=True)
class Phrase:
    start: int
    end: int
    words: int
    strength: float
    drop: float = 0.0

    def overlaps(self, other: "Phrase") -> bool:
        return self.start < other.end and other.start < self.end


def units(text: str, limit: int = MAX_UNITS, atoms: Sequence[tuple[int, int]] = ()) -> list[Unit]:
    """Words with their clause numbers, words of one atom (an entity) as one unit; where there are
    over `limit`, runs of consecutive words within clauses, or across them if still over `limit`."""
    words = _words(text, atoms)
    size = math.ceil(len(words) / limit) if words else 1
    if size == 1:
        return words
    grouped = _grouped(words, size, within_clauses=True)
    return grouped if len(grouped) <= limit else _grouped(words, size, within_clauses=False)


def _words(text: str, atoms: Sequence[tuple[int, int]]) -> list[Unit]:
    words: list[Unit] = []
    clause, previous_end = 0, 0
    for found in WORD.finditer(text):
        atom = next((a for a in atoms if a[0] <= found.start() < a[1]), None)
        if atom and words and words[-1].end > atom[0]:  # the atom's unit has started: extend it
            words[-1] = Unit(
                words[-1].start, max(found.end(), atom[1]), words[-1].words + 1, words[-1].clause
            )
            previous_end = found.end()
            continue
        clause += bool(CLAUSE_BREAK.search(text, previous_end, found.start()))
        start, end = (min(atom[0], found.start()), max(atom[1], found.end())) if atom else found.span()
        words.append(Unit(start, end, 1, clause))
        previous_end = found.end()
    return words


def _grouped(words: list[Unit], size: int, within_clauses: bool) -> list[Unit]:
    """Consecutive units merged until a run holds `size` words: at most ⌈words / size⌉ runs when
    clause breaks are crossed."""
    grouped: list[Unit] = []
    for word in words:
        last = grouped[-1] if grouped else None
        if last and last.words < size and (last.clause == word.clause or not within_clauses):
            grouped[-1] = Unit(last.start, word.end, last.words + word.words, word.clause)
        else:
            grouped.append(word)
    return grouped


def without(text: str, start: int, end: int) -> str:
    return text[:start] + " " + text[end:]


def explain(
    texts: Sequence[str],
    targets: Sequence[Sequence[str]],
    names: Sequence[str],
    score: Scorer,
    atoms: Sequence[Sequence[tuple[int, int]]] | None = None,
    seconds_per_text: float = SECONDS_PER_TEXT,
) -> list[dict[str, list[Evidence]]]:
    """Evidence per text for each of its targets; `score` sees the original texts and their variants.
    `atoms`: per text, character spans never cut apart (its entities)."""
    deadline = time.monotonic() + seconds_per_text * len(texts)
    columns = {name: index for index, name in enumerate(names)}
    atoms = atoms if atoms is not None else [()] * len(texts)
    pieces = [units(text, atoms=text_atoms) for text, text_atoms in zip(texts, atoms, strict=True)]
    first = _score_all(
        score,
        [
            [text, *(without(text, u.start, u.end) for u in us)]
            for text, us in zip(texts, pieces, strict=True)
        ],
        deadline,
    )
    base = [rows[0] for rows in first]
    word_drops = [log_odds(rows[0]) - log_odds(rows[1:]) for rows in first]
    tried = [
        _spans_to_try(us, drops, [columns[target] for target in wanted])
        for us, drops, wanted in zip(pieces, word_drops, targets, strict=True)
    ]
    second = _score_all(
        score,
        [[without(text, *span) for span in spans] for text, spans in zip(texts, tried, strict=True)],
        deadline,
    )
    results = []
    for i, text in enumerate(texts):
        spans = [(u.start, u.end) for u in pieces[i]] + tried[i]
        variants = np.concatenate([first[i][1:], second[i]]) if tried[i] else first[i][1:]
        results.append({
            target: _evidence(text, spans, base[i][columns[target]], variants[:, columns[target]])
            for target in targets[i]
        })  # fmt: skip
    return results


@overload
def log_odds(probabilities: np.floating) -> np.floating: ...
@overload
def log_odds(probabilities: np.ndarray) -> np.ndarray: ...
def log_odds(probabilities: np.ndarray | np.floating) -> np.ndarray | np.floating:
    """log(p / (1 - p)) of one probability or of each, clipped away from 0 and 1."""
    clipped = np.clip(probabilities, 1e-6, 1 - 1e-6)
    return np.log(clipped) - np.log1p(-clipped)


def _score_all(score: Scorer, groups: list[list[str]], deadline: float) -> list[np.ndarray]:
    """The variants of all texts scored in chunks of `CHUNK`, split back per text; the rows left
    once `deadline` (time.monotonic) has passed are NaN, which counts as no drop."""
    flat = [text for group in groups for text in group]
    if not flat:
        return [np.zeros((0, 0)) for _ in groups]
    parts = [score(flat[:CHUNK])]
    for start in range(CHUNK, len(flat), CHUNK):
        if time.monotonic() > deadline:
            break
        parts.append(score(flat[start : start + CHUNK]))
    matrix = np.concatenate(parts)
    matrix = np.concatenate([matrix, np.full((len(flat) - len(matrix), matrix.shape[1]), np.nan)])
    bounds = np.cumsum([0, *(len(group) for group in groups)])
    return [matrix[bounds[i] : bounds[i + 1]] for i in range(len(groups))]


def _spans_to_try(text_units: list[Unit], drops: np.ndarray, columns: list[int]) -> list[tuple[int, int]]:
    """The multi-word runs whose words dropped most in sum (pass 2 candidates): per target column
    and length the best `SPANS_PER_LENGTH`, taken in turn across targets up to `MAX_SPANS`."""
    per_target = [_best_runs(text_units, np.nan_to_num(drops[:, column])) for column in columns]
    chosen = dict.fromkeys(span for span in chain(*zip_longest(*per_target)) if span is not None)
    return list(chosen)[:MAX_SPANS]


def _best_runs(text_units: list[Unit], drops: np.ndarray) -> list[tuple[int, int]]:
    gains, best = np.clip(drops, 0, None), []
    for length in range(2, MAX_WORDS + 1):
        runs = []
        for first in range(len(text_units) - length + 1):
            run = text_units[first : first + length]
            if run[0].clause == run[-1].clause and sum(u.words for u in run) <= MAX_WORDS:
                runs.append((float(gains[first : first + length].sum()), run[0].start, run[-1].end))
        best += [
            (start, end) for gain, start, end in sorted(runs, reverse=True)[:SPANS_PER_LENGTH] if gain > 0
        ]
    return best


def _evidence(text: str, spans: list[tuple[int, int]], base: float, variants: np.ndarray) -> list[Evidence]:
    strengths = log_odds(np.float64(base)) - log_odds(variants)
    phrases = [
        Phrase(start, end, len(WORD.findall(text, start, end)), float(strength), float(base - variant))
        for (start, end), strength, variant in zip(spans, strengths, variants, strict=True)
    ]
    return [
        Evidence(text=text[p.start : p.end], start=p.start, end=p.end, weight=round(p.drop, 4))
        for p in select(phrases)
    ]


def select(phrases: list[Phrase]) -> list[Phrase]:
    """Up to `LIMIT` non-overlapping phrases, strongest first: each the shortest within `KEEP` of
    the strongest left."""
    remaining = [p for p in phrases if p.strength >= MIN_STRENGTH]
    chosen: list[Phrase] = []
    while remaining and len(chosen) < LIMIT:
        top = max(p.strength for p in remaining)
        if chosen and top < FLOOR * chosen[0].strength:
            break
        pick = min((p for p in remaining if p.strength >= KEEP * top), key=lambda p: (p.words, -p.strength))
        chosen.append(pick)
        remaining = [p for p in remaining if not p.overlaps(pick)]
    return chosen
