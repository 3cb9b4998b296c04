"""Exact and near-duplicate detection by word-shingle Jaccard similarity.

Candidates come from MinHash LSH (datasketch); every candidate pair is then confirmed with
the exact Jaccard similarity, so the answer has no false positives.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

NEAR_DUPLICATE_JACCARD = 0.8
SHINGLE_SIZE = 2
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class DuplicatePair:
    first: int
    second: int
    jaccard: float


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """Word n-grams of a case- and ё-folded text; a shorter text is one shingle."""
    tokens = _WORD.findall(text.lower().replace("ё", "е"))
    if len(tokens) <= size:
        return frozenset({" ".join(tokens)})
    return frozenset(" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicates(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD, num_perm: int = 128
) -> list[DuplicatePair]:
    """All pairs (i < j) of texts whose shingle Jaccard similarity is ≥ threshold."""
    from datasketch import MinHash, MinHashLSH

    sets = [shingles(text) for text in texts]
    lsh = MinHashLSH(threshold=threshold * 0.8, num_perm=num_perm)
    pairs: list[DuplicatePair] = []
    for index, shingle_set in enumerate(sets):
        signature = MinHash(num_perm=num_perm, seed=1)
        signature.update_batch(s.encode("utf-8") for s in shingle_set)
        for other in lsh.query(signature):
            score = jaccard(sets[other], shingle_set)
            if score >= threshold:
                pairs.append(DuplicatePair(other, index, score))
        lsh.insert(index, signature)
    return sorted(pairs, key=lambda pair: (pair.first, pair.second))


def duplicate_indices(texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD) -> set[int]:
    """Indices to drop so that no near-duplicate pair remains (the earlier text is kept)."""
    drop: set[int] = set()
    for pair in near_duplicates(texts, threshold):
        if pair.first not in drop:
            drop.add(pair.second)
    return drop
