"""Entities over literal Russian strings: each format, exact offsets, normalised values."""

import re
from datetime import date, datetime
from itertools import pairwise

import pytest

from nlp.entities import extract_entities
from nlp.entities.money import words_amount

NOW = date(2026, 3, 20)

FOUND = [
    # order numbers
    ("По заказу 190**460 обещанные баллы", "order_number", "190**460", "190**460"),
    ("Где мой заказ № 4471-220?", "order_number", "4471-220", "4471-220"),
    ("заказ 12345678 так и не пришёл", "order_number", "12345678", "12345678"),
    ("номер заказа: A-5531, помогите", "order_number", "A-5531", "A-5531"),
    ("По заказу # 19-ЭЛ-3344 получил стиралку", "order_number", "19-ЭЛ-3344", "19-ЭЛ-3344"),
    ("почему отменён заказ № 3355 1290?", "order_number", "3355 1290", "33551290"),
    ("Заказ №1-5507: нет детского крема", "order_number", "1-5507", "1-5507"),
    # money
    ("списали 1 500 ₽ без спроса", "money", "1 500 ₽", 1500.0),
    ("Верните мои 1500р!", "money", "1500р", 1500.0),
    ("списали полторы тысячи рублей", "money", "полторы тысячи рублей", 1500.0),
    ("вернули двести пятьдесят рублей", "money", "двести пятьдесят рублей", 250.0),
    (
        "а деньги четыреста девяносто девять рублей списали",
        "money",
        "четыреста девяносто девять рублей",
        499.0,
    ),
    ("заплатил 20 тыс. руб за диван", "money", "20 тыс. руб", 20000.0),
    ("итого 499 рублей 90 копеек", "money", "499 рублей 90 копеек", 499.9),
    ("сняли 100 долларов", "money", "100 долларов", "100 USD"),
    ("Разница — 670 ₽.", "money", "670 ₽", 670.0),
    # dates
    ("Заказ от 15 марта не пришёл", "date", "15 марта", "2026-03-15"),
    ("обещали привезти 12.03", "date", "12.03", "2026-03-12"),
    ("вчера курьер не приехал", "date", "вчера", "2026-03-19"),
    ("Позавчера списали деньги", "date", "Позавчера", "2026-03-18"),
    ("доставили 5 апреля 2025 года", "date", "5 апреля 2025 года", "2025-04-05"),
    ("получил 15.01.25, а не 10-го", "date", "15.01.25", "2025-01-15"),
    ("жду с 29 декабря", "date", "29 декабря", "2025-12-29"),  # the latest 29 December so far
    # personal data
    ("перезвоните на +7 (912) 345-67-89", "phone", "+7 (912) 345-67-89", "+79123456789"),
    ("мой номер 8 912 345 67 89", "phone", "8 912 345 67 89", "+79123456789"),
    ("почта Ivan.Petrov@Mail.ru", "email", "Ivan.Petrov@Mail.ru", "ivan.petrov@mail.ru"),
    ("карта 4276 3800 1234 5678", "card", "4276 3800 1234 5678", "4276380012345678"),
]


@pytest.mark.parametrize(("text", "kind", "span", "value"), FOUND)
def test_each_format_is_found_with_offsets_and_value(text, kind, span, value):
    entities = [e for e in extract_entities(text, now=NOW) if e.type == kind]
    assert len(entities) == 1, entities
    entity = entities[0]
    assert entity.text == span
    assert text[entity.start : entity.end] == span and entity.start == text.index(span)
    assert entity.value == pytest.approx(value) if isinstance(value, float) else entity.value == value


NOTHING = [
    "Заказ опоздал на неделю, больше у вас не закажу",
    "Курьер нахамил и оставил пакет у двери",
    "заказывала 300 штук, пришло меньше",  # a verb, not «заказ №»
    "заказ 5 штук",  # too few digits for an order number
    "напишите @apteka_plus в директ #БыстраяПочта",
    "Где кэшбэк за март? В ноябре тоже не было",
    "Промокод FRIEND300 не работает",
    "трек 1234567890123456",  # sixteen digits failing the Luhn check are not a card
    "",
]


