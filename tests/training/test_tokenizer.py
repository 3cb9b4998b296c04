"""The word-level tokenizer on literal Russian strings, and its save/load round trip."""

import pytest
from transformers import AutoTokenizer

from training.tokenizer import build_tokenizer, normalized_words

WORDS = ["йогурт", "еще", "все", "заказ", "из-за", "курьера", "!", "0000-000", "000"]


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer(WORDS, max_tokens=32)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Йогурт ещё всё", ["йогурт", "еще", "все"]),
        ("ЗАКАЗ 4471-220!", ["заказ", "0000-000", "!"]),
        ("из-за курьера😡😡", ["из-за", "курьера", "😡", "😡"]),
        ("  много   пробелов\n", ["много", "пробелов"]),
    ],
)
def test_normalisation_folds_case_yo_digits_and_splits_punctuation(text, words):
    assert normalized_words(text) == words


def test_unknown_words_map_to_unk_and_offsets_point_into_the_original(tokenizer):
    text = "Ёлки, заказ 123 из-за курьера!"
    encoded = tokenizer(text, return_offsets_mapping=True)
    tokens = tokenizer.convert_ids_to_tokens(encoded["input_ids"])
    assert tokens == ["[UNK]", "[UNK]", "заказ", "000", "из-за", "курьера", "!"]
    assert [text[a:b] for a, b in encoded["offset_mapping"]] == [
        "Ёлки",
        ",",
        "заказ",
        "123",
        "из-за",
        "курьера",
        "!",
    ]


def test_round_trip_keeps_russian_letters(tokenizer, tmp_path):
    tokenizer.save_pretrained(tmp_path)
    reloaded = AutoTokenizer.from_pretrained(tmp_path)
    text = "йогурт ещё всё"
    assert reloaded(text)["input_ids"] == tokenizer(text)["input_ids"]
    assert reloaded.convert_ids_to_tokens(reloaded(text)["input_ids"]) == ["йогурт", "еще", "все"]
    assert reloaded.model_max_length == 32 and reloaded.pad_token == "[PAD]"
