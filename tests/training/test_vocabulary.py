"""The default vocabulary: navec rows, lemma fallback, lexeme and frequent-word expansion."""

import numpy as np
import pytest

from training.vocabulary import build_vocabulary, navec_key, navec_vectors, project

TEXTS = [
    "Курьер нахамил и оставил пакет у двери",
    "Кэшбэк не пришёл, кэшбэк обещали ещё вчера",
    "Промокода не было в письме",
]


@pytest.fixture(scope="module")
def vocabulary():
    return build_vocabulary(TEXTS, frequent=2000)


@pytest.mark.parametrize(
    ("word", "key"),
    [("курьер", "курьер"), ("некомплекта", "некомплект"), ("промокода", "промокод"), ("кэшбэк", None)],
)
def test_navec_key_tries_the_word_and_then_its_lemma(word, key):
    assert navec_key(word) == key


def test_training_words_come_first_and_special_tokens_lead(vocabulary):
    assert vocabulary.words[:2] == ["[PAD]", "[UNK]"]
    assert {"курьер", "нахамил", "промокода", "еще"} <= set(vocabulary.words[2:40])


def test_unknown_training_words_get_a_row_only_when_repeated(vocabulary):
    assert "кэшбэк" in vocabulary.words  # twice in the texts, not in navec: a random row
    index = vocabulary.words.index("кэшбэк")
    assert not vocabulary.pretrained[index]


def test_forms_of_training_lemmas_and_frequent_words_are_added(vocabulary):
    words = set(vocabulary.words)
    assert {"курьером", "курьеру", "пакета"} <= words  # unseen forms of seen lemmas
    assert {"магазин", "деньги"} <= words  # frequent Russian words


def test_rows_from_navec_hold_navec_vectors(vocabulary):
    index = vocabulary.words.index("курьер")
    assert vocabulary.pretrained[index]
    assert np.allclose(vocabulary.vectors[index], navec_vectors(["курьер"])[0])
    assert np.allclose(vocabulary.vectors[0], 0.0)


def test_projection_keeps_the_leading_directions_and_the_padding_row():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(500, 3)) @ np.diag([5.0, 1.0, 0.1]) @ rng.normal(size=(3, 10))
    vectors[0] = 0.0
    projected = project(vectors.astype(np.float32), 2)
    assert projected.shape == (500, 2) and np.allclose(projected[0], 0.0)
    distances = np.linalg.norm(vectors[1:50, None] - vectors[None, 1:50], axis=-1)
    kept = np.linalg.norm(projected[1:50, None] - projected[None, 1:50], axis=-1)
    assert np.corrcoef(distances.ravel(), kept.ravel())[0, 1] > 0.99
