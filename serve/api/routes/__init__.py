"""Routes split by concern: classification, health, model information, the web page."""
