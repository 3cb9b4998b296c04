"""The language flag on literal strings: Russian, translit, other."""

import pytest

from nlp.language import detect_language

CASES = [
    ("Заказ опоздал на три дня", "ru"),
    ("ПРИЛОЖЕНИЕ ВЫЛЕТАЕТ ПРИ ОПЛАТЕ", "ru"),
    ("Заказ 190460 из Ozon не пришёл", "ru"),
    ("курьер не приехал, order #A-77", "ru"),
    ("Ёлки, опять?", "ru"),
    ("zakaz ne prishel uzhe tretiy den", "translit"),
    ("Kurier opozdal na 2 chasa!!!", "translit"),
    ("verni dengi", "translit"),
    ("pochemu nikto ne otvechaet", "translit"),
    ("ya zhdu dostavku s utra", "translit"),
    ("privet, kogda budet vozvrat?", "translit"),
    ("My order is late, please help", "other"),
    ("Where is my delivery?", "other"),
    ("Thank you, everything arrived on time", "other"),
    ("Замовлення не прийшло, поверніть гроші", "other"),
    ("Wo ist meine Bestellung?", "other"),
    ("12345 !!! 😡", "other"),
    ("", "other"),
]


@pytest.mark.parametrize(("text", "language"), CASES)
def test_language_flag(text, language):
    assert detect_language(text) == language


def test_the_predictor_sets_the_flag_on_good_records_only(tiny_model):
    from nlp import Predictor

    records = Predictor.load(tiny_model).predict(["заказ опоздал", "zakaz opozdal", "late order", ""])
    assert [r.language for r in records] == ["ru", "translit", "other", None]
