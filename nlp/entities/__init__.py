"""Entities in a support message: order numbers, money, dates, phones, e-mails, cards."""
