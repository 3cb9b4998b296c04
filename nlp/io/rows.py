"""Reading raw rows from JSONL, CSV, TSV, Parquet and xlsx without losing or hiding any of them.

Every row comes back as a `RawRow`: its 1-based line (or row) number and either the parsed
fields or the reason it could not be parsed. Callers decide what to do with bad rows; the
readers never drop one. A file that cannot be read at all (missing, empty, an old .xls) is an
`InputError` before the first row; the encoding of text files is detected (see `sniff`).
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.io.csv_records import CsvRecord, csv_records
from nlp.io.formats import Format, detect_format
from nlp.io.sniff import Sniffed, sniff
from nlp.io.xlsx import xlsx_table

UNDECODABLE = "undecodable bytes (not valid UTF-8)"
KEEP_EMPTY = ("text", "labels")  # an empty CSV cell elsewhere means «field absent»
SURROGATE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of undecodable bytes
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RawRow:
    line: int
    fields: dict[str, Any] | None = None
    error: str | None = None
    raw: str | None = None
    """The row's physical line(s) as read, when it could not be parsed (bad bytes as `\\xff`)."""


def sniff_file(path: Path, encoding: str | None = None) -> Sniffed:
    """The format and text encoding `path` is read with (checked: it exists and is not empty)."""
    return sniff(path, detect_format(path), encoding)


def read_rows(path: Path, encoding: str | None = None) -> Iterator[RawRow]:
    """Every row of the file; `encoding` overrides the detected one for text formats."""
    source = sniff_file(path, encoding)
    readers = {
        Format.jsonl: _jsonl_rows,
        Format.csv: _csv_rows,
        Format.tsv: _tsv_rows,
        Format.parquet: _parquet_rows,
    }
    if source.format is Format.xlsx:
        return _xlsx_rows(path)
    return readers[source.format](path, source.encoding)


def _jsonl_rows(path: Path, encoding: str = "utf-8") -> Iterator[RawRow]:
    with path.open("rb") as handle:
        for number, raw in enumerate(physical_lines(handle), start=1):
            yield _parse_json_line(number, raw, encoding)


def physical_lines(handle) -> Iterator[bytes]:
    """The file's lines as bytes, counted by the file (not a parser), without a leading BOM."""
    first = next(handle, b"")
    if first:
        yield first.removeprefix(BOM)
    yield from handle


def _parse_json_line(number: int, raw: bytes, encoding: str = "utf-8") -> RawRow:
    try:
        line = raw.decode(encoding)
    except UnicodeDecodeError:
        return RawRow(number, error=undecodable(encoding), raw=_printable(raw, encoding))
    if not line.strip():
        return RawRow(number, error="blank line", raw=line)
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return RawRow(number, error=f"invalid JSON: {exc.msg} at column {exc.colno}", raw=line)
    if not isinstance(value, dict):
        kind = type(value).__name__
        return RawRow(number, error=f"invalid record: a JSON object expected, got {kind}", raw=line)
    return RawRow(number, fields=value)


def undecodable(encoding: str) -> str:
    return UNDECODABLE if encoding == "utf-8" else f"undecodable bytes (not valid {encoding})"


def _printable(raw: bytes, encoding: str = "utf-8") -> str:
    return raw.decode(encoding, errors="backslashreplace")


def _csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> Iterator[RawRow]:
    """Streams the file; undecodable bytes survive as surrogates and flag their row."""
    with path.open("rb") as handle:
        records = csv_records(_text_lines(handle, encoding), delimiter)
        header = next(records, None)
        if header is None:
            return
        if header.cells is None:
            yield _bad_record(header)
            return
        for record in records:
            if record.cells != []:  # a blank line holds no row
                yield _csv_row(record, header.cells, encoding)


def _text_lines(handle, encoding: str) -> Iterator[str]:
    return (raw.decode(encoding, errors="surrogateescape") for raw in physical_lines(handle))


def csv_header(path: Path, delimiter: str = ",", encoding: str | None = None) -> list[str]:
    """The column names of a CSV, TSV or xlsx file."""
    source = sniff_file(path, encoding)
    if source.format is Format.xlsx:
        return next((cells for _, cells in xlsx_table(path)), [])
    with path.open("rb") as handle:
        header = next(csv_records(_text_lines(handle, source.encoding), delimiter), None)
    return (header.cells or []) if header else []


def _tsv_rows(path: Path, encoding: str = "utf-8") -> Iterator[RawRow]:
    return _csv_rows(path, encoding, delimiter="\t")


def _bad_record(record: CsvRecord, error: str | None = None, encoding: str = "utf-8") -> RawRow:
    raw = "".join(record.raw).encode(encoding, errors="surrogateescape")
    return RawRow(record.line, error=error or record.error, raw=_printable(raw, encoding))


def _csv_row(record: CsvRecord, header: list[str], encoding: str = "utf-8") -> RawRow:
    if record.cells is None:
        return _bad_record(record, encoding=encoding)
    if any(_has_surrogates(value) for value in record.cells):
        return _bad_record(record, undecodable(encoding), encoding)
    return _fields_row(record.line, header, record.cells)


def _fields_row(line: int, header: list[str], cells: list[str]) -> RawRow:
    row = dict(zip(header, cells, strict=True))
    fields: dict[str, Any] = {key: value for key, value in row.items() if value != "" or key in KEEP_EMPTY}
    if "labels" in fields:
        fields["labels"] = split_labels(fields["labels"])
    return RawRow(line, fields=fields)


def _xlsx_rows(path: Path) -> Iterator[RawRow]:
    table = xlsx_table(path)
    _, header = next(table, (0, []))
    for line, cells in table:
        cells = (cells + [""] * len(header))[: len(header)]
        yield _fields_row(line, header, cells)


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


def _parquet_rows(path: Path, encoding: str = "utf-8", batch_rows: int = 4096) -> Iterator[RawRow]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            number += 1
            yield RawRow(number, fields=row)
