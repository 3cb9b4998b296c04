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
    ("перезвоните 9123456789", "перезвоните [PHONE]"),
    ("мой номер 912 345-67-89.", "мой номер [PHONE]."),
    ("тел 79123456789", "тел [PHONE]"),
    ("трек 1234567890123456", "трек [NUMBER]"),  # sixteen digits failing Luhn: not a card, still masked
    ("счёт 1234567890123", "счёт [NUMBER]"),
    ("номер 1234567890123456789", "номер [NUMBER]"),
]

KEPT = [
    "Заказ № 8-800-5521 не пришёл",
    "напишите @apteka_plus в директ",
    "заказ 12345678 от 12.03, сумма 1 500 ₽",
    "заказ 912345678 и 12345678901234567890",  # nine digits; twenty digits are no card number
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
