"""Training arguments: each encoder's recipe fills what the user left unset; bad values are named."""

import pytest

from training.arguments import NAVEC, NAVEC_RECIPE, PRETRAINED_RECIPE, TrainingArguments


def test_a_pretrained_base_takes_the_pretrained_recipe(tmp_path):
    args = TrainingArguments(data=tmp_path, base_model="e5-small-L4")
    assert (args.epochs, args.learning_rate, args.head_learning_rate) == (
        PRETRAINED_RECIPE.epochs, PRETRAINED_RECIPE.learning_rate, PRETRAINED_RECIPE.head_learning_rate,
    )  # fmt: skip
    assert args.freeze_embeddings is True and args.word_dropout == 0.0 and args.pooling == "mean"


def test_navec_takes_its_own_recipe_and_explicit_values_win(tmp_path):
    args = TrainingArguments(data=tmp_path, base_model=NAVEC, epochs=4, pooling="mean")
    assert args.epochs == 4 and args.pooling == "mean"
    assert args.learning_rate == NAVEC_RECIPE.learning_rate and args.max_tokens == NAVEC_RECIPE.max_tokens
    assert args.freeze_embeddings is False and args.word_dropout == NAVEC_RECIPE.word_dropout


def test_the_default_encoder_is_a_pretrained_base(tmp_path):
    assert TrainingArguments(data=tmp_path).recipe == PRETRAINED_RECIPE


def test_every_bad_value_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"pooling must be attention or mean.*patience must be ≥ 1"):
        TrainingArguments(data=tmp_path, pooling="max", patience=0)


def test_the_cli_shows_the_dataclass_defaults():
    defaults = TrainingArguments.defaults()
    assert defaults.base_model == TrainingArguments.base_model and defaults.seed == 13
    assert not hasattr(defaults, "extra")  # a factory default is not a shared value
