"""Giving freed memory back to the system after a large forward pass.

glibc keeps freed heap pages for reuse; after thousands of evidence rows the process would keep
their peak for good. `malloc_trim(0)` returns the free pages at the top of every arena (a few ms).
Elsewhere than glibc it does nothing.
"""

import ctypes
import ctypes.util
from functools import cache


@cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def give_back_memory() -> None:
    """Return free heap pages to the system (glibc only)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
