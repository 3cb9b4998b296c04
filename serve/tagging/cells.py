"""Values as CSV cells: lists joined by «;», records as JSON, formulas neutralised.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return) as a formula. Every such text cell of a CSV or TSV output gets a leading
single quote, as OWASP recommends; JSONL and Parquet outputs keep the text as it was.
"""

import json

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    if isinstance(value, list):
        value = ";".join(map(str, value))
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(value) if isinstance(value, str) else value


def neutralise(text: str) -> str:
    """`'=1+1` for `=1+1`: shown as text, never evaluated."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
