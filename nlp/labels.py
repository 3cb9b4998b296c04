"""The default label contract: the 12 complaint types of our corpus, sentiments and urgencies.

The names, their order and their meaning follow `docs/labels.md`. A model trained on the corpus
carries these 12 in its config; a model trained on a team's own taxonomy carries that one
(`nlp.taxonomy`, `training.taxonomy`), and every driver reads the labels from the model, not
from here. Sentiments and urgencies are the same for every taxonomy.
"""

from typing import Literal, get_args

ComplaintLabel = Literal[
    "late_delivery",
    "missing_bonus",
    "incomplete_order",
    "wrong_item",
    "damaged_item",
    "refund_issue",
    "payment_issue",
    "support_unresponsive",
    "courier_issue",
    "order_cancelled",
    "app_issue",
    "price_promo",
]
Sentiment = Literal["negative", "neutral", "positive"]
Urgency = Literal["low", "medium", "high"]
Channel = Literal["chat", "email", "review", "social", "call"]

COMPLAINT_LABELS: tuple[str, ...] = get_args(ComplaintLabel)
SENTIMENTS: tuple[str, ...] = get_args(Sentiment)
URGENCIES: tuple[str, ...] = get_args(Urgency)
CHANNELS: tuple[str, ...] = get_args(Channel)

RETENTION_URGENCY: Urgency = "high"
"""The urgency level that means «call this customer before they leave»."""

DESCRIPTIONS: dict[str, str] = {
    "late_delivery": "the order is late, its date was missed or moved, it has not arrived",
    "missing_bonus": "loyalty points, bonuses or cashback not credited or wrongly written off",
    "incomplete_order": "part of the order is missing: an item not packed, fewer units",
    "wrong_item": "a different item, size, colour or someone else's order was delivered",
    "damaged_item": "the item is broken, defective, spoiled, expired or damaged in transit",
    "refund_issue": "money not returned, refund delayed or refused, return refused",
    "payment_issue": "double charge, failed payment with money taken, wrong amount, receipt",
    "support_unresponsive": "support ignores, gives form replies, cannot be reached, bot loops",
    "courier_issue": "courier late for the slot, did not call, rude, left it at the door",
    "order_cancelled": "the shop cancelled the order without the customer's wish",
    "app_issue": "the site or app fails: checkout errors, login, crashes, history",
    "price_promo": "promo code or discount not applied, price changed, misleading promotion",
}
