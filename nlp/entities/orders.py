"""Order numbers, as customers write them: «заказ 12345678», «№ 4471-220», «номер заказа: A-5531»,
«по заказу # 19-ЭЛ-3344», «заказ № 3355 1290», or a masked bare number «190**460».

An identifier counts after an order word or «№»; it needs at least three digits (masked «*»
included) so that «заказ 5 штук» is not one. The value is the identifier without spaces.
"""

import re
from collections.abc import Iterator

from nlp.entities.patterns import DIGIT, Match

_PART = r"[A-ZА-ЯЁ\d*]+"
_ID = rf"(?P<id>{_PART}(?:[-/]{_PART})*(?: \d{{4}}(?![\d,.]?\d))?)"
_KEYWORD = r"(?i:заказ(?:а|у|ом|е|ы|ов|ам|ами|ах)?|номер(?:а|у|ом|е)?(?:\s+заказа)?|order)"
AFTER_KEYWORD = re.compile(rf"(?<![\w]){_KEYWORD}(?:\s*[:№#]\s*|\s+)(?:№\s*)?{_ID}(?![\w*])")
AFTER_SIGN = re.compile(rf"№\s*{_ID}(?![\w*])")
MASKED = re.compile(r"(?<![\w*+])(?P<id>\d{2,}\*+\d{2,})(?![\w*])")


def find_orders(text: str) -> Iterator[Match]:
    if not DIGIT.search(text):
        return
    for pattern in (AFTER_KEYWORD, AFTER_SIGN, MASKED):
        for found in pattern.finditer(text):
            identifier = found["id"]
            if sum(char.isdigit() or char == "*" for char in identifier) >= 3:
                yield Match("order_number", found.start("id"), found.end("id"), identifier.replace(" ", ""))
