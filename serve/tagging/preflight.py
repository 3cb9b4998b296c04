"""Checks made before any work: paths, the text column, column collisions, schema drift."""

import os
from pathlib import Path

from serve.tagging.records import FIXED_COLUMNS, SCORE_PREFIX
from serve.tagging.refused import Refused
from serve.tagging.schema import InputSchema


def check_paths(source: Path, outputs: list[Path]) -> None:
    """No output may be the input (it would replace the archive)."""
    for out in outputs:
        if _same(source, out):
            raise Refused(f"--out {out} is the input archive itself; choose another output path")


def _same(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def check_collisions(schema: InputSchema) -> None:
    """Prediction columns (and any `score_…`, whatever the model's labels) never overwrite input
    columns: such an input is refused."""
    taken = [name for name in schema.columns if name in FIXED_COLUMNS or name.startswith(SCORE_PREFIX)]
    if taken:
        names = ", ".join(repr(name) for name in taken)
        raise Refused(
            f"input column(s) {names} would be overwritten by the prediction's columns; "
            f"rename them in the input (e.g. {taken[0]!r} → 'input_{taken[0]}')"
        )


def check_drift(schema: InputSchema, fmt: str) -> None:
    """Parquet needs one type per column: mixed JSONL values are refused before tagging."""
    mixed = schema.mixed()
    if fmt == "parquet" and mixed:
        name, kinds = next(iter(mixed.items()))
        raise Refused(
            f"input column {name!r} holds values of several kinds ({', '.join(sorted(kinds))}), "
            "which Parquet cannot store in one column; write JSONL (--format jsonl) or make them uniform"
        )


def check_text_column(schema: InputSchema, column: str, source: Path) -> None:
    """The text column exists (a file whose rows all fail to parse has no columns: its rows say why)."""
    if schema.columns and column not in schema.columns:
        found = ", ".join(schema.columns[:12]) + (", …" if len(schema.columns) > 12 else "")
        guess = next((name for name in schema.columns if name.lower() in TEXT_LIKE), None)
        hint = f" --text-column {guess}" if guess else " --text-column NAME"
        raise Refused(f"{source} has no column {column!r} (columns: {found}); choose one with{hint}")


TEXT_LIKE = ("text", "body", "message", "comment", "content", "review", "текст", "сообщение", "отзыв")
