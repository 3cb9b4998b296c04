"""Where the model is, whatever the working directory, and a one-line error when it is not there.

The default is `$TRIAGE_MODEL`, else `models/default` in the project (where `make demo` and
`triage train` put it), never a path relative to the current directory.
"""

import os
from pathlib import Path

from nlp.errors import ModelFormatError

MODEL_VARIABLE = "TRIAGE_MODEL"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = Path("models") / "default"
"""Where `triage train` writes by default (relative to the working directory) and, under the
project, where every command looks when no model is named."""


def default_model_dir() -> Path:
    value = os.environ.get(MODEL_VARIABLE, "").strip()
    return Path(value).expanduser() if value else PROJECT_ROOT / DEFAULT_MODEL


def require_model_dir(path: Path | None) -> Path:
    """`path` (or the default) if it holds a usable model; else a `ModelFormatError` saying how
    to get one. Reads only config.json and the weights' header: no model is loaded."""
    from nlp.checks import check_model_dir

    path = path or default_model_dir()
    if not (path / "config.json").is_file():
        raise ModelFormatError(f"{path} is not a model directory ({_why(path)}); {_fix(path)}")
    check_model_dir(path)
    return path


def _why(path: Path) -> str:
    if not path.exists():
        return "it does not exist"
    return "not a directory" if not path.is_dir() else "no config.json in it"


def _fix(path: Path) -> str:
    build = "build the default one with `make demo` or `triage train`"
    if path == default_model_dir():
        return f"{build}, or point {MODEL_VARIABLE} at a model directory"
    return f"check -m/--model, or {build} (it goes to {default_model_dir()})"
