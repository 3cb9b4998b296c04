"""The validator reports every kind of bad record with file, line, field and reason."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from serve.cli import app
from tests.helpers import good_record, write_jsonl
from training.data.validate import validate_files

BAD_RECORDS = [
    # (description, record, field, reason fragment)
    ("missing text", {k: v for k, v in good_record().items() if k != "text"}, "text", "missing"),
    ("empty text", good_record(text="   "), "text", "empty"),
    ("null text", good_record(text=None), "text", "missing"),
    ("unknown label", good_record(labels=["lat_delivery"]), "labels[0]", "unknown label 'lat_delivery'"),
    ("labels not a list", good_record(labels="late_delivery"), "labels", "wrong type"),
    ("sentiment wrong type", good_record(sentiment=1), "sentiment", "unknown sentiment 1"),
    ("unknown urgency", good_record(urgency="critical"), "urgency", "unknown urgency 'critical'"),
    ("text wrong type", good_record(text=["a"]), "text", "wrong type: expected string, got list"),
    ("id wrong type", good_record(id=17), "id", "wrong type"),
    ("repeated label", good_record(labels=["app_issue", "app_issue"]), "labels", "repeated"),
    ("unknown channel", good_record(channel="fax"), "channel", "unknown channel 'fax'"),
    ("malformed label name", good_record(labels=["no signal"]), "labels[0]", "is not a label name"),
]


@pytest.mark.parametrize(
    ("description", "record", "field", "reason"), BAD_RECORDS, ids=[b[0] for b in BAD_RECORDS]
)
def test_bad_record_is_reported_with_field_and_reason(tmp_path, description, record, field, reason):
    path = write_jsonl(tmp_path / "bad.jsonl", [good_record(id="ok-1"), record])
    result = validate_files([path])
    assert [(p.line, p.field) for p in result.problems] == [(2, field)], description
    assert reason in result.problems[0].reason
    assert [r.id for r in result.records] == ["ok-1"]


def test_good_file_has_no_problems(tmp_path):
    path = write_jsonl(tmp_path / "good.jsonl", [good_record(id="a"), good_record(id="b", labels=[])])
    result = validate_files([path])
    assert result.ok and result.rows == 2 and len(result.records) == 2


def test_sentiment_and_urgency_may_be_left_out(tmp_path):
    record = {k: v for k, v in good_record().items() if k not in ("sentiment", "urgency")}
    result = validate_files([write_jsonl(tmp_path / "partial.jsonl", [record])])
    assert result.ok and result.records[0].sentiment is None and result.records[0].urgency is None


def test_invalid_json_blank_line_and_non_object_are_reported(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a", "text": \n\n[1, 2]\n', encoding="utf-8")
    problems = validate_files([path]).problems
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [
        (1, "invalid JSON"),
        (2, "blank line"),
        (3, "invalid record"),
    ]


def test_undecodable_bytes_in_jsonl_do_not_hide_other_lines(tmp_path):
    path = tmp_path / "bytes.jsonl"
    good = write_jsonl(tmp_path / "g.jsonl", [good_record(id="a"), good_record(id="b")]).read_bytes()
    first, second = good.splitlines(keepends=True)
    path.write_bytes(first + b'{"id": "x", "text": "\xff\xfe"}\n' + second)
    result = validate_files([path])
    assert [(p.line, p.reason) for p in result.problems] == [(2, "undecodable bytes (not valid UTF-8)")]
    assert [r.id for r in result.records] == ["a", "b"]


def test_duplicate_ids_are_reported_within_and_across_files(tmp_path):
    first = write_jsonl(tmp_path / "one.jsonl", [good_record(id="a"), good_record(id="a")])
    second = write_jsonl(tmp_path / "two.jsonl", [good_record(id="a")])
    problems = validate_files([first, second]).problems
    assert [(p.file.rsplit("/", 1)[-1], p.line, p.field) for p in problems] == [
        ("one.jsonl", 2, "id"),
        ("two.jsonl", 1, "id"),
    ]
    assert "first at" in problems[0].reason and "one.jsonl:1" in problems[1].reason


def test_csv_records_labels_and_bad_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(
        "id,text,labels,sentiment,urgency\n"
        'a,"Курьер нахамил, заказ опоздал",courier_issue;late_delivery,negative,high\n'
        "b,Спасибо!,,positive,low\n"
        "c,,app_issue,negative,medium\n"
        "d,текст,unknown_thing,negative,medium\n".encode()
        + b"e,\xff\xfe,,neutral,low\n"
        + "f,лишнее,,neutral,low,extra\n".encode()
    )
    result = validate_files([path])
    assert [r.labels for r in result.records] == [["courier_issue", "late_delivery"], []]
    assert [(p.line, p.field, p.reason.split(" (")[0]) for p in result.problems] == [
        (4, "text", "empty"),
        (5, "labels[0]", "unknown label 'unknown_thing'"),
        (6, "-", "undecodable bytes"),
        (7, "-", "malformed row: more fields than the header"),
    ]


def test_parquet_records_are_validated(tmp_path):
    path = tmp_path / "t.parquet"
    rows = [good_record(id="a"), good_record(id="b", text=None), good_record(id="c", labels=["nope"])]
    pq.write_table(pa.Table.from_pylist(rows), path)
    result = validate_files([path])
    assert [r.id for r in result.records] == ["a"]
    assert [(p.line, p.field) for p in result.problems] == [(2, "text"), (3, "labels[0]")]


def test_unknown_extension_is_a_clear_problem(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    (problem,) = validate_files([path]).problems
    assert "unknown format 'txt'" in problem.reason


def test_cli_validate_prints_one_line_per_problem_and_exits_1(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [good_record(id="a"), good_record(id="b", labels=["x"])])
    result = CliRunner().invoke(app, ["data", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: labels[0]: unknown label 'x'" in result.output
    assert "2 records in 1 file(s): 1 valid, 1 bad" in result.output


def test_cli_validate_passes_a_good_file(tmp_path):
    path = write_jsonl(tmp_path / "good.jsonl", [good_record(id="a")])
    result = CliRunner().invoke(app, ["data", "validate", str(path)])
    assert result.exit_code == 0, result.output


def test_cli_version_and_help():
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).output.startswith("triage ")
    assert "data" in runner.invoke(app, ["--help"]).output
