"""Character n-gram sharing for the word embeddings while training (fastText-style).

A word's input vector is its own row plus the mean of its character 3–5-gram rows, so what
the model learns from «доставили» also moves «доставят» and «доставку», forms it may never
see in training. After training the sum is folded into one plain embedding matrix: the
saved model is an ordinary BERT encoder, with no n-gram table at inference.

Only n-grams of the training words get a row (others would never be trained).
"""

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import torch
from torch import nn

NGRAM_SIZES = (3, 4, 5)
MAX_NGRAMS = 24
"""N-grams kept per word (the longest words' extra n-grams are dropped)."""
NO_NGRAM = 0
"""The padding bucket: an empty slot, left out of the mean."""


def ngrams(word: str) -> list[str]:
    marked = f"<{word}>"
    return [marked[i : i + n] for n in NGRAM_SIZES for i in range(len(marked) - n + 1)][:MAX_NGRAMS]


def ngram_table(
    vocabulary: Sequence[str], training_words: Iterable[str], special: int, min_words: int = 2
) -> np.ndarray:
    """(vocabulary, MAX_NGRAMS) bucket ids; n-grams shared by ≥ `min_words` training words.

    The first `special` rows (padding, unknown) and non-words get no n-grams.
    """
    shared = Counter(gram for word in set(training_words) if word.isalpha() for gram in set(ngrams(word)))
    kept = sorted(gram for gram, words in shared.items() if words >= min_words)
    buckets = {gram: index for index, gram in enumerate(kept, 1)}
    table = np.full((len(vocabulary), MAX_NGRAMS), NO_NGRAM, dtype=np.int64)
    for row, word in enumerate(vocabulary):
        if row < special or not word.isalpha():
            continue
        ids = [buckets[gram] for gram in ngrams(word) if gram in buckets]
        table[row, : len(ids)] = ids
    return table


class SubwordEmbedding(nn.Module):
    """Word rows plus the mean of their n-gram rows; both tables update sparsely."""

    def __init__(self, words: nn.Embedding, table: np.ndarray) -> None:
        super().__init__()
        self.words = words
        self.register_buffer("table", torch.from_numpy(table), persistent=False)
        buckets = int(table.max()) + 1
        self.ngrams = nn.EmbeddingBag(
            buckets, words.embedding_dim, mode="mean", sparse=True, padding_idx=NO_NGRAM
        )
        nn.init.zeros_(self.ngrams.weight)  # starts exactly at the pretrained word vectors

    @property
    def weight(self) -> torch.Tensor:
        return self.words.weight

    @property
    def embedding_dim(self) -> int:
        return self.words.embedding_dim

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        grams = self.ngrams(self.table[ids.reshape(-1)]).reshape(*ids.shape, -1)
        return self.words(ids) + grams

    @torch.no_grad()
    def folded(self, chunk: int = 8192) -> nn.Embedding:
        """One plain embedding whose rows equal what this module gives each word."""
        vocabulary = self.words.num_embeddings
        plain = nn.Embedding(vocabulary, self.embedding_dim, padding_idx=self.words.padding_idx)
        for start in range(0, vocabulary, chunk):
            ids = torch.arange(start, min(start + chunk, vocabulary))
            plain.weight[start : start + len(ids)] = self.forward(ids)
        return plain


def attach(encoder: nn.Module, table: np.ndarray) -> SubwordEmbedding:
    module = SubwordEmbedding(encoder.get_input_embeddings(), table)
    encoder.set_input_embeddings(module)
    return module


def fold(encoder: nn.Module) -> None:
    """Replace a SubwordEmbedding by its folded plain embedding (no-op otherwise)."""
    module = encoder.get_input_embeddings()
    if isinstance(module, SubwordEmbedding):
        encoder.set_input_embeddings(module.folded())
