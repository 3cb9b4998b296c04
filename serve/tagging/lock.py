"""One writer per output: `OUT.lock`, held with `flock` for as long as the writing process lives.

The file holds the writer's PID, for the message a second writer gets. The kernel drops the
lock when its process dies, so a lock file left behind by a killed run (a dead PID) is simply
taken over. The file is removed on release; a writer that locked a file someone removed
meanwhile starts again, so two writers can never hold two different files.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from serve.tagging.refused import Refused


def lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


@contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Refuses at once (`Refused`) when another live process writes `target`."""
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)  # the output's folder may not exist yet
    handle = _acquire(path, target)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        handle.close()


def _acquire(path: Path, target: Path) -> TextIO:
    while True:
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            handle.close()
            raise Refused(
                f"{target} is being written by another run (pid {holder}, lock {path}); "
                "wait for it to end or stop it"
            ) from None
        if _still_there(handle, path):
            handle.truncate(0)
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            return handle
        handle.close()


def _holder(handle: TextIO) -> str:
    handle.seek(0)
    return handle.read().strip() or "unknown"


def _still_there(handle: TextIO, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False
