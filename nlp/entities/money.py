"""Sums of money: natasha's `MoneyExtractor` for figures («1 500 ₽», «1500р», «20 тыс. руб»),
and a yargy rule of our own for sums in words («полторы тысячи рублей», «пятьсот рублей»).

The value is the amount in roubles (a float) for roubles, else «<amount> <ISO currency>».
"""

import re
from functools import cache

from nlp.entities.extractors import money_extractor, parser
from nlp.entities.patterns import DIGIT, Match, non_overlapping
from nlp.entities.windows import windows

CURRENCY_TRIGGER = re.compile(r"(?i)руб|₽|\d\s?р\b\.?|\$|€|доллар|евро|копе")
_NUMBER_WORD = (
    r"(?:од[ин]|дв|тр|четыр|пят|шест|сем|восем|девят|девян|десят|сорок|сто|сот|тысяч|тыщ|полтор|пар|миллион)"
)
AMOUNT = re.compile(rf"(?i)(?:(?:\d+|(?<![а-яё]){_NUMBER_WORD}[а-яё]*|т|тыс|млн|млрд)[\s.,]*)+$")
"""What a sum ahead of its currency is made of: figures, number words, multipliers."""
AFTER_CURRENCY = re.compile(r"\w*\.?(?:\s*\d{1,2}\s*коп\w*\.?)?")
"""The rest of the currency word and kopecks after it: all natasha's grammar reads past a currency."""
NUMBER_WORDS_BEFORE_CURRENCY = re.compile(
    rf"(?i)(?<![а-яё]){_NUMBER_WORD}[а-яё]*\s+(?:руб|₽|р\b|доллар|евро|€|\$)"
)
"""A number word right before a currency: the only place the rule for sums in words can match."""
SIMPLE_SUM = re.compile(r"(?i)(\d{1,3}(?:[ \xa0]\d{3})+|\d+)[ \xa0]?(руб\.?|р\.?|рубл(?:ь|я|ей)|₽)\.?")
"""A whole window that is only figures and roubles («1 500 руб.», «1500р», «540 рублей», «500 ₽»):
most sums are written so, and reading them here gives natasha's span and amount without its
parser (the slow part of reading a sum). Kopecks, «тыс.», decimals and other currencies go to natasha."""

UNITS = {
    "ноль": 0, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13,
    "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
    "девятнадцать": 19, "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50,
    "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100,
    "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600,
    "семьсот": 700, "восемьсот": 800, "девятьсот": 900, "полтора": 1.5, "пара": 2,
}  # fmt: skip
SCALES = {"тысяча": 1000, "миллион": 1_000_000}
CURRENCIES = {"рубль": "RUB", "руб": "RUB", "р": "RUB", "₽": "RUB", "доллар": "USD", "$": "USD"}
CURRENCIES |= {"евро": "EUR", "€": "EUR"}


def find_money(text: str) -> list[Match]:
    """Sums next to a currency, found only in windows around a currency word or sign."""
    found: list[Match] = []
    for start, end in windows(text, CURRENCY_TRIGGER, before=36, after=0, lead=AMOUNT, trail=AFTER_CURRENCY):
        window = text[start:end]
        if simple := SIMPLE_SUM.fullmatch(window):
            found.append(_match(start, start + simple.end(2), int(re.sub(r"\D", "", simple[1])), "RUB"))
            continue
        words = NUMBER_WORDS_BEFORE_CURRENCY.search(window)
        if not words and not DIGIT.search(text, start, end):
            continue
        for match in money_extractor()(window):
            stop = match.stop - window[match.start : match.stop].endswith("₽.")  # a full stop, not «руб.»
            found.append(_match(start + match.start, start + stop, match.fact.amount, match.fact.currency))
        if words:
            found += [_words_match(start, match) for match in _words_parser().findall(window)]
    return non_overlapping(found)


def _match(start: int, end: int, amount: float, currency: str) -> Match:
    amount = round(float(amount), 2)
    value = amount if currency == "RUB" else f"{amount:g} {currency}"
    return Match("money", start, end, value)


def _words_match(offset: int, match) -> Match:
    words = [token.forms[0].normalized if hasattr(token, "forms") else token.value for token in match.tokens]
    words = [word for word in words if word != "."]
    amount = words_amount(words[:-1])
    currency = CURRENCIES.get(words[-1], "RUB")
    return _match(offset + match.span.start, offset + match.span.stop, amount, currency)


def words_amount(words: list[str]) -> float:
    """«две тысячи пятьсот» → 2500; «полторы тысячи» → 1500; «тысяча» → 1000."""
    total = current = 0.0
    for word in words:
        if word in SCALES:
            total, current = total + (current or 1) * SCALES[word], 0.0
        else:
            current += UNITS[word]
    return total + current


@cache
def _words_parser():
    from yargy import or_, rule
    from yargy.predicates import caseless, dictionary, eq, normalized

    number = or_(dictionary(set(UNITS)), dictionary(set(SCALES)))
    currency = or_(
        rule(or_(normalized("рубль"), normalized("доллар"), normalized("евро"), eq("₽"), eq("$"), eq("€"))),
        rule(or_(caseless("руб"), caseless("р")), eq(".").optional()),
    )
    return parser(rule(number.repeatable(), currency))
