"""What an input file really is, from its first bytes: empty, a spreadsheet, Parquet, or text in
some encoding. A file that cannot be read at all is an `InputError` naming the fix.

Text is UTF-8 unless most of its non-ASCII lines are not; then it is a legacy Cyrillic code page
(cp1251 from Excel, KOI8-R, cp866), guessed by `charset-normalizer` where installed, else cp1251.
A few broken lines in a UTF-8 file stay UTF-8: those rows are rejected, the others read.
"""

import codecs
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import InputError
from nlp.io.formats import Format

SAMPLE_BYTES = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc) files
PARQUET_MAGIC = b"PAR1"
LEGACY = ("cp1251", "koi8_r", "cp866")


@dataclass(frozen=True)
class Sniffed:
    format: Format
    encoding: str = "utf-8"


def sniff(path: Path, fmt: Format, encoding: str | None = None) -> Sniffed:
    """The format to read `path` with (`fmt` from its name, unless its bytes say otherwise)."""
    head = _head(path)
    if head.startswith(ZIP_MAGIC):
        return Sniffed(Format.xlsx)
    if head.startswith(OLE_MAGIC):
        raise InputError(f"{path} is an old Excel (.xls) workbook; save it as .xlsx or as CSV UTF-8")
    if head.startswith(PARQUET_MAGIC) or fmt is Format.parquet:
        return Sniffed(Format.parquet)
    if fmt is Format.xlsx:
        raise InputError(f"{path} is not an Excel workbook (no zip signature); is it CSV? rename it")
    return Sniffed(fmt, checked_encoding(encoding) if encoding else guess_encoding(head))


def _head(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path} does not exist; check the path")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give a file")
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip():
        raise InputError(f"{path} is empty")
    return head


def checked_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(f"unknown encoding {name!r}; try utf-8 or cp1251") from None


def guess_encoding(sample: bytes) -> str:
    """utf-8, or the legacy code page when most lines with non-ASCII bytes are not UTF-8."""
    lines = [line for line in sample.split(b"\n")[:-1] or [sample] if not line.isascii()]
    bad = sum(not _is_utf8(line) for line in lines)
    if bad * 2 <= len(lines):
        return "utf-8"
    return _legacy_encoding(b"\n".join(lines))


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _legacy_encoding(sample: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return "cp1251"
    best = from_bytes(sample, cp_isolation=list(LEGACY)).best()
    return codecs.lookup(best.encoding).name if best else "cp1251"
