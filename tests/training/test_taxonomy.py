"""The label-set rule: label files, which set a run uses, and what its counts allow."""

import re
from collections import Counter

import pytest

from nlp.labels import COMPLAINT_LABELS
from nlp.taxonomy import Taxonomy, name_problem
from training.examples import from_rows
from training.taxonomy import LabelFileError, check_counts, choose_taxonomy, read_label_file


@pytest.mark.parametrize(
    ("name", "ok"),
    [("no_signal", True), ("нет_связи", True), ("x2", True), ("no signal", False), ("2fast", False),
     ("a;b", False), ("", False), ("x" * 65, False), (3, False)],
)  # fmt: skip
def test_label_names(name, ok):
    assert (name_problem(name) is None) == ok


def test_a_label_file_gives_order_display_names_and_examples(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text(
        "labels:\n  - name: no_signal\n    display: Нет связи\n    examples: [Нет сети]\n  - billing_error\n",
        encoding="utf-8",
    )
    taxonomy = read_label_file(path)
    assert taxonomy.names == ["no_signal", "billing_error"] and taxonomy.source == str(path)
    assert taxonomy.labels[0].examples == ("Нет сети",)
    assert taxonomy.label_info() == {"no_signal": {"display": "Нет связи"}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("labels: []\n", "a non-empty list under «labels:»"),
        ("- no_signal\n", "a non-empty list under «labels:»"),
        ("labels:\n  - name: no signal\n", "labels[0]: name: 'no signal' is not a label name"),
        ("labels:\n  - a\n  - a\n", "declared more than once: a"),
        ("labels:\n  - name: a\n    colour: red\n", "labels[0]: unknown field(s) colour"),
        ("labels:\n  - name: a\n    examples: текст\n", "labels[0]: examples: expected a list of texts"),
        ("labels: [a\n", "cannot be read"),
    ],
)
def test_a_bad_label_file_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "labels.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelFileError, match=re.escape(message)):
        read_label_file(path)


def test_the_label_set_comes_from_the_data_unless_it_is_the_default_one():
    assert choose_taxonomy(Counter({"late_delivery": 3})).names == list(COMPLAINT_LABELS)
    assert choose_taxonomy(Counter()).source == "default"
    mixed = choose_taxonomy(Counter({"late_delivery": 3, "no_signal": 9}))
    assert mixed.names == ["late_delivery", "no_signal"] and mixed.source == "data"
    declared = Taxonomy.of(["b", "a"], "labels.yaml")
    assert choose_taxonomy(Counter({"a": 5}), declared) is declared


def test_too_few_examples_warn_and_name_the_fix():
    taxonomy = Taxonomy.of(["billing_error", "no_signal"])
    (finding,) = check_counts(taxonomy, {"train": Counter({"billing_error": 9, "no_signal": 2})})
    assert not finding.error and "fewer than 5 training examples of no_signal (2)" in str(finding)
    assert "add examples or merge them" in str(finding) and str(finding).startswith("warning: ")


def test_a_declared_label_without_examples_is_an_error_a_default_one_a_warning():
    (declared,) = check_counts(Taxonomy.of(["a", "b"], "labels.yaml"), {"train": Counter({"a": 9})})
    assert declared.error and "no training example of b (declared in labels.yaml)" in declared.message
    (default,) = check_counts(
        choose_taxonomy(Counter()), {"train": Counter(dict.fromkeys(COMPLAINT_LABELS[1:], 9))}
    )
    assert not default.error and f"cannot learn them: {COMPLAINT_LABELS[0]}" in default.message


def test_an_unknown_label_is_never_dropped_when_targets_are_built():
    rows = [
        {"text": "нет связи", "labels": ["no_signal"]},
        {"text": "роуминг", "labels": "roaming;no_signal"},
    ]
    assert from_rows(rows, labels=["no_signal", "roaming"]).complaints.tolist() == [[1, 0], [1, 1]]
    with pytest.raises(ValueError, match=r"labels outside the model's label set: roaming \(1\)"):
        from_rows(rows, labels=["no_signal"])


def test_a_split_is_stratified_over_the_labels_of_any_taxonomy():
    from training.data.records import TicketRecord
    from training.data.split import stratification_matrix

    records = [
        TicketRecord(id="a", text="нет сети", labels=["no_signal"]),
        TicketRecord(id="b", text="ок", labels=[]),
    ]
    matrix = stratification_matrix(records)
    assert matrix.shape[1] == len(COMPLAINT_LABELS) + 1 + 1 + 3 + 3
    assert matrix[:, len(COMPLAINT_LABELS)].tolist() == [1, 0]  # the no_signal column, after the defaults
