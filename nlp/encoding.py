"""Texts to padded id arrays, with the documented truncation policy.

Truncation (head + tail): a text longer than the model's limit keeps its first quarter of
the token budget and its last three quarters — customers state the problem early and put
their threats and demands at the end (after Sun et al., 2019, «How to Fine-Tune BERT for Text
Classification»). Such a text is flagged `truncated`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HEAD_SHARE = 0.25


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    truncated: bool


def head_and_tail(ids: list[int], limit: int) -> Encoded:
    if len(ids) <= limit:
        return Encoded(ids, False)
    head = int(limit * HEAD_SHARE)
    return Encoded(ids[:head] + ids[len(ids) - (limit - head) :], True)


def encode(tokenizer, texts: Sequence[str], limit: int) -> list[Encoded]:
    """Token ids of every text (special tokens included), cut to `limit` by head + tail."""
    if not texts:
        return []
    batch = tokenizer(list(texts), truncation=False, verbose=False)["input_ids"]
    return [head_and_tail(ids or [tokenizer.unk_token_id], limit) for ids in batch]


def pad(encoded: Sequence[Encoded], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) as int64 arrays, right-padded to the longest."""
    width = max(len(item.ids) for item in encoded)
    ids = np.full((len(encoded), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(encoded), width), dtype=np.int64)
    for row, item in enumerate(encoded):
        ids[row, : len(item.ids)] = item.ids
        mask[row, : len(item.ids)] = 1
    return ids, mask
