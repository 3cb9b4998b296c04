"""Evidence from the forward pass itself: what taking a phrase out of the pool does to a label.

The model's heads are linear in pooled vectors that are weighted sums of the tokens, so a logit
minus its bias is exactly the sum of the tokens' terms, pooling weight a × projection p
(`TriageModel.token_scores`). Taking the tokens of a phrase S out of the pool, with the other
tokens' states kept, renormalises it and moves the logit by

    drop(S) = (Σ_S a·p − A_S · L) / (1 − A_S),   A_S = Σ_S a,  L = Σ_all a·p,

so a word counts by how far it stands above the message's average token, not by its raw term
(for mean pooling: (Σ_S (p − L)) / (n − |S|)). It is occlusion at the pool, with the encoder's
context frozen, and costs no extra forward rows. Each word (the words of one entity as one unit)
with a positive drop seeds a phrase, grown by a neighbour in its clause whose own drop is at
least `GROW` of the seed's, up to `MAX_WORDS` words; phrases are then chosen by the rule of
occlusion evidence (`nlp.evidence.select`), in the calibrated log-odds of the target. A phrase's
`weight` is the drop of the target's probability.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.encoding import Offset
from nlp.evidence import MAX_WORDS, WORD, Phrase, Unit, log_odds, select, units
from nlp.prediction import Evidence

NO_LIMIT = 10**9
GROW = 0.5
"""A neighbour joins a phrase when it carries at least this share of the phrase's first word."""
MIN_REST = 1e-3
"""A phrase holding (nearly) all the pool's weight: its drop is its terms (the logit falls to the bias)."""


def attributed_evidence(
    text: str,
    offsets: Sequence[Offset],
    token_scores: np.ndarray,
    bases: dict[str, float],
    columns: dict[str, int],
    temperatures: dict[str, float],
    atoms: Sequence[tuple[int, int]] = (),
) -> dict[str, list[Evidence]]:
    """Evidence for each target in `bases` (target → its calibrated probability).

    `token_scores`: (tokens, targets, 2) term and pooling weight; `columns`: target → its column;
    `temperatures`: target → the temperature its probability was calibrated with.
    """
    words = units(text, limit=NO_LIMIT, atoms=atoms)
    owner = _token_owners(offsets, words)
    owned = owner >= 0
    found = {}
    for target, base in bases.items():
        terms, weights = token_scores[:, columns[target], 0], token_scores[:, columns[target], 1]
        pool = Pool(
            np.bincount(owner[owned], terms[owned], minlength=len(words)),
            np.bincount(owner[owned], weights[owned], minlength=len(words)),
            float(terms.sum()),
            temperatures[target],
        )
        found[target] = [
            Evidence(text=text[p.start : p.end], start=p.start, end=p.end, weight=round(p.drop, 4))
            for p in select(_phrases(text, words, pool, base))
        ]
    return found


@dataclass(frozen=True)
class Pool:
    """One target's pool over the words of a message: per word its summed terms and weights, the
    pooled logit minus bias (all tokens), and the target's temperature."""

    terms: np.ndarray
    weights: np.ndarray
    total: float
    temperature: float

    def word_strengths(self) -> np.ndarray:
        """`strength` of every word alone, at once."""
        rest = 1.0 - self.weights
        safe = np.where(rest > MIN_REST, rest, 1.0)
        drops = np.where(rest > MIN_REST, (self.terms - self.weights * self.total) / safe, self.terms)
        return drops / self.temperature

    def strength(self, first: int, last: int) -> float:
        """The drop of the target's calibrated log-odds without words first..last."""
        term = float(self.terms[first : last + 1].sum())
        weight = float(self.weights[first : last + 1].sum())
        rest = 1.0 - weight
        drop = (term - weight * self.total) / rest if rest > MIN_REST else term
        return drop / self.temperature


def _token_owners(offsets: Sequence[Offset], words: list[Unit]) -> np.ndarray:
    """Per token, the index of the word unit its first character falls in; -1 for special tokens,
    punctuation and spaces."""
    starts = np.array([word.start for word in words], dtype=np.int64)
    ends = np.array([word.end for word in words], dtype=np.int64)
    owner = np.full(len(offsets), -1, dtype=np.int64)
    for index, (start, end) in enumerate(offsets):
        if end <= start or not len(words):
            continue
        unit = int(np.searchsorted(starts, start, side="right")) - 1
        if unit < 0 or start >= ends[unit]:  # a token starting between words: the next word owns it
            unit += 1
            if unit >= len(words) or starts[unit] >= end:
                continue
        owner[index] = unit
    return owner


def _phrases(text: str, words: list[Unit], pool: Pool, base: float) -> list[Phrase]:
    """One phrase per word that raises the target, grown by strong neighbours (`GROW`)."""
    alone = pool.word_strengths()
    base_odds = float(log_odds(np.float64(base)))
    phrases = {}
    for seed in np.flatnonzero(alone > 0):
        first, last = _grown(words, alone, int(seed))
        start, end = words[first].start, words[last].end
        strength = pool.strength(first, last)
        drop = base - 1.0 / (1.0 + np.exp(-(base_odds - strength)))
        phrases[start, end] = Phrase(start, end, len(WORD.findall(text, start, end)), strength, float(drop))
    return list(phrases.values())


def _grown(words: list[Unit], alone: np.ndarray, seed: int) -> tuple[int, int]:
    first = last = seed
    count, floor = words[seed].words, GROW * alone[seed]
    while True:
        sides = [
            index
            for index in (first - 1, last + 1)
            if 0 <= index < len(words)
            and words[index].clause == words[seed].clause
            and alone[index] >= floor
            and count + words[index].words <= MAX_WORDS
        ]
        if not sides:
            return first, last
        best = max(sides, key=lambda index: alone[index])
        count += words[best].words
        first, last = min(first, best), max(last, best)
