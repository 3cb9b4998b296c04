"""A fresh TriageModel and its tokenizer: the navec encoder, or any HF checkpoint (e5 bases too)."""

from collections.abc import Sequence
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer, BertConfig, PreTrainedTokenizerBase

from nlp.config import TriageConfig
from nlp.model import TriageModel
from nlp.taxonomy import Taxonomy, default_taxonomy
from training.tokenizer import build_tokenizer
from training.vocabulary import Vocabulary, build_vocabulary, project


def default_encoder_config(vocab_size: int, hidden_size: int, max_tokens: int) -> BertConfig:
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=hidden_size,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=4 * hidden_size,
        max_position_embeddings=max_tokens,
        type_vocab_size=1,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        pad_token_id=0,
    )


def triage_config(encoder: dict, max_tokens: int, pooling: str, taxonomy: Taxonomy | None) -> TriageConfig:
    """A fresh model's config: the encoder and the run's label set (the default when None)."""
    taxonomy = taxonomy or default_taxonomy()
    return TriageConfig(
        encoder=encoder, complaint_labels=taxonomy.names, label_info=taxonomy.label_info(),
        max_tokens=max_tokens, pooling=pooling,
    )  # fmt: skip


def navec_model(
    texts: Sequence[str],
    max_tokens: int,
    seed: int,
    hidden_size: int,
    pooling: str = "attention",
    taxonomy: Taxonomy | None = None,
) -> tuple[TriageModel, PreTrainedTokenizerBase, Vocabulary]:
    """The navec encoder: navec word vectors projected (PCA) to `hidden_size` (128 by default: a
    multiple of the head count, and about a sixth of the cost per layer of navec's 300) and two
    transformer layers on top; the embeddings are fine-tuned with the rest."""
    vocabulary = build_vocabulary(texts, seed=seed)
    tokenizer = build_tokenizer(vocabulary.words, max_tokens=max_tokens)
    vectors = project(vocabulary.vectors, hidden_size)
    encoder = default_encoder_config(len(vocabulary.words), vectors.shape[1], max_tokens)
    model = TriageModel(triage_config(encoder.to_dict(), max_tokens, pooling, taxonomy))
    embeddings = model.encoder.get_input_embeddings()
    with torch.no_grad():
        embeddings.weight.copy_(torch.from_numpy(vectors))
    embeddings.sparse = True  # sparse gradients: only the rows of a batch's words are updated
    return model, tokenizer, vocabulary


def checkpoint_model(
    base_model: str | Path, max_tokens: int, pooling: str = "attention", taxonomy: Taxonomy | None = None
) -> tuple[TriageModel, PreTrainedTokenizerBase]:
    """Any Hugging Face encoder checkpoint (a local directory, or a hub id where a hub is reachable)."""
    tokenizer = AutoTokenizer.from_pretrained(str(base_model))
    encoder = AutoModel.from_pretrained(str(base_model), dtype=torch.float32)
    limit = min(max_tokens, getattr(encoder.config, "max_position_embeddings", max_tokens))
    settings = encoder.config.to_dict() | {"dtype": "float32"}  # trained in float32 whatever was stored
    model = TriageModel(triage_config(settings, limit, pooling, taxonomy))
    model.encoder.load_state_dict(encoder.state_dict())
    tokenizer.model_max_length = limit
    return model, tokenizer
