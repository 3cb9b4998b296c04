"""Russian names of the labels, sentiments and urgencies, for people: the terminal table, the tag
summary. Codes stay the contract (JSON, files, the API); a code without a name here (a team's
own label set) is shown as it is. The list is the one in `docs/labels.md` («Display names»).
"""

DISPLAY_NAMES: dict[str, str] = {
    "late_delivery": "опоздание доставки",
    "missing_bonus": "бонусы не начислены",
    "incomplete_order": "неполный заказ",
    "wrong_item": "не тот товар",
    "damaged_item": "брак или повреждение",
    "refund_issue": "возврат денег",
    "payment_issue": "проблема с оплатой",
    "support_unresponsive": "поддержка не отвечает",
    "courier_issue": "курьер",
    "order_cancelled": "заказ отменён магазином",
    "app_issue": "сбой сайта или приложения",
    "price_promo": "цена или промокод",
    "negative": "негатив",
    "neutral": "нейтрально",
    "positive": "позитив",
    "low": "низкая",
    "medium": "средняя",
    "high": "высокая",
}


def display_name(code: str) -> str:
    return DISPLAY_NAMES.get(code, code)
