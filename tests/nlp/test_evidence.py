"""Evidence from occlusion: phrase candidates, the selection rule, and a tiny model trained here
on a planted keyword, whose evidence must be that keyword."""

import time
from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from nlp.evidence import MAX_SPANS, MAX_UNITS, MAX_VARIANTS, Phrase, explain, select, units
from nlp.predictor import Predictor
from tests.helpers import TINY_WORDS, HeadsOnly, tiny_model_dir

FILLER = ["заказ", "курьер", "опоздал", "приложение", "спасибо", "деньги"]
APP, REFUND = "вылетает", "вернули"


def test_units_are_words_with_clause_numbers_and_offsets():
    text = "Заказ не пришёл, курьер — хам! Верните деньги"
    found = units(text)
    assert [text[u.start : u.end] for u in found] == [
        "Заказ", "не", "пришёл", "курьер", "хам", "Верните", "деньги",
    ]  # fmt: skip
    assert [u.clause for u in found] == [0, 0, 0, 1, 2, 3, 3]


def test_long_texts_are_cut_into_runs_within_clauses():
    text = " ".join(f"слово{i}" for i in range(10)) + ". " + " ".join(f"ещё{i}" for i in range(5))
    found = units(text, limit=8)
    assert len(found) <= 9 and all(u.words <= 2 for u in found)
    assert all(text[u.start : u.end].count(".") == 0 for u in found)
    assert sum(u.words for u in found) == 15


def test_selection_prefers_the_shortest_phrase_near_the_best_drop():
    phrases = [
        Phrase(0, 20, 3, 0.60),  # the strongest, but long
        Phrase(0, 6, 1, 0.55),  # one word inside it, nearly as strong: chosen instead
        Phrase(30, 40, 1, 0.35),  # a second piece of evidence elsewhere
        Phrase(50, 60, 1, 0.10),  # too weak next to the first
    ]
    assert [(p.start, p.end) for p in select(phrases)] == [(0, 6), (30, 40)]


def test_no_evidence_when_nothing_moves_the_score():
    assert select([Phrase(0, 5, 1, 0.001), Phrase(6, 9, 1, -0.2)]) == []


def planted_records(rng: np.random.Generator, count: int) -> list[dict]:
    """A label is on exactly when its keyword is in the text; urgency is high with REFUND.
    Every text has five words, so that length says nothing about the labels."""
    rows = []
    for _ in range(count):
        words = list(rng.choice(FILLER, size=5))
        app, refund = rng.random() < 0.5, rng.random() < 0.5
        places = rng.permutation(5)
        if app:
            words[places[0]] = APP
        if refund:
            words[places[1]] = REFUND
        labels = [name for name, on in (("app_issue", app), ("refund_issue", refund)) if on]
        rows.append({"text": " ".join(words), "labels": labels, "sentiment": "negative",
                     "urgency": "high" if refund else "low"})  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def planted_predictor(tmp_path_factory):
    from nlp.backends import TorchBackend
    from nlp.encoding import encode
    from nlp.predictor import Predictor
    from training.examples import from_rows
    from training.loop import tensors

    assert APP in TINY_WORDS and REFUND in TINY_WORDS
    predictor = Predictor.load(tiny_model_dir(tmp_path_factory.mktemp("planted")), backend="torch")
    model, tokenizer = predictor.backend.model, predictor.tokenizer
    examples = from_rows(planted_records(np.random.default_rng(0), 256))
    encoded = encode(tokenizer, examples.texts, model.config.max_tokens)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: one thread is 20× faster on a busy machine
    try:
        torch.manual_seed(0)
        model.train()
        for step in range(200):
            batch = np.arange(step * 32, step * 32 + 32) % len(examples)
            model(**tensors(encoded, examples, batch, tokenizer.pad_token_id)).loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    finally:
        torch.set_num_threads(threads)
    return Predictor(model.config, tokenizer, TorchBackend(model))


