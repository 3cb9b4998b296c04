"""Evidence from token terms (`nlp.attribution`), on hand-made pools with known answers."""

import numpy as np
import pytest

from nlp.attribution import Pool, _token_owners, attributed_evidence
from nlp.evidence import units


def mean_pool_scores(projections: list[float]) -> np.ndarray:
    """Token scores (tokens, 1 target, term/weight) of a mean pool over the given projections."""
    weights = np.full(len(projections), 1 / len(projections))
    return np.stack([weights * np.array(projections), weights], axis=-1)[:, None, :]


def test_a_phrase_drop_is_the_logit_change_of_the_renormalised_pool():
    projections = np.array([1.0, 5.0, 2.0, -1.0])
    scores = mean_pool_scores(list(projections))[:, 0]
    pool = Pool(scores[:, 0], scores[:, 1], float(scores[:, 0].sum()), temperature=2.0)
    for first, last in ((1, 1), (1, 2), (0, 3 - 1)):
        kept = np.delete(projections, range(first, last + 1))
        expected = (projections.mean() - kept.mean()) / 2.0
        assert pool.strength(first, last) == pytest.approx(expected)
    assert pool.word_strengths() == pytest.approx([pool.strength(i, i) for i in range(4)])


def test_tokens_belong_to_the_word_they_start_in_and_punctuation_to_none():
    text = "верните 1 500 ₽, срочно!"
    words = units(text, limit=10**9, atoms=[(8, 15)])
    offsets = [(0, 0), (0, 4), (4, 7), (8, 9), (10, 13), (14, 15), (15, 16), (17, 23), (23, 24), (0, 0)]
    assert _token_owners(offsets, words).tolist() == [-1, 0, 0, 1, 1, 1, -1, 2, -1, -1]


def test_the_decisive_word_is_the_evidence_and_strong_neighbours_join_it():
    text = "ну очень долго везут продукты"
    offsets = [(0, 2), (3, 8), (9, 14), (15, 20), (21, 29)]
    scores = mean_pool_scores([0.0, 0.1, 4.0, 3.0, 0.0])
    found = attributed_evidence(text, offsets, scores, {"late": 0.9}, {"late": 0}, {"late": 1.0})
    (best,) = found["late"]
    assert best.text == "долго везут" and text[best.start : best.end] == best.text
    assert 0 < best.weight < 0.9


def test_a_target_no_word_raises_has_no_evidence():
    text = "всё хорошо спасибо"
    scores = mean_pool_scores([0.5, 0.5, 0.5])
    found = attributed_evidence(text, [(0, 3), (4, 10), (11, 18)], scores, {"x": 0.6}, {"x": 0}, {"x": 1.0})
    assert found == {"x": []}
