"""Chunk outputs («parts») in every format, written durably and joined at the end.

A part is committed when its summary file exists (written last, by rename): a killed run
leaves at most one uncommitted part, which a resumed run overwrites. Every part of a run has
the same columns (fixed before the work), so parts always join.
"""

import csv
import io
import json
from pathlib import Path
from typing import BinaryIO

from nlp.io.formats import WRITABLE, Format, format_name
from serve.tagging.cells import csv_cell
from serve.tagging.durable import atomic_write, write_synced


def output_format(path: Path, explicit: str | None) -> Format:
    name = format_name(path, explicit)
    if name not in WRITABLE:
        listed = ", ".join(WRITABLE)
        raise ValueError(f"unknown format {name!r} for {path}; use --format with one of {listed}")
    return Format(name)


def write_part(path: Path, rows: list[dict], fmt: str, columns: list[str]) -> None:
    atomic_write(path, lambda handle: write_rows(handle, rows, fmt, columns))


def write_rows(handle: BinaryIO, rows: list[dict], fmt: str, columns: list[str]) -> None:
    """JSONL keeps each row's own keys; the tabular formats get exactly `columns`."""
    if fmt == "jsonl":
        _write_jsonl(handle, rows)
    elif fmt == "parquet":
        _write_parquet(handle, [{name: row.get(name) for name in columns} for row in rows])
    else:
        _write_delimited(handle, rows, "\t" if fmt == "tsv" else ",", columns)


def _write_delimited(handle: BinaryIO, rows: list[dict], delimiter: str, columns: list[str]) -> None:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows)
    text.flush()
    text.detach()


def _write_jsonl(handle: BinaryIO, rows: list[dict]) -> None:
    for row in rows:
        handle.write((json.dumps(row, ensure_ascii=False, default=str) + "\n").encode("utf-8"))


def _write_parquet(handle: BinaryIO, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), handle)


def join_parts(parts: list[Path], target: Path, fmt: str, columns: list[str]) -> None:
    """Concatenates part files into `target` (fsynced, not renamed), one part at a time."""
    if fmt == "parquet":
        write_synced(target, lambda handle: _join_parquet(parts, handle, columns))
    elif fmt in ("csv", "tsv"):
        write_synced(target, lambda handle: _join_delimited(parts, handle, fmt, columns))
    else:
        write_synced(target, lambda handle: [handle.write(part.read_bytes()) for part in parts])


def _join_delimited(parts: list[Path], handle: BinaryIO, fmt: str, columns: list[str]) -> None:
    header = io.BytesIO()
    _write_delimited(header, [], "\t" if fmt == "tsv" else ",", columns)
    handle.write(header.getvalue())
    for part in parts:
        first, _, rest = part.read_bytes().partition(b"\n")
        if first + b"\n" != header.getvalue():
            raise ValueError(f"{part}: columns differ from the run's columns")
        handle.write(rest)


def _join_parquet(parts: list[Path], handle: BinaryIO, columns: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not parts:
        pq.write_table(pa.table({name: pa.array([], pa.string()) for name in columns}), handle)
        return
    schema = pa.unify_schemas([pq.read_schema(part) for part in parts], promote_options="permissive")
    with pq.ParquetWriter(handle, schema) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))
