"""Reading raw rows from JSONL, CSV and Parquet without losing or hiding any of them.

Every row comes back as a `RawRow`: its 1-based line (or row) number and either the parsed
fields or the reason it could not be parsed. Callers decide what to do with bad rows; the
readers never drop one.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNDECODABLE = "undecodable bytes (not valid UTF-8)"
FORMATS = ("jsonl", "csv", "tsv", "parquet")
KEEP_EMPTY = ("text", "labels")  # an empty CSV cell elsewhere means «field absent»
SURROGATE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of undecodable bytes


@dataclass(frozen=True)
class RawRow:
    line: int
    fields: dict[str, Any] | None = None
    error: str | None = None


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("json", "ndjson"):
        return "jsonl"
    if suffix not in FORMATS:
        raise ValueError(f"{path}: unknown format {suffix!r}; expected one of {', '.join(FORMATS)}")
    return suffix


def read_rows(path: Path) -> Iterator[RawRow]:
    readers = {"jsonl": _jsonl_rows, "csv": _csv_rows, "tsv": _tsv_rows, "parquet": _parquet_rows}
    return readers[detect_format(path)](path)


def _jsonl_rows(path: Path) -> Iterator[RawRow]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield _parse_json_line(number, raw)


def _parse_json_line(number: int, raw: bytes) -> RawRow:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return RawRow(number, error=UNDECODABLE)
    if not line.strip():
        return RawRow(number, error="blank line")
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return RawRow(number, error=f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(value, dict):
        return RawRow(number, error=f"invalid record: a JSON object expected, got {type(value).__name__}")
    return RawRow(number, fields=value)


def _csv_rows(path: Path, delimiter: str = ",") -> Iterator[RawRow]:
    """Streams the file; undecodable bytes survive as surrogates and flag their row."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.DictReader(text, delimiter=delimiter)
        start = 2  # the header is line 1
        try:
            for row in reader:
                yield _csv_row(start, row)
                start = reader.line_num + 1
        except csv.Error as exc:
            yield RawRow(start, error=f"malformed CSV: {exc}")


def _tsv_rows(path: Path) -> Iterator[RawRow]:
    return _csv_rows(path, delimiter="\t")


def _csv_row(number: int, row: dict[str | None, Any]) -> RawRow:
    if None in row:
        return RawRow(number, error="malformed row: more fields than the header")
    if any(value is None for value in row.values()):
        return RawRow(number, error="malformed row: fewer fields than the header")
    if any(_has_surrogates(value) for value in row.values()):
        return RawRow(number, error=UNDECODABLE)
    fields = {key: value for key, value in row.items() if value != "" or key in KEEP_EMPTY}
    if "labels" in fields:
        fields["labels"] = split_labels(fields["labels"])
    return RawRow(number, fields=fields)


def _has_surrogates(value: str) -> bool:
    return SURROGATE.search(value) is not None


def split_labels(cell: str) -> list[str]:
    """A CSV labels cell is either a JSON list or labels joined by «;»."""
    cell = cell.strip()
    if cell.startswith("["):
        try:
            return json.loads(cell)
        except json.JSONDecodeError:
            return [cell]
    return [label.strip() for label in cell.split(";") if label.strip()]


def _parquet_rows(path: Path, batch_rows: int = 4096) -> Iterator[RawRow]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            number += 1
            yield RawRow(number, fields=row)
