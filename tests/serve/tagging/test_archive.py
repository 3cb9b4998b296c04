"""The bundled unlabelled archive (data/examples/archive.csv) that feeds the batch tagger."""

import csv
import statistics
from collections import Counter
from datetime import datetime

import pytest

from nlp.labels import CHANNELS
from tests.helpers import ROOT

ARCHIVE = ROOT / "data" / "examples" / "archive.csv"
COLUMNS = ["id", "customer_id", "created_at", "channel", "text"]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with ARCHIVE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_size_and_unique_ids(rows):
    assert 450 <= len(rows) <= 550
    assert len({row["id"] for row in rows}) == len(rows)


def test_customers_write_several_messages_over_weeks(rows):
    per_customer = Counter(row["customer_id"] for row in rows)
    assert len(per_customer) >= 100
    assert sum(count >= 4 for count in per_customer.values()) >= 30
    times = [datetime.fromisoformat(row["created_at"]) for row in rows]
    assert all(time.tzinfo is not None for time in times)
    assert (max(times) - min(times)).days >= 42


def test_a_customer_reaches_us_through_several_channels(rows):
    channels: dict[str, set] = {}
    for row in rows:
        channels.setdefault(row["customer_id"], set()).add(row["channel"])
    assert sum(len(found) >= 3 for found in channels.values()) >= 10


def test_all_channels_and_only_a_few_deliberately_bad_rows(rows):
    assert set(CHANNELS) <= {row["channel"] for row in rows}
    bad = [row["id"] for row in rows if not row["text"].strip() or row["channel"] not in CHANNELS]
    assert 1 <= len(bad) <= 5, bad


def test_a_spike_day_stands_out(rows):
    per_day = Counter(row["created_at"][:10] for row in rows)
    assert max(per_day.values()) >= 3 * statistics.median(per_day.values())
