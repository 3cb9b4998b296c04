"""A run that produced nothing useful never exits 0: no rows at all, or more than half of them
rejected, ends with the commonest reasons and their counts on screen and exit code 1."""

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from serve.friendly import fail

FAILED = 1
TOP_REASONS = 3
_VARYING = re.compile(r" at column \d+$|^line \d+: ")


def check_useful(source: Path, rows: int, rejected: int, reasons: Iterable[str]) -> None:
    """Exit 1 with the top reasons when the run tagged nothing or rejected most rows."""
    if rows == 0:
        fail(f"{source} has no rows (only a header?)", FAILED)
    if rejected * 2 <= rows:
        return
    counts = Counter(_VARYING.sub("", reason) for reason in reasons)
    top = "; ".join(f"{reason} ({count})" for reason, count in counts.most_common(TOP_REASONS))
    share = "every row" if rejected == rows else f"{rejected} of {rows} rows"
    fail(f"{share} of {source} rejected — top reasons: {top}{_hint(counts)}", FAILED)


def _hint(counts: Counter) -> str:
    reason = counts.most_common(1)[0][0] if counts else ""
    if reason.startswith("missing text column"):
        return "; name the text column with --text-column"
    if reason.startswith("undecodable bytes"):
        return "; give the file's encoding with --encoding (e.g. cp1251)"
    return ""


def rejected_reasons(rejects: Path) -> Iterable[str]:
    """The reasons in a rejects file of `triage tag` (one JSON record per line)."""
    with rejects.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["reason"]
