"""Mistakes a user can fix end a command with one line on stderr and exit code 2, no traceback;
`triage --debug …` (or TRIAGE_DEBUG=1) shows the traceback instead.

The mistakes are the errors raised with a message written for a person: an unusable model
directory, an input that cannot be read, a run refused before it could do harm.
"""

import functools
import os
from collections.abc import Callable
from typing import NoReturn, TypeVar

import typer

from nlp.errors import InputError, ModelFormatError
from serve.tagging.refused import Refused

USER_ERRORS = (ModelFormatError, InputError, Refused)
USAGE = 2
"""Exit code of a run refused for a mistake in its arguments or inputs (as click's usage errors)."""

Command = TypeVar("Command", bound=Callable)
_debug = {"on": False}


def set_debug(on: bool) -> None:
    _debug["on"] = on or os.environ.get("TRIAGE_DEBUG", "") not in ("", "0")


def friendly(command: Command) -> Command:
    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> object:
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as exc:
            if _debug["on"]:
                raise
            fail(str(exc))

    return run  # type: ignore[return-value]


def fail(message: str, code: int = USAGE) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
