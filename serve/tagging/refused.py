"""A run refused before it could do harm: one line for the user, exit code 2, no traceback."""


class Refused(ValueError):
    """Raised with a one-line message that names what is wrong and what to do."""
