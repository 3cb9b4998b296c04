"""Chunk outputs («parts») in every format, written atomically and joined at the end.

A part is committed when its summary file exists (written last, by rename): a killed run
leaves at most one uncommitted part, which a resumed run overwrites.
"""

import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path

FORMATS = ("csv", "tsv", "jsonl", "parquet")


def output_format(path: Path, explicit: str | None) -> str:
    name = explicit or path.suffix.lower().lstrip(".")
    name = {"json": "jsonl", "ndjson": "jsonl"}.get(name, name)
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r} for {path}; use --format with one of {', '.join(FORMATS)}")
    return name


def atomic_write(path: Path, write) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        write(handle)
    os.replace(temporary, path)


def write_part(path: Path, rows: list[dict], fmt: str) -> None:
    atomic_write(path, lambda handle: WRITERS[fmt](handle, rows))


def _cell(value: object) -> object:
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_delimited(handle, rows: list[dict], delimiter: str) -> None:
    import io

    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    columns = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(text, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
    text.flush()
    text.detach()


def _write_jsonl(handle, rows: list[dict]) -> None:
    for row in rows:
        handle.write((json.dumps(row, ensure_ascii=False, default=str) + "\n").encode("utf-8"))


def _write_parquet(handle, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), handle)


WRITERS = {
    "csv": lambda handle, rows: _write_delimited(handle, rows, ","),
    "tsv": lambda handle, rows: _write_delimited(handle, rows, "\t"),
    "jsonl": _write_jsonl,
    "parquet": _write_parquet,
}


def join_parts(parts: Iterable[Path], target: Path, fmt: str) -> None:
    """Concatenate part files into `target` (atomically), streaming one part at a time."""
    parts = list(parts)
    if fmt == "parquet":
        atomic_write(target, lambda handle: _join_parquet(parts, handle))
    elif fmt in ("csv", "tsv"):
        atomic_write(target, lambda handle: _join_delimited(parts, handle))
    else:
        atomic_write(target, lambda handle: [handle.write(part.read_bytes()) for part in parts])


def _join_delimited(parts: list[Path], handle) -> None:
    header = None
    for part in parts:
        first, _, rest = part.read_bytes().partition(b"\n")
        if header is None:
            header = first
            handle.write(first + b"\n")
        elif first != header:
            raise ValueError(f"{part}: columns differ from the first part; write JSONL or Parquet instead")
        handle.write(rest)


def _join_parquet(parts: list[Path], handle) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not parts:
        return
    schema = pa.unify_schemas([pq.read_schema(part) for part in parts], promote_options="permissive")
    with pq.ParquetWriter(handle, schema) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))
