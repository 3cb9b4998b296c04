"""Files that survive a crash: written to `.tmp`, fsynced, renamed, and never left half-made."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

Writer = Callable[[BinaryIO], object]


def staged(path: Path) -> Path:
    """Where `path` is written before it is renamed into place."""
    return path.with_name(path.name + ".tmp")


def write_synced(path: Path, write: Writer) -> None:
    """Writes and fsyncs `path`; removes it if writing fails."""
    try:
        with path.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, write: Writer) -> None:
    """`path` appears complete or not at all (the old content stays until then)."""
    write_synced(staged(path), write)
    os.replace(staged(path), path)
    sync_directory(path.parent)


def sync_directory(path: Path) -> None:
    """Makes renames and removals in `path` durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
