"""Training examples from labelled and auxiliary files: targets, masks and field mappings."""

import json

import numpy as np
import pytest

from nlp.model import IGNORE
from tests.helpers import good_record, write_jsonl
from training.examples import Examples, load_examples, load_extra
from training.extra import parse_renames, resolve


def test_contract_records_carry_all_three_targets(tmp_path):
    path = write_jsonl(
        tmp_path / "t.jsonl", [good_record(labels=["app_issue", "late_delivery"], urgency="high")]
    )
    examples = load_examples(path)
    assert examples.complaints[0].nonzero()[0].tolist() == [0, 10]
    assert examples.complaint_mask.tolist() == [1.0]
    assert examples.sentiment.tolist() == [0] and examples.urgency.tolist() == [2]


def test_a_partial_file_masks_what_it_does_not_annotate(tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl", [{"text": "Отличный банк", "tone": "positive"}, {"text": "ну такое"}]
    )
    examples = load_extra(resolve(str(path), parse_renames(["sentiment=tone"])))
    assert examples.complaint_mask.tolist() == [0.0, 0.0]
    assert examples.sentiment.tolist() == [2, IGNORE]
    assert examples.urgency.tolist() == [IGNORE, IGNORE]


def test_presets_map_values_from_the_shared_folder(tmp_path):
    shared = tmp_path / "shared"
    (shared / "rusentiment").mkdir(parents=True)
    rows = [{"text": "С днём рождения!", "label": "speech"}, {"text": "непонятно", "label": "skip"}]
    write_jsonl(shared / "rusentiment" / "train.jsonl", rows)
    (shared / "cedr").mkdir()
    emotions = [
        {"text": "ура", "emotions": ["joy"]},
        {"text": "...", "emotions": []},
        {"text": "ой", "emotions": ["surprise"]},
    ]
    write_jsonl(shared / "cedr" / "train.jsonl", emotions)
    assert load_extra(resolve("rusentiment", {}, shared)).sentiment.tolist() == [2, IGNORE]
    assert load_extra(resolve("cedr", {}, shared)).sentiment.tolist() == [2, 1, IGNORE]


def test_missing_sources_and_bad_mappings_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="expects"):
        resolve("sentirueval2015", {}, tmp_path)
    with pytest.raises(FileNotFoundError, match="neither a file nor a preset"):
        resolve("no-such-thing", {})
    with pytest.raises(ValueError, match="TARGET=FIELD"):
        parse_renames(["mood"])


def test_concatenate_keeps_rows_aligned(tmp_path):
    first = load_examples(write_jsonl(tmp_path / "a.jsonl", [good_record(text="раз")]))
    second = load_examples(write_jsonl(tmp_path / "b.jsonl", [good_record(text="два", labels=[])]))
    both = Examples.concatenate([first, second])
    assert both.texts == ["раз", "два"] and len(both) == 2
    assert np.array_equal(both.complaints.sum(1), [1.0, 0.0])


def test_csv_training_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "id,text,labels,sentiment,urgency\n1,Курьер опоздал,courier_issue;late_delivery,negative,medium\n"
        "2,Спасибо,,positive,low\n",
        encoding="utf-8",
    )
    examples = load_examples(path)
    assert json.dumps(examples.texts, ensure_ascii=False) == '["Курьер опоздал", "Спасибо"]'
    assert examples.complaints.sum(1).tolist() == [2.0, 0.0] and examples.complaint_mask.tolist() == [
        1.0,
        1.0,
    ]
