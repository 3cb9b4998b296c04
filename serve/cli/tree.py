"""The rules every `triage` command follows, applied once to the whole command tree when the
group is built: mistakes as one line and exit code 2 (`serve.friendly`), and help that reads
like spaCy's and the Hugging Face CLI's: `-h`, placeholders such as PATH and N instead of
typer's `<list[Path]>` or `<bool>`."""

from pathlib import Path
from typing import Any, get_args

from typer.core import TyperArgument, TyperGroup

from serve.friendly import friendly

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
PLACEHOLDERS: dict[type, str] = {Path: "PATH", int: "N", float: "NUMBER", str: "TEXT"}


class TriageGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in _walk(self):
            _plain_help_flag(command)
            for param in command.params:
                _readable(param)
            if not hasattr(command, "commands"):
                command.callback = friendly(command.callback)


def _walk(group: Any) -> list[Any]:
    found: list[Any] = [group]
    for command in group.commands.values():
        found.extend(_walk(command) if hasattr(command, "commands") else [command])
    return found


def _plain_help_flag(command: Any) -> None:
    """`-h, --help` without a type column (click makes that option per context)."""
    make = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = make(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = get_help_option


def placeholder(param: Any) -> str | None:
    """PATH, N, NUMBER or TEXT by the parameter's annotation; nothing for a flag; None (typer's
    own) for choices."""
    if getattr(param, "is_flag", False):
        return ""
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return None
    kind = get_args(descriptor.annotation)[0] if descriptor.is_list else descriptor.annotation
    return PLACEHOLDERS.get(kind)


def _readable(param: Any) -> None:
    name = placeholder(param)
    if param.metavar is not None or name is None:
        return
    if isinstance(param, TyperArgument):
        param.metavar = name
        param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]  # the name column says it
    else:
        param.metavar = name
