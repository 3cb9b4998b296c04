"""Character n-gram sharing while training, and its folding into a plain embedding."""

import numpy as np
import pytest
import torch
from torch import nn

from training.subwords import NO_NGRAM, SubwordEmbedding, attach, fold, ngram_table, ngrams

VOCABULARY = ["[PAD]", "[UNK]", "доставили", "доставят", "курьер", "!", "0000"]
TRAINING_WORDS = ["доставили", "доставят", "доставка", "курьер", "курьеру"]


def test_ngrams_mark_word_boundaries():
    grams = ngrams("кот")
    assert grams[:3] == ["<ко", "кот", "от>"]
    assert "<кот>" in grams


def test_forms_of_one_word_share_ngram_rows_and_specials_get_none():
    table = ngram_table(VOCABULARY, TRAINING_WORDS, special=2)
    shared = set(table[2]) & set(table[3]) - {NO_NGRAM}
    assert len(shared) >= 4  # «<до», «дос», «дост», «оста»…
    assert not set(table[2]) & set(table[4]) - {NO_NGRAM}  # доставили / курьер: nothing in common
    for row in (0, 1, 5, 6):  # padding, unknown, punctuation, digits
        assert (table[row] == NO_NGRAM).all()


def test_ngrams_seen_in_a_single_training_word_get_no_row():
    table = ngram_table(["[PAD]", "[UNK]", "самокат"], ["самокат", "доставка", "доставили"], special=2)
    assert (table[2] == NO_NGRAM).all()


@pytest.fixture
def subword_module() -> SubwordEmbedding:
    torch.manual_seed(0)
    words = nn.Embedding(len(VOCABULARY), 8, padding_idx=0)
    module = SubwordEmbedding(words, ngram_table(VOCABULARY, TRAINING_WORDS, special=2))
    nn.init.normal_(module.ngrams.weight)
    return module


def test_a_word_vector_is_its_row_plus_the_mean_of_its_ngram_rows(subword_module):
    ids = torch.tensor([[2, 4]])
    row = subword_module.table[2]
    expected = subword_module.words.weight[2] + subword_module.ngrams.weight[row[row != NO_NGRAM]].mean(0)
    assert torch.allclose(subword_module(ids)[0, 0], expected, atol=1e-6)


def test_new_ngram_rows_start_at_zero_so_training_starts_from_the_pretrained_vectors():
    words = nn.Embedding(len(VOCABULARY), 8)
    module = SubwordEmbedding(words, ngram_table(VOCABULARY, TRAINING_WORDS, special=2))
    ids = torch.arange(len(VOCABULARY))
    assert torch.equal(module(ids), words(ids))


def test_folding_gives_a_plain_embedding_with_identical_outputs(subword_module):
    class Holder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embeddings = subword_module

        def get_input_embeddings(self) -> nn.Module:
            return self.embeddings

        def set_input_embeddings(self, value: nn.Module) -> None:
            self.embeddings = value

    holder = Holder()
    ids = torch.tensor([[0, 2, 3, 4, 6]])
    before = subword_module(ids).detach()
    fold(holder)
    assert type(holder.embeddings) is nn.Embedding
    assert torch.allclose(holder.embeddings(ids), before, atol=1e-6)


def test_attach_then_fold_keeps_a_bert_encoder_saveable(tmp_path):
    from transformers import BertConfig, BertModel

    encoder = BertModel(
        BertConfig(vocab_size=len(VOCABULARY), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                   intermediate_size=20, max_position_embeddings=16)
    )  # fmt: skip
    attach(encoder, ngram_table(VOCABULARY, TRAINING_WORDS, special=2))
    nn.init.normal_(encoder.get_input_embeddings().ngrams.weight)
    encoder.eval()
    ids = torch.tensor([[2, 3, 4]])
    before = encoder(input_ids=ids).last_hidden_state
    fold(encoder)
    encoder.save_pretrained(tmp_path)
    reloaded = BertModel.from_pretrained(tmp_path).eval()
    assert np.allclose(reloaded(input_ids=ids).last_hidden_state.detach(), before.detach(), atol=1e-5)
