"""Checking labelled files against the label contract, one clear problem per bad record."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nlp.io.rows import RawRow, read_rows
from nlp.taxonomy import Taxonomy, default_taxonomy
from training.data.records import TicketRecord


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


@dataclass
class ValidationResult:
    records: list[TicketRecord]
    problems: list[Problem]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_files(paths: Iterable[Path], taxonomy: Taxonomy | None = default_taxonomy()) -> ValidationResult:
    """Validate every row of every file; ids must be unique across all of them.

    Labels must belong to `taxonomy` (the default contract unless a label file's is given);
    with None any well-formed label name is accepted.
    """
    result = ValidationResult(records=[], problems=[], rows=0)
    first_seen: dict[str, str] = {}
    for path in paths:
        for row in _rows_or_unreadable(path):
            result.rows += 1
            record, problems = check_row(str(path), row, taxonomy)
            if record is not None:
                problems += _duplicate_problem(str(path), row.line, record.id, first_seen)
            result.problems += problems
            if record is not None and not problems:
                result.records.append(record)
    return result


def _rows_or_unreadable(path: Path) -> Iterator[RawRow]:
    try:
        yield from read_rows(path)
    except (OSError, ValueError) as exc:
        yield RawRow(0, error=f"unreadable file: {exc}")


def check_row(
    file: str, row: RawRow, taxonomy: Taxonomy | None = None
) -> tuple[TicketRecord | None, list[Problem]]:
    if row.error is not None:
        return None, [Problem(file, row.line, "-", row.error)]
    try:
        record = TicketRecord.model_validate(row.fields)
    except ValidationError as exc:
        return None, [_problem(file, row.line, error) for error in exc.errors()]
    problems = _unknown_labels(file, row.line, record.labels, taxonomy) if taxonomy else []
    return (None if problems else record), problems


def _unknown_labels(file: str, line: int, labels: list[str], taxonomy: Taxonomy) -> list[Problem]:
    """A label outside the label set, with the nearest known name when there is one."""
    problems = []
    for index, name in enumerate(labels):
        if name not in taxonomy.names:
            near = get_close_matches(name, taxonomy.names, n=1, cutoff=0.75)
            hint = f"did you mean {near[0]!r}? " if near else ""
            where = "the default labels" if taxonomy.source == "default" else taxonomy.source
            fix = "; your own taxonomy: --labels FILE" if taxonomy.source == "default" else ""
            reason = f"unknown label {name!r} ({hint}not in {where}{fix})"
            problems.append(Problem(file, line, f"labels[{index}]", reason))
    return problems


def _duplicate_problem(file: str, line: int, record_id: str, first_seen: dict[str, str]) -> list[Problem]:
    where = f"{file}:{line}"
    if record_id in first_seen:
        return [Problem(file, line, "id", f"duplicate id {record_id!r} (first at {first_seen[record_id]})")]
    first_seen[record_id] = where
    return []


def _problem(file: str, line: int, error: Any) -> Problem:
    field = _field_name(error["loc"])
    return Problem(file, line, field, _reason(error))


def _field_name(loc: tuple[str | int, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "-"


def _reason(error: Any) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing" or (value is None and error["loc"][:1] in (("text",), ("id",))):
        return "missing"
    if kind == "string_too_short":
        return "empty"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        field = str(error["loc"][0])
        return f"unknown {'label' if field == 'labels' else field} {value!r}"
    if kind.endswith("_type"):
        expected = kind.removesuffix("_type").replace("_", " ")
        return f"wrong type: expected {expected}, got {type(value).__name__}"
    return error["msg"]
