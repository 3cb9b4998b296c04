"""Texts to padded id arrays, with the documented truncation policy.

Truncation (head + tail): a text longer than the model's limit keeps its first quarter of
the token budget and its last three quarters — customers state the problem early and put
their threats and demands at the end (after Sun et al., 2019, «How to Fine-Tune BERT for Text
Classification»). Such a text is flagged `truncated`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

HEAD_SHARE = 0.25


Offset = tuple[int, int]


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    truncated: bool
    offsets: list[Offset] | None = None
    """Character span of every kept token ((0, 0) for special tokens); None from a slow tokenizer."""


def head_and_tail(ids: list[int], limit: int, offsets: list[Offset] | None = None) -> Encoded:
    if len(ids) <= limit:
        return Encoded(ids, False, offsets)
    head = int(limit * HEAD_SHARE)
    tail = len(ids) - (limit - head)
    kept_offsets = offsets[:head] + offsets[tail:] if offsets is not None else None
    return Encoded(ids[:head] + ids[tail:], True, kept_offsets)


def encode(tokenizer: "PreTrainedTokenizerBase", texts: Sequence[str], limit: int) -> list[Encoded]:
    """Token ids of every text (special tokens included), cut to `limit` by head + tail, with
    each token's character offsets when the tokenizer is a fast one."""
    if not texts:
        return []
    fast = bool(getattr(tokenizer, "is_fast", False))
    batch = tokenizer(list(texts), truncation=False, verbose=False, return_offsets_mapping=fast)
    spans = batch["offset_mapping"] if fast else [None] * len(texts)
    return [
        head_and_tail(ids, limit, offsets) if ids else Encoded([tokenizer.unk_token_id], False, [(0, 0)])
        for ids, offsets in zip(batch["input_ids"], spans, strict=True)
    ]


def pad(encoded: Sequence[Encoded], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) as int64 arrays, right-padded to the longest."""
    width = max(len(item.ids) for item in encoded)
    ids = np.full((len(encoded), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(encoded), width), dtype=np.int64)
    for row, item in enumerate(encoded):
        ids[row, : len(item.ids)] = item.ids
        mask[row, : len(item.ids)] = 1
    return ids, mask
