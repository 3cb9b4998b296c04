"""Corpus statistics and surface traits on literal Russian strings."""

import pytest
from typer.testing import CliRunner

from serve.cli import app
from tests.helpers import good_record, write_jsonl
from training.data.breadth import openings, phrases
from training.data.records import TicketRecord
from training.data.stats import build_tables, hard_case_traits
from training.data.textshape import is_all_caps, is_latin_script, length_bucket, surface_traits


@pytest.mark.parametrize(
    ("text", "traits"),
    [
        ("Где заказ?", {"very_short"}),
        ("ВЫ ВООБЩЕ СОБИРАЕТЕСЬ ВОЗВРАЩАТЬ МНЕ ДЕНЬГИ ИЛИ НЕТ", {"all_caps", "no_punctuation"}),
        ("zakaz ne prishel uzhe nedelyu", {"latin_script", "very_short"}),
        ("Спасибо большое, всё пришло целым и вовремя 🙏", {"emoji"}),
        ("Курьер опоздал на два часа, но заказ привёз целым.", set()),
    ],
)
def test_surface_traits(text, traits):
    assert surface_traits(text) == traits


def test_caps_needs_enough_letters_and_latin_needs_no_cyrillic():
    assert not is_all_caps("ОК")
    assert not is_latin_script("Заказ WB-88213 не пришёл")
    assert length_bucket("один") == "1–5 words"


def record(**fields) -> TicketRecord:
    return TicketRecord.model_validate(good_record(**fields))


def test_hard_case_traits_merge_author_tags_but_not_kinds():
    assert hard_case_traits(record(text="Спасибо вам огромное за быструю помощь!", tags=["praise"])) == set()
    assert hard_case_traits(
        record(text="Ну спасибо, что привезли всего на неделю позже.", tags=["sarcasm", "question"])
    ) == {"sarcasm"}


def test_tables_count_labels_and_shares_per_group():
    train = [
        record(id="1", labels=["late_delivery", "courier_issue"]),
        record(id="2", labels=[], sentiment="positive", urgency="low"),
    ]
    dev = [record(id="3", labels=["late_delivery"], urgency="high")]
    tables = {table.title: table for table in build_tables({"train": train, "dev": dev})}
    summary = tables["summary"]
    assert summary.columns == ["train", "dev", "all"]
    row = dict(zip(summary.rows, summary.cells, strict=True))
    assert row["records"] == ["2", "1", "3"]
    assert row["2+ labels (of complaint records)"] == ["1 (100%)", "0 (0%)", "1 (50%)"]
    labels = dict(zip(tables["complaint labels"].rows, tables["complaint labels"].cells, strict=True))
    assert labels["late_delivery"] == ["1 (50%)", "1 (100%)", "2 (67%)"]
    assert "wrong_item" not in labels


def test_cli_stats_markdown(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [good_record(id="a"), good_record(id="b", labels=[])])
    result = CliRunner().invoke(app, ["data", "stats", str(path), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "| late_delivery | 1 (50%) |" in result.output


def test_cli_stats_refuses_invalid_files(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [good_record(id="a", labels=["no such label"])])
    result = CliRunner().invoke(app, ["data", "stats", str(path)])
    assert result.exit_code == 1


def test_cli_stats_describes_any_taxonomy(tmp_path):
    rows = [
        good_record(id="a", labels=["no_signal"]),
        good_record(id="b", labels=["no_signal", "billing_error"]),
    ]
    path = write_jsonl(tmp_path / "telecom.jsonl", rows)
    result = CliRunner().invoke(app, ["data", "stats", str(path), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "| no_signal | 2 (100%) |" in result.output and "| billing_error | 1 (50%) |" in result.output
    assert "late_delivery" not in result.output


def test_openings_and_phrases_count_each_text_once():
    texts = ["Добрый день! Заказ не пришёл, заказ не пришёл", "добрый день, заказ не пришёл", "Ок"]
    assert openings(texts, size=2) == {"добрый день": 2}
    assert phrases(texts, size=3)["заказ не пришел"] == 2
