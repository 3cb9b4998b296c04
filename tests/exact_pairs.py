"""An exact all-pairs near-duplicate search, independent of the MinHash one it checks."""

import math
from collections import Counter, defaultdict

from training.data.dedup import jaccard, shingles


def exact_near_duplicate_pairs(texts: list[str], threshold: float) -> list[tuple[int, int]]:
    """Exact all-pairs search with prefix filtering (independent of the MinHash dedup)."""
    sets = [shingles(text) for text in texts]
    frequency = Counter(s for shingle_set in sets for s in shingle_set)
    index: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for current, shingle_set in enumerate(sets):
        ordered = sorted(shingle_set, key=lambda s: (frequency[s], s))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        candidates = {other for s in prefix for other in index[s]}
        pairs += [(o, current) for o in candidates if jaccard(sets[o], shingle_set) >= threshold]
        for s in prefix:
            index[s].append(current)
    return pairs
