"""PII masking for logs: phones, e-mails and card numbers go; everything else stays."""

import pytest

from nlp.pii import mask_pii

MASKED = [
    ("Мой телефон +7 (912) 345-67-89, перезвоните", "Мой телефон [PHONE], перезвоните"),
    ("звоните 89123456789 или 8-912-345-67-89", "звоните [PHONE] или [PHONE]"),
    ("тел. 8 800 555-35-35", "тел. [PHONE]"),
    ("Телефон в аккаунте +7 9** *** 14 21.", "Телефон в аккаунте [PHONE]."),
    ("Минск: +375 29 123-45-67", "Минск: [PHONE]"),
    ("почта Ivan.Petrov@mail.ru, ответьте", "почта [EMAIL], ответьте"),
    ("пишите на иван@почта.рф", "пишите на [EMAIL]"),
    ("списали с карты 4276 3800 1234 5678 дважды", "списали с карты [CARD] дважды"),
    ("карта 4276-38**-****-5678", "карта [CARD]"),
    ("номер карты 4111111111111111", "номер карты [CARD]"),
]

KEPT = [
    "Заказ № 8-800-5521 не пришёл",
    "напишите @apteka_plus в директ",
    "заказ 12345678 от 12.03, сумма 1 500 ₽",
    "трек 1234567890123456",  # sixteen digits that fail the Luhn check are not a card
    "Заказ опоздал на неделю",
    "",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_personal_data_is_masked(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text", KEPT)
def test_other_text_is_left_alone(text):
    assert mask_pii(text) == text


def test_several_kinds_in_one_text():
    text = "Я Иван, ivan@mail.ru, +79123456789, карта 5536 9138 0000 0004."
    assert mask_pii(text) == "Я Иван, [EMAIL], [PHONE], карта [CARD]."
