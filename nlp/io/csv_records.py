"""CSV records over physical lines: a malformed record costs one line, never the rows after it.

The stdlib parser reads each record from a replayable buffer of the file's lines. A record may
span lines (a quoted field with newlines) only if it parses, strictly, into exactly the header's
number of fields within `MAX_RECORD_LINES`; otherwise its first line alone is rejected and
parsing resumes on the next line. So an unclosed quote loses one row, not the rest of the file.
"""

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

MAX_RECORD_LINES = 1000  # a quoted field spanning more lines is taken for an unclosed quote
FIELD_SIZE_LIMIT = 2**31 - 1  # the stdlib's 131,072 would stop the reader at one long field


@dataclass(frozen=True)
class CsvRecord:
    line: int  # the physical line the record starts on (1-based, header included)
    raw: list[str]  # the record's physical lines, as read
    cells: list[str] | None = None
    error: str | None = None


def csv_records(lines: Iterator[str], delimiter: str, width: int | None = None) -> Iterator[CsvRecord]:
    """Records of `lines` (the header first); `width` fields each, or the header's width."""
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    pending: deque[str] = deque()
    number = 1
    while pending or _fill(pending, lines):
        record = _next_record(pending, lines, number, delimiter, width)
        width = width or len(record.cells or ())
        for _ in record.raw:
            pending.popleft()
        number += len(record.raw)
        yield record


def _fill(pending: deque[str], lines: Iterator[str]) -> bool:
    line = next(lines, None)
    if line is not None:
        pending.append(line)
    return line is not None


def _next_record(
    pending: deque[str], lines: Iterator[str], number: int, delimiter: str, width: int | None
) -> CsvRecord:
    reader = csv.reader(_window(pending, lines), delimiter=delimiter, strict=True)
    try:
        cells = next(reader, [])
    except csv.Error as exc:
        cause = "an unclosed quote, " if reader.line_num > 1 else ""
        return CsvRecord(number, [pending[0]], error=f"malformed CSV: {cause}{exc}")
    used = max(reader.line_num, 1)
    if width is None or len(cells) == width or (used == 1 and not cells):
        return CsvRecord(number, list(pending)[:used], cells=cells)
    if used > 1:
        return CsvRecord(number, [pending[0]], error="malformed CSV: an unclosed quote")
    side = "more" if len(cells) > width else "fewer"
    return CsvRecord(number, [pending[0]], error=f"malformed row: {side} fields than the header")


def _window(pending: deque[str], lines: Iterator[str]) -> Iterator[str]:
    """The buffered lines, then new ones from the file, at most `MAX_RECORD_LINES` in all."""
    for index in range(MAX_RECORD_LINES):
        if index == len(pending) and not _fill(pending, lines):
            return
        yield pending[index]
