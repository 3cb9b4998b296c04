"""Output paths checked before any work: a run must not find out at the end that it cannot write."""

import os
from pathlib import Path

from serve.tagging.refused import Refused


def check_output(path: Path, option: str = "--out") -> None:
    """`path` is a file that can be written (its folder exists or can be made, with write access)."""
    if path.is_dir():
        raise Refused(f"{option} {path} is a directory; give a file name, e.g. {path / 'out.csv'}")
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise Refused(f"cannot write {option} {path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise Refused(f"cannot write {option} {path}: permission denied; choose another path")


def _nearest_existing(folder: Path) -> Path:
    folder = folder.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder
