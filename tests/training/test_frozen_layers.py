"""The first K transformer layers kept as pretrained: they and the embeddings never move."""

import numpy as np
import pytest

from tests.helpers import tiny_model_dir
from training.examples import Examples

TEXTS = ["курьер опоздал", "всё отлично", "деньги не вернули", "приложение вылетает"]


def trained_copy(tmp_path, frozen_layers: int):
    import torch

    from nlp.model import TriageModel
    from nlp.predictor import Predictor
    from training.arguments import TrainingArguments
    from training.loop import train_model

    model_dir = tiny_model_dir(tmp_path / "model")
    model = TriageModel.from_pretrained(model_dir)
    before = {name: parameter.detach().clone() for name, parameter in model.named_parameters()}
    n = len(TEXTS)
    complaints = np.zeros((n, len(model.config.complaint_labels)), np.float32)
    complaints[:, 0] = [1, 0, 0, 1]
    examples = Examples(
        TEXTS, complaints, np.ones(n, np.float32), np.array([0, 2, 0, 0]), np.array([1, 0, 1, 1])
    )
    args = TrainingArguments(
        data=tmp_path,
        base_model="tiny",
        epochs=2,
        batch_size=2,
        learning_rate=0.05,
        frozen_layers=frozen_layers,
    )
    train_model(model, Predictor.load(model_dir).tokenizer, examples, args, lambda _: 0.0)
    moved = {name for name, parameter in model.named_parameters() if not torch.equal(parameter, before[name])}
    return moved


def test_frozen_layers_and_embeddings_stay_and_the_rest_learns(tmp_path):
    moved = trained_copy(tmp_path, frozen_layers=1)
    assert not any(name.startswith(("encoder.embeddings.", "encoder.encoder.layer.0.")) for name in moved)
    assert any(name.startswith("encoder.encoder.layer.1.") for name in moved)
    assert any(not name.startswith("encoder.") for name in moved)  # pool and heads


def test_without_frozen_layers_the_first_layer_learns(tmp_path):
    moved = trained_copy(tmp_path, frozen_layers=0)
    assert any(name.startswith("encoder.encoder.layer.0.") for name in moved)


def test_more_frozen_layers_than_the_encoder_has_is_named(tmp_path):
    with pytest.raises(ValueError, match="frozen_layers=3, but the encoder has 2 layers"):
        trained_copy(tmp_path, frozen_layers=3)


def test_a_negative_count_is_refused(tmp_path):
    from training.arguments import TrainingArguments

    with pytest.raises(ValueError, match="frozen_layers must be ≥ 0"):
        TrainingArguments(data=tmp_path, base_model="tiny", frozen_layers=-1)


def test_the_pretrained_recipe_freezes_the_lowest_third_unless_told_a_count(tmp_path):
    from transformers import BertConfig, BertModel

    from training.arguments import NAVEC, TrainingArguments
    from training.loop import frozen_layer_count

    config = BertConfig(
        vocab_size=50, hidden_size=16, num_hidden_layers=6, num_attention_heads=2, intermediate_size=20
    )
    encoder = BertModel(config)
    assert frozen_layer_count(encoder, TrainingArguments(data=tmp_path, base_model="tiny")) == 2
    assert (
        frozen_layer_count(encoder, TrainingArguments(data=tmp_path, base_model="tiny", frozen_layers=5)) == 5
    )
    assert frozen_layer_count(encoder, TrainingArguments(data=tmp_path, base_model=NAVEC)) == 0
