"""The file formats, named by the file's extension (`.json` and `.ndjson` are JSON Lines)."""

from enum import Enum
from pathlib import Path

from nlp.errors import InputError

ALIASES = {"json": "jsonl", "ndjson": "jsonl"}


class Format(str, Enum):
    """A file format; equal to its name as a string (`Format.csv == "csv"`)."""

    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    parquet = "parquet"
    xlsx = "xlsx"

    def __str__(self) -> str:
        return self.value

    @property
    def delimited(self) -> bool:
        """CSV or TSV: a header line, then one record per line (or more, quoted)."""
        return self in (Format.csv, Format.tsv)


READABLE = tuple(Format)
WRITABLE = (Format.csv, Format.tsv, Format.jsonl, Format.parquet)


def format_name(path: Path, explicit: str | None = None) -> str:
    """The format's name from `explicit` (a --format value) or the file's extension, unchecked."""
    name = explicit or path.suffix.lower().lstrip(".")
    return ALIASES.get(name, name)


def detect_format(path: Path, explicit: str | None = None, allowed: tuple[Format, ...] = READABLE) -> Format:
    """The format of `path`, by `explicit` or its extension; an `InputError` if not one of `allowed`."""
    name = format_name(path, explicit)
    if name not in allowed:
        raise InputError(f"{path}: unknown format {name!r}; expected one of {', '.join(allowed)}")
    return Format(name)