@pytest.mark.parametrize("text", NOTHING)
def test_texts_without_entities_give_none(text):
    assert extract_entities(text, now=NOW) == []


def test_a_message_with_everything_keeps_order_and_never_overlaps():
    text = (
        "Заказ № 4471-220 от 15 марта на 1 500 ₽, вчера списали ещё полторы тысячи рублей. "
        "Тел. +7 912 345-67-89, ivan@mail.ru, карта 4276 3800 1234 5678"
    )
    entities = extract_entities(text, now=NOW)
    assert [e.type for e in entities] == [
        "order_number", "date", "money", "date", "money", "phone", "email", "card",
    ]  # fmt: skip
    for first, second in pairwise(entities):
        assert first.end <= second.start
    assert all(text[e.start : e.end] == e.text for e in entities)


def test_a_full_numeric_date_is_a_date_not_part_of_a_sum():
    text = "12.03.2025, 3 тыс. ₽"
    assert [(e.type, e.text) for e in extract_entities(text, now=NOW)] == [
        ("date", "12.03.2025"),
        ("money", "3 тыс. ₽"),
    ]


def test_a_sum_after_an_order_number_is_money():
    entities = extract_entities("заказ 12345 1500 рублей", now=NOW)
    assert [(e.type, e.text) for e in entities] == [("order_number", "12345"), ("money", "1500 рублей")]


def test_an_impossible_date_is_found_without_a_value():
    (entity,) = extract_entities("доставка 31 февраля", now=NOW)
    assert entity.type == "date" and entity.value is None


@pytest.mark.parametrize(
    ("words", "amount"),
    [(["полтора", "тысяча"], 1500), (["два", "тысяча", "пятьсот"], 2500), (["тысяча"], 1000),
     (["сто", "пятьдесят"], 150), (["пара", "тысяча"], 2000), (["три", "миллион"], 3_000_000)],
)  # fmt: skip
def test_sums_in_words(words, amount):
    assert words_amount(words) == amount


def test_relative_days_default_to_today():
    (entity,) = extract_entities("сегодня опять не привезли")
    assert entity.value == date.today().isoformat()


def test_a_moment_counts_as_its_day():
    (entity,) = extract_entities("вчера", now=datetime(2026, 3, 20, 23, 59))
    assert entity.value == "2026-03-19"


FAST_PATH = [
    "списали 1 500 ₽. Верните",
    "Верните 1500р.",
    "итого 2 490 рублей, а пришло не всё",
    "доплата 21 рубль",
    "ещё 1 500 000 руб. в рассрочку",
    "деньги(750\nруб.) и ещё 300 руб",
    "1500,50 руб списали",
    "Заказ от 15 марта, доставка к 20 марта",
    "14 и 15 мая списано дважды",
    "с 5 по 10 июня и 10 мая 2025 года",
    "к 15:00 15 мая",
    "оплачен 2 октября, № 55-0119 от 9 октября",
    "1 Марта пришло",
]


@pytest.mark.parametrize("text", FAST_PATH)
def test_reading_plain_sums_and_dates_without_the_parser_finds_what_natasha_finds(text, monkeypatch):
    """`SIMPLE_SUM` and `DAY_OF_MONTH` stand in for natasha only where it would read the same."""
    from nlp.entities import dates, money

    fast = extract_entities(text, NOW)
    monkeypatch.setattr(money, "SIMPLE_SUM", re.compile("(?!)"))
    monkeypatch.setattr(dates, "_days_of_month", lambda *args: [])
    assert fast == extract_entities(text, NOW)
    assert any(entity.type in ("money", "date") for entity in fast)


@pytest.mark.parametrize(
    "text", ["списали 1 500 ₽. Верните", "Верните 1500р.", "Заказ от 15 марта пришёл 20 марта"]
)
def test_plain_sums_and_dates_are_read_without_the_parser(text, monkeypatch):
    from nlp.entities import dates, money

    def parser_called():
        raise AssertionError("natasha's parser ran on a plain sum or date")

    monkeypatch.setattr(money, "money_extractor", parser_called)
    monkeypatch.setattr(dates, "dates_extractor", parser_called)
    assert any(entity.type in ("money", "date") for entity in extract_entities(text, NOW))
