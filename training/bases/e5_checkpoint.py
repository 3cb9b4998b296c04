"""An e5 weights file as a Hugging Face `BertModel`: dequantised, optionally layer- and
vocabulary-pruned.

e5-small is post-LN BERT with positions counted from 0 at `<s>` (hence `BertModel`, not
`XLMRobertaModel`, whose positions start after the padding index), exact GELU, eps 1e-12 and
no pooler weights.
"""

from collections.abc import Sequence

import numpy as np
import torch
from transformers import BertConfig, BertModel

from training.bases.e5_file import E5File

LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def e5_config(source: E5File, layers: int, vocab_size: int) -> BertConfig:
    head = source.header
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=head.hidden,
        num_hidden_layers=layers,
        num_attention_heads=head.heads,
        intermediate_size=head.ffn,
        max_position_embeddings=head.max_positions,
        type_vocab_size=head.type_vocab,
        layer_norm_eps=head.eps,
        hidden_act="gelu",
        pad_token_id=source.special["pad"],
    )


def e5_state_dict(source: E5File, layers: int, keep: Sequence[int]) -> dict[str, torch.Tensor]:
    """BertModel weights from the first `layers` layers, word embeddings of the `keep` rows."""
    head = source.header
    words = source.tensor("emb.word", (head.vocab, head.hidden))[np.asarray(keep)]
    state = {
        "embeddings.word_embeddings.weight": words,
        "embeddings.position_embeddings.weight": source.tensor("emb.pos", (head.max_positions, head.hidden)),
        "embeddings.token_type_embeddings.weight": source.tensor("emb.type", (head.type_vocab, head.hidden)),
        "embeddings.LayerNorm.weight": source.tensor("emb.ln.w", (head.hidden,)),
        "embeddings.LayerNorm.bias": source.tensor("emb.ln.b", (head.hidden,)),
    }
    for layer in range(layers):
        state |= _layer_state(source, layer)
    return {name: torch.from_numpy(np.array(value, dtype=np.float32)) for name, value in state.items()}


def _layer_state(source: E5File, layer: int) -> dict[str, np.ndarray]:
    hidden, ffn = source.header.hidden, source.header.ffn
    shapes = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden), "ao": (hidden, hidden)}
    shapes |= {"fi": (ffn, hidden), "fo": (hidden, ffn)}
    prefix, state = f"encoder.layer.{layer}.", {}
    for short, name in LAYER_TENSORS.items():
        rows = shapes[short][0]
        state[f"{prefix}{name}.weight"] = source.tensor(f"l{layer}.{short}.w", shapes[short])
        state[f"{prefix}{name}.bias"] = source.tensor(f"l{layer}.{short}.b", (rows,))
    for short, name in LAYER_NORMS.items():
        state[f"{prefix}{name}.weight"] = source.tensor(f"l{layer}.{short}.w", (hidden,))
        state[f"{prefix}{name}.bias"] = source.tensor(f"l{layer}.{short}.b", (hidden,))
    return state


def e5_model(source: E5File, layers: int, keep: Sequence[int]) -> BertModel:
    if not 1 <= layers <= source.header.layers:
        raise ValueError(f"layers must be 1 to {source.header.layers}, got {layers}")
    model = BertModel(e5_config(source, layers, len(keep)), add_pooling_layer=False)
    model.load_state_dict(e5_state_dict(source, layers, keep), strict=True)
    return model.eval()
