"""The input's columns, known before any row is tagged: header, Parquet schema or a JSONL pass.

For JSONL, where each record has its own keys, one pass collects every key (in order of first
appearance) and the kinds of value each holds, so that drift between chunks is found up front.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nlp.io.rows import csv_header, read_rows, sniff_file

JSON_KINDS: dict[type, str] = {str: "string", list: "list", dict: "object"}
"""The kind of a JSON value by its Python type (numbers and booleans apart, see `kind_of`)."""


@dataclass(frozen=True)
class InputSchema:
    columns: list[str]
    kinds: dict[str, set[str]] = field(default_factory=dict)
    """JSONL only: the kinds of non-null value of each column (`number` for ints and floats)."""

    def mixed(self) -> dict[str, set[str]]:
        """Columns whose values are of more than one kind."""
        return {name: kinds for name, kinds in self.kinds.items() if len(kinds) > 1}


def input_schema(path: Path, encoding: str | None = None) -> InputSchema:
    fmt = sniff_file(path, encoding).format
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return InputSchema(pq.read_schema(path).names)
    if fmt in ("csv", "tsv", "xlsx"):
        return InputSchema(csv_header(path, "\t" if fmt == "tsv" else ",", encoding))
    return _jsonl_schema(path, encoding)


def _jsonl_schema(path: Path, encoding: str | None = None) -> InputSchema:
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(path, encoding):
        for name, value in (row.fields or {}).items():
            kinds[name].update([kind_of(value)] if value is not None else [])
    return InputSchema(list(kinds), dict(kinds))


def kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return JSON_KINDS.get(type(value), type(value).__name__)
