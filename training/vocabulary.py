"""The navec encoder's vocabulary and its pretrained word vectors (navec, in the natasha wheel).

Which words get a row: every word of the training texts that navec knows, directly, with its
«ё» restored, or through its pymorphy3 lemma (a form navec lacks borrows its lemma's
vector); other training words seen at least `min_count` times get a random row; every other
form of the training words' lemmas that navec knows («курьер» brings «курьера»,
«курьером»…); and the most frequent Russian words (wordfreq) that navec knows, so words never
seen in training («помятые», «отклеились») still map to sensible vectors. Anything else is
`[UNK]` at inference.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from training.tokenizer import SPECIAL_TOKENS, normalized_words

NAVEC_FILE = "data/emb/navec_news_v1_1B_250K_300d_100q.tar"


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]
    vectors: np.ndarray
    """One row per word, special tokens first."""
    pretrained: np.ndarray
    """True where the row came from navec. These rows are trained too (the navec recipe does not
    freeze embeddings); a row moves only when its word occurs in training (sparse updates,
    `training.loop.Optimizers`), so words never seen keep navec's vector."""


def navec_path() -> Path:
    import natasha

    return Path(natasha.__file__).parent / NAVEC_FILE


@cache
def load_navec():
    from navec import Navec

    return Navec.load(str(navec_path()))


@cache
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def navec_vectors(words: list[str]) -> np.ndarray:
    """Dense float32 rows for words navec knows (decoded from its product quantisation)."""
    navec = load_navec()
    ids = np.array([navec.vocab[word] for word in words], dtype=np.int64)
    pq = navec.pq
    return pq.codes[pq.qdims, pq.indexes[ids]].reshape(len(words), -1).astype(np.float32)


def navec_key(word: str) -> str | None:
    """The navec entry that stands for `word`: itself, its «ё» spelling, or its lemma."""
    navec = load_navec()
    if word in navec:
        return word
    parse = morph().parse(word)[0]
    for candidate in (parse.word, parse.normal_form, parse.normal_form.replace("ё", "е")):
        if candidate in navec:
            return candidate
    return None


def lexeme_forms(word: str) -> set[str]:
    """All forms of the word's most likely lemma, «ё» folded, that navec knows."""
    navec = load_navec()
    forms = {form.word.replace("ё", "е") for form in morph().parse(word)[0].lexeme}
    return {form for form in forms if form in navec}


def count_words(texts: Iterable[str]) -> Counter:
    return Counter(word for text in texts for word in normalized_words(text))


def frequent_words(count: int) -> list[str]:
    """The `count` most frequent Russian words (wordfreq), «ё» folded, that navec knows."""
    from wordfreq import top_n_list

    navec = load_navec()
    words = dict.fromkeys(word.replace("ё", "е") for word in top_n_list("ru", count))
    return [word for word in words if word in navec]


def build_vocabulary(
    texts: Iterable[str], min_count: int = 2, frequent: int = 50_000, max_words: int = 120_000, seed: int = 0
) -> Vocabulary:
    counts = count_words(texts)
    keys = {word: navec_key(word) for word in counts if word.isalpha() or "-" in word}
    known = [word for word, _ in counts.most_common() if keys.get(word)]
    trainable = [w for w, n in counts.most_common() if not keys.get(w) and n >= min_count]
    expansions = {form for word in known for form in lexeme_forms(word)} | set(frequent_words(frequent))
    expansions -= set(known)
    words = [*known, *trainable, *sorted(expansions)][: max_words - len(SPECIAL_TOKENS)]
    sources = [keys.get(word) or (word if word in expansions else None) for word in words]
    return _assemble(words, sources, seed)


def _assemble(words: list[str], sources: list[str | None], seed: int) -> Vocabulary:
    pretrained = np.array([False] * len(SPECIAL_TOKENS) + [source is not None for source in sources])
    found = [source for source in sources if source is not None]
    known_rows = navec_vectors(found)
    scale = float(known_rows.std()) if len(found) else 0.1
    vectors = np.random.default_rng(seed).normal(0.0, scale, (len(pretrained), known_rows.shape[1] or 300))
    vectors[len(SPECIAL_TOKENS) :][pretrained[len(SPECIAL_TOKENS) :]] = known_rows
    vectors[0] = 0.0  # padding
    return Vocabulary([*SPECIAL_TOKENS, *words], vectors.astype(np.float32), pretrained)


def project(vectors: np.ndarray, dim: int) -> np.ndarray:
    """The vectors on their first `dim` principal axes (PCA via SVD), scaled like the input."""
    if dim >= vectors.shape[1]:
        return vectors
    centred = vectors - vectors.mean(axis=0)
    _, _, axes = np.linalg.svd(centred[1:], full_matrices=False)  # row 0 is padding
    projected = centred @ axes[:dim].T
    projected *= vectors.std() / max(float(projected.std()), 1e-8)
    projected[0] = 0.0
    return projected.astype(np.float32)
