"""Excel workbooks (.xlsx): the first sheet, its first row the header, read with openpyxl.

Cells come back as strings, as from a CSV (numbers without a spurious «.0», times in ISO form);
an empty cell is an absent field. Row numbers are the sheet's (the header is row 1).
"""

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO

from nlp.errors import InputError


def xlsx_table(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) for every non-empty row of the first sheet, the header first."""
    with path.open("rb") as handle:  # a handle: openpyxl would refuse a workbook named .csv
        workbook = _open(path, handle)
        try:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if any(value not in (None, "") for value in values):
                    yield number, [cell_text(value) for value in values]
        finally:
            workbook.close()


def _open(path: Path, handle: BinaryIO):
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            f"{path} is an Excel workbook: save it as CSV UTF-8, or `pip install openpyxl` to read it"
        ) from None
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook raises any of a dozen types
        raise InputError(f"{path} is a zip file but not a readable .xlsx workbook ({exc})") from None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