@pytest.mark.parametrize(("path", "min_weight"), [("attribution", 0.0), ("occlusion", 0.2)])
def test_evidence_of_a_trained_model_is_the_planted_keyword(planted_predictor, path, min_weight):
    """From the forward pass's own token terms, and by occlusion when the backend has none.
    (Attribution keeps the encoder's context, in which the other words still carry some of the
    keyword, so its drops are smaller than occlusion's.)"""
    predictor = planted_predictor
    if path == "occlusion":
        predictor = Predictor(predictor.config, predictor.tokenizer, HeadsOnly(predictor.backend))
    text = "курьер вылетает спасибо вернули деньги"
    (record,) = predictor.predict([text], evidence=True)
    assert set(record.labels) == {"app_issue", "refund_issue"} and record.urgency == "high"
    assert set(record.evidence) == {"app_issue", "refund_issue", "urgency"}
    for target, keyword in (("app_issue", APP), ("refund_issue", REFUND), ("urgency", REFUND)):
        best = record.evidence[target][0]
        assert best.text == keyword and text[best.start : best.end] == keyword
        assert best.weight > min_weight


def test_evidence_is_opt_in_and_only_for_predicted_targets(planted_predictor):
    texts = ["заказ вылетает спасибо опоздал курьер", "курьер деньги спасибо заказ опоздал"]
    plain = planted_predictor.predict(texts)
    assert all(record.evidence == {} for record in plain)
    explained = planted_predictor.predict(texts, evidence=True)
    assert set(explained[0].evidence) == {"app_issue"}
    assert explained[1].labels == [] and explained[1].evidence == {}
    for before, after in zip(plain, explained, strict=True):
        assert before.scores == after.scores


def test_an_entity_is_one_unit():
    text = "верните 1 500 ₽ за заказ"
    found = units(text, atoms=[(8, 15)])
    assert [text[u.start : u.end] for u in found] == ["верните", "1 500 ₽", "за", "заказ"]
    assert [u.words for u in found] == [1, 2, 1, 1]


def test_a_message_of_many_short_clauses_has_at_most_max_units():
    text = "Да. Нет. " * 1_100
    found = units(text)
    assert len(found) <= MAX_UNITS and sum(u.words for u in found) == 2_200
    assert [text[u.start : u.end] for u in found[:1]] != ["Да"]  # runs cross the clause breaks
    assert all(a.end <= b.start for a, b in pairwise(found))


def counting_scorer(rows: list[int], seconds: float = 0.0):
    """Thirteen targets, each a random linear model of the words w0…w59 (so each target prefers its
    own phrases); records the rows of every call, which takes `seconds`."""
    weights = np.random.default_rng(0).normal(size=(13, 60))

    def score(texts: list[str]) -> np.ndarray:
        rows.append(len(texts))
        time.sleep(seconds)
        counts = np.array([[text.split().count(f"w{i}") for i in range(60)] for text in texts])
        return 1 / (1 + np.exp(-(counts @ weights.T)))

    return score


def test_evidence_costs_at_most_the_cap_of_variants_per_message():
    names = [f"label{k}" for k in range(12)] + ["urgency"]
    for text in (
        "Да. Нет. " * 1_100,
        " ".join(f"w{i}" for i in range(60)) * 5,
        " ".join(f"w{i}" for i in range(60)),
    ):
        rows: list[int] = []
        explain([text], [names], names, counting_scorer(rows))
        assert sum(rows) <= 1 + MAX_VARIANTS, text[:20]
    assert rows == [1 + 60, MAX_SPANS]  # 60 one-word units, and more candidate spans than the cap


def test_evidence_stops_scoring_when_its_time_budget_is_spent(monkeypatch):
    """A clock that moves only while chunks are scored (0.2 s each): the budget of 4 × 0.05 s
    is spent after the first chunk, whatever the machine's load."""
    clock = [0.0]
    monkeypatch.setattr("nlp.evidence.time", SimpleNamespace(monotonic=lambda: clock[0]))
    names = ["label0", "urgency"]
    rows: list[int] = []
    scorer = counting_scorer(rows)

    def slow_scorer(texts: list[str]) -> np.ndarray:
        clock[0] += 0.2
        return scorer(texts)

    found = explain(["Да. Нет. " * 1_100] * 4, [names] * 4, names, slow_scorer, seconds_per_text=0.05)
    assert 1 <= len(rows) <= 2  # one chunk is always scored; four without the budget
    assert len(found) == 4 and all(set(evidence) == set(names) for evidence in found)
