"""Errors of the inference side that callers show to a person (no heavy imports here)."""


class ModelFormatError(ValueError):
    """A model directory this build cannot use: missing, another format version, or config and
    weights disagree. The message is one line naming the problem and the fix."""


class InputError(ValueError):
    """An input file that cannot be read as given; the message says what to do instead."""
