"""The Predictor on a tiny saved model: records, order, bad input, truncation, batching."""

import threading

import numpy as np
import pytest

from nlp import Predictor
from nlp.labels import COMPLAINT_LABELS, SENTIMENTS


@pytest.fixture(scope="module")
def predictor(tiny_model):
    return Predictor.load(tiny_model)


TEXTS = ["курьер опоздал !", "спасибо", "приложение вылетает , деньги не вернули ?", "заказ"]


def test_one_complete_record_per_text_in_order(predictor):
    records = predictor.predict(TEXTS, ids=["a", "b", "c", "d"])
    assert [r.id for r in records] == ["a", "b", "c", "d"]
    for record in records:
        assert set(record.scores) == set(COMPLAINT_LABELS)
        assert set(record.sentiment_scores) == set(SENTIMENTS)
        assert record.labels == [n for n in COMPLAINT_LABELS if record.scores[n] >= 0.5]
        assert record.urgency in ("low", "medium", "high") and 0 <= record.urgency_score <= 1
        assert record.retention_flag == (record.urgency == "high")
        assert record.model_version == "tiny-test" and record.error is None
        assert record.entities == [] and record.evidence == {}


def test_batch_size_and_length_sorting_do_not_change_results(predictor):
    one_by_one = [predictor.predict([text])[0] for text in TEXTS]
    batched = predictor.predict(TEXTS, batch_size=3)
    for single, many in zip(one_by_one, batched, strict=True):
        assert single.scores == pytest.approx(many.scores, abs=1e-4)


def test_large_inputs_overlapping_forward_and_entities_give_the_same_records(predictor):
    from nlp.predictor import OVERLAP_MIN_TEXTS

    texts = [
        f"{TEXTS[i % 4]} заказ {1000 + i} на {i} руб" if i % 7 else "" for i in range(2 * OVERLAP_MIN_TEXTS)
    ]
    ids = [str(i) for i in range(len(texts))]
    started = []
    forward = predictor._forward
    with pytest.MonkeyPatch.context() as patch:  # record which thread runs the forward pass
        patch.setattr(
            predictor, "_forward", lambda *a: started.append(threading.current_thread()) or forward(*a)
        )
        whole = predictor.predict(texts, ids=ids)
    assert started and started[0] is not threading.main_thread()
    pieces = [
        r
        for start in range(0, len(texts), 16)
        for r in predictor.predict(texts[start : start + 16], ids=ids[start : start + 16])
    ]
    scores = {"scores", "sentiment_scores", "urgency_score"}
    assert [r.model_dump(exclude=scores) for r in whole] == [r.model_dump(exclude=scores) for r in pieces]
    for one, other in zip(whole, pieces, strict=True):
        assert one.scores == pytest.approx(other.scores, abs=1e-4)
    assert [r.id for r in whole] == ids and whole[0].error == "empty text"
    assert {e.type for e in whole[1].entities} >= {"order_number", "money"}


@pytest.mark.parametrize(
    ("bad", "error"), [("", "empty text"), ("   \n", "empty text"), (None, "text is not a string")]
)
def test_bad_input_gives_a_record_with_an_error_not_a_crash(predictor, bad, error):
    records = predictor.predict(["заказ", bad, "спасибо"], ids=["1", "2", "3"])
    assert [r.id for r in records] == ["1", "2", "3"]
    assert records[1].error == error and records[1].labels == [] and records[1].scores == {}
    assert records[0].error is None and records[2].error is None


def test_long_texts_are_cut_head_and_tail_and_flagged(predictor):
    long_text = " ".join(["заказ"] * 40)
    short, long = predictor.predict(["заказ курьер", long_text])
    assert long.truncated and not short.truncated


def test_empty_input_list(predictor):
    assert predictor.predict([]) == []


def test_bf16_inference_gives_float32_logits_near_the_float32_ones(tiny_model):
    from nlp.backends import TorchBackend
    from nlp.model import TriageModel

    model = TriageModel.from_pretrained(tiny_model)
    tokenizer = Predictor.load(tiny_model).tokenizer
    exact = Predictor(model.config, tokenizer, TorchBackend(model)).logits(TEXTS)
    rounded = Predictor(model.config, tokenizer, TorchBackend(model, bf16=True)).logits(TEXTS)
    for head, values in exact.items():
        assert rounded[head].dtype == np.float32
        assert np.allclose(rounded[head], values, atol=0.1)
    assert not np.array_equal(rounded["complaint"], exact["complaint"])  # autocast did run


def test_inference_is_deterministic_even_if_the_model_was_left_in_training_mode(tiny_model):
    from nlp.backends import TorchBackend
    from nlp.model import TriageModel

    model = TriageModel.from_pretrained(tiny_model)
    model.config.classifier_dropout = 0.5
    backend = TorchBackend(model)
    model.train()  # as a training loop leaves it between epochs
    predictor = Predictor(model.config, Predictor.load(tiny_model).tokenizer, backend)
    first, second = predictor.logits(TEXTS), predictor.logits(TEXTS)
    assert (first["complaint"] == second["complaint"]).all()
