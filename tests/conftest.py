"""Shared fixtures: the shipped corpus, validated once, and a tiny model. Helpers they build on
are in tests/helpers.py."""

import json
from pathlib import Path

import pytest

from tests.helpers import SPLITS, TICKETS, tiny_model_dir


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


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("tiny-model"))
