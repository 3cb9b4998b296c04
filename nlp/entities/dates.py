"""Dates: natasha's `DatesExtractor` («15 марта», «5 апреля 2025 года», «12.03.2025»),
a pattern for day.month without a year («12.03»), and relative days («вчера», «позавчера»).

The value is an ISO date (or «YYYY-MM», «YYYY» where the text names no day). A date without
a year is the latest such day at most two months after the reference date (customers mostly
write about the past, sometimes about a promised day); relative days count from it.
"""

import re
from datetime import date, timedelta

from nlp.entities.extractors import dates_extractor
from nlp.entities.patterns import DIGIT, Match
from nlp.entities.windows import windows

MONTH_TRIGGER = re.compile(
    r"(?i)(?<![а-яё])(?:январ|феврал|март|апрел|ма[йяю](?![а-яё])|июн|июл|август|сентябр|октябр|ноябр|декабр)"
    r"|\d\.\d\d?\.\d\d|(?<!\d)(?:1\d|20)\d\d\s?(?:г|год)"
)
DAY_MONTH = re.compile(r"(?<![\d.,])(0?[1-9]|[12]\d|3[01])\.(0[1-9]|1[0-2])(?![\d]|[.,]\d)")
RELATIVE = re.compile(r"(?i)(?<![а-яё])(позавчера|вчера|сегодня|послезавтра|завтра)(?![а-яё])")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")  # fmt: skip
DAY_OF_MONTH = re.compile(rf"(?<![\w.,:/-])(0?[1-9]|[12]\d|3[01]) ({'|'.join(MONTHS)})(?![\w-])")
"""«15 марта»: read here, without natasha's parser (the slow part), when a window holds
nothing else it could read — no other figure and no other month name or year."""
LOOKAHEAD = timedelta(days=61)
RELATIVE_DAYS = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}


def find_named_dates(text: str, now: date) -> list[Match]:
    """natasha's dates, searched only in windows around a month name or a full numeric date."""
    found: list[Match] = []
    for start, end in windows(text, MONTH_TRIGGER, before=12, after=20):
        if not DIGIT.search(text, start, end):
            continue  # every date natasha knows has a day or a year in figures
        if simple := _days_of_month(text, start, end, now):
            found += simple
            continue
        for match in dates_extractor()(text[start:end]):
            value = _iso(match.fact, text[start + match.start : start + match.stop], now)
            found.append(Match("date", start + match.start, start + match.stop, value))
    return found


def _days_of_month(text: str, start: int, end: int, now: date) -> list[Match]:
    """The window's «day month» dates, or [] when anything else in it might be part of a date."""
    days = list(DAY_OF_MONTH.finditer(text, start, end))
    rest = DAY_OF_MONTH.sub(" ", text[start:end])
    if not days or DIGIT.search(rest) or MONTH_TRIGGER.search(rest):
        return []
    return [_day_of_month(day, now) for day in days]


def _day_of_month(day: re.Match, now: date) -> Match:
    month, number = MONTHS.index(day[2]) + 1, int(day[1])
    return Match("date", day.start(), day.end(), _iso_day(_closest_year(month, number, now), month, number))


def find_dates(text: str, now: date) -> list[Match]:
    """«dd.mm» without a year, and relative days."""
    found: list[Match] = []
    for match in DAY_MONTH.finditer(text) if DIGIT.search(text) else ():
        value = _iso_day(_closest_year(int(match[2]), int(match[1]), now), int(match[2]), int(match[1]))
        found.append(Match("date", match.start(), match.end(), value))
    for match in RELATIVE.finditer(text):
        value = (now + timedelta(days=RELATIVE_DAYS[match[1].lower()])).isoformat()
        found.append(Match("date", match.start(), match.end(), value))
    return found


def _iso(fact, text: str, now: date) -> str | None:
    year = fact.year
    if year is not None and year < 2000 and str(year) not in text:
        year += 100  # natasha reads «15.01.25» as 1925
    if fact.month is None:
        return f"{year:04d}" if year else None
    if fact.day is None:
        return f"{year or now.year:04d}-{fact.month:02d}"
    return _iso_day(year or _closest_year(fact.month, fact.day, now), fact.month, fact.day)


def _iso_day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # «31 февраля»
        return None


def _closest_year(month: int, day: int, now: date) -> int:
    """The latest year in which month/day falls no later than `LOOKAHEAD` after `now`."""
    for year in (now.year + 1, now.year, now.year - 1, now.year - 2, now.year - 3, now.year - 4):
        try:
            if date(year, month, day) <= now + LOOKAHEAD:
                return year
        except ValueError:  # 29 February
            continue
    return now.year
