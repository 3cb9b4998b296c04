"""Shared fixtures: paths of the shipped corpus and small record builders."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TICKETS = ROOT / "data" / "tickets"
SPLITS = ("train", "dev", "test")


def good_record(**overrides: object) -> dict:
    record = {
        "id": "t-1",
        "text": "Заказ опоздал на три дня",
        "labels": ["late_delivery"],
        "sentiment": "negative",
        "urgency": "medium",
    }
    record.update(overrides)
    return record


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus() -> dict:
    """The shipped splits, validated once per session."""
    from training.data.validate import validate_files

    result = validate_files([TICKETS / f"{name}.jsonl" for name in SPLITS])
    assert result.ok, [str(problem) for problem in result.problems[:10]]
    by_split: dict[str, list] = {name: [] for name in SPLITS}
    for name in SPLITS:
        ids = {json.loads(line)["id"] for line in (TICKETS / f"{name}.jsonl").open(encoding="utf-8")}
        by_split[name] = [record for record in result.records if record.id in ids]
    return by_split
