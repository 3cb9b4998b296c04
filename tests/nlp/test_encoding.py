"""Head + tail truncation and token offsets (`nlp.encoding`), directly."""

from nlp.encoding import HEAD_SHARE, encode, head_and_tail, pad
from tests.helpers import TINY_WORDS
from training.tokenizer import build_tokenizer


def test_a_long_text_keeps_a_quarter_of_the_budget_from_its_head_and_the_rest_from_its_tail():
    ids = list(range(100))
    offsets = [(i, i + 1) for i in ids]
    cut = head_and_tail(ids, 16, offsets)
    head = int(16 * HEAD_SHARE)
    assert cut.truncated and cut.ids == [*range(head), *range(100 - (16 - head), 100)]
    assert cut.offsets == [(i, i + 1) for i in cut.ids]  # offsets follow their tokens


def test_a_text_within_the_limit_is_kept_whole():
    kept = head_and_tail([1, 2, 3], 3, [(0, 1), (1, 2), (2, 3)])
    assert not kept.truncated and kept.ids == [1, 2, 3] and kept.offsets == [(0, 1), (1, 2), (2, 3)]


def test_offsets_point_into_the_original_text_and_padding_is_masked():
    tokenizer = build_tokenizer(TINY_WORDS, max_tokens=16)
    text = "Курьер  ОПОЗДАЛ!"
    short, longer = encode(tokenizer, [text, "заказ курьер опоздал спасибо"], 16)
    assert [text[start:end] for start, end in short.offsets] == ["Курьер", "ОПОЗДАЛ", "!"]
    ids, mask = pad([short, longer], tokenizer.pad_token_id)
    assert ids.shape == mask.shape == (2, 4) and mask[0].tolist() == [1, 1, 1, 0]
