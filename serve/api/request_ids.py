"""Request ids: a client's `X-Request-ID` is kept only when short and plain, else a fresh one is made.

A free-form id would carry whatever the client chose (a phone number, a message) into every log
line; ids of up to 128 characters from `[A-Za-z0-9._-]` cannot.
"""

import re
import uuid

VALID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def request_id(given: bytes | None) -> str:
    """The client's id when it is valid, else a generated one (32 hex digits)."""
    text = given.decode("latin-1") if given else ""
    return text if VALID.fullmatch(text) else uuid.uuid4().hex
