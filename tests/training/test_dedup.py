"""Near-duplicate detection: shingles, Jaccard, and the MinHash search confirmed exactly."""

import pytest

from tests.exact_pairs import exact_near_duplicate_pairs
from training.data.dedup import duplicate_indices, jaccard, near_duplicates, shingles


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Где мой заказ?", "где МОЙ заказ!!!", 1.0),
        ("Курьер привёз всё вовремя", "курьер привез все вовремя", 1.0),
        ("промокод не сработал", "бонусы не начислили", 0.0),
        ("раз два три четыре", "раз два три пять", 0.5),
    ],
)
def test_jaccard_of_word_shingles_folds_case_punctuation_and_yo(a, b, expected):
    assert jaccard(shingles(a), shingles(b)) == pytest.approx(expected)


TEXTS = [
    "Заказ 4471-220 опоздал на три дня, курьер не позвонил и оставил пакет у двери",
    "заказ 4471-220 опоздал на три дня, курьер не позвонил и оставил пакет у двери!!",
    "Приложение вылетает при оплате картой, третий раз пытаюсь оформить заказ",
    "Бонусы за октябрь так и не начислили, хотя покупка была на пять тысяч",
    "Заказ 4471-220 опоздал на три дня, курьер не позвонил и оставил пакет возле двери",
]


def test_near_duplicates_finds_exactly_the_similar_pairs():
    found = {(p.first, p.second) for p in near_duplicates(TEXTS, threshold=0.8)}
    assert found == set(exact_near_duplicate_pairs(TEXTS, 0.8))
    assert (0, 1) in found and (2, 3) not in found


def test_duplicate_indices_keep_the_first_of_each_group():
    texts = [*TEXTS, TEXTS[2] + " 😡", TEXTS[0].upper()]
    # text 4 differs from text 0 in two of 15 bigrams (Jaccard 13/17 ≈ 0.76): kept
    assert duplicate_indices(texts, threshold=0.8) == {1, 5, 6}
