"""`triage tag` reads every row: a malformed record costs its own line(s), kept raw in the rejects;
long fields, byte-order marks and multi-line quoted texts are read, never swallowed."""

import json

import pytest
from typer.testing import CliRunner

from nlp import Predictor
from nlp.io.rows import read_rows
from serve.cli import app
from serve.tagging.job import TagJob
from tests.helpers import archive_rows, read_output, write_archive

HEADER = "id,customer_id,created_at,channel,text\n"


@pytest.fixture(scope="module")
def predictor(tiny_model):
    return Predictor.load(tiny_model)


def csv_lines(count: int) -> list[str]:
    return [f'm{i},c{i % 7},2026-10-0{1 + i % 9},chat,"курьер опоздал, {i}"\n' for i in range(count)]


def rejects_of(target) -> list[dict]:
    path = target.with_name(target.name + ".rejects.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    "broken", ['m9,c2,2026-10-01,chat,"курьер опоздал\n', 'm9,c2,"2026-10-01,chat,текст\n']
)
def test_an_unclosed_quote_costs_one_row_not_the_rest_of_the_file(predictor, tmp_path, broken):
    lines = csv_lines(40)
    lines[9] = broken
    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_text(HEADER + "".join(lines), encoding="utf-8")
    summary = TagJob(source, target, chunk_rows=7).run(predictor)
    assert (summary.rows, summary.tagged, summary.rejected) == (40, 39, 1)
    assert [row["id"] for row in read_output(target)] == [f"m{i}" for i in range(40) if i != 9]
    [reject] = rejects_of(target)
    assert reject["line"] == 11 and reject["raw"] == broken and "malformed CSV" in reject["reason"]


def test_a_quoted_text_over_several_lines_stays_one_row(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        HEADER + 'a,c,d,chat,"первая строка\nвторая, строка"\n' + "b,c,d,chat,ещё\n", encoding="utf-8"
    )
    rows = list(read_rows(source))
    assert [(row.line, row.fields["text"]) for row in rows] == [
        (2, "первая строка\nвторая, строка"),
        (4, "ещё"),
    ]


def test_a_field_longer_than_the_csv_limit_is_read_and_capped_for_the_model(
    tiny_model, tmp_path, monkeypatch
):
    monkeypatch.setenv("TRIAGE_MAX_TEXT_CHARS", "500")
    long_text = "курьер опоздал " * 14_000  # 210,000 characters: over csv's 131,072 field limit
    source, target = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_text(HEADER + f"m0,c,d,chat,{long_text}\n" + "".join(csv_lines(3)), encoding="utf-8")
    command = ["tag", str(source), "--out", str(target), "--model", str(tiny_model)]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "4 input rows = 4 tagged" in result.output
    rows = read_output(target)
    assert rows[0]["text"] == long_text and rows[0]["truncated"] is True
    assert [row["truncated"] for row in rows[1:]] == [False] * 3


def test_a_text_whose_first_capped_characters_are_blank_is_read_from_its_first_word(
    tiny_model, tmp_path, monkeypatch
):
    monkeypatch.setenv("TRIAGE_MAX_TEXT_CHARS", "500")
    padded = " " * 600 + "курьер опоздал на час"
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_archive(source, [{**archive_rows(1)[0], "text": padded}])
    result = CliRunner().invoke(app, ["tag", str(source), "--out", str(target), "--model", str(tiny_model)])
    assert result.exit_code == 0, result.output
    [row] = read_output(target)
    assert row["text"] == padded and row["truncated"] is True and row["sentiment"] is not None


@pytest.mark.parametrize("ext", [".csv", ".tsv", ".jsonl"])
def test_a_byte_order_mark_costs_nothing(predictor, tmp_path, ext):
    source, target = tmp_path / f"in{ext}", tmp_path / "out.jsonl"
    write_archive(source, archive_rows(3))
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    summary = TagJob(source, target).run(predictor)
    assert summary.tagged == 3 and summary.rejected == 0
    assert [row["id"] for row in read_output(target)] == ["m0", "m1", "m2"]


def test_rejects_keep_the_raw_line_of_what_could_not_be_parsed(predictor, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    bad_bytes = b"m1,c,d,chat,\xff\xfe\n"
    source.write_bytes((HEADER + "m0,c,d,chat,спасибо\n").encode() + bad_bytes + b"m2,c,d\n")
    TagJob(source, target).run(predictor)
    assert [(r["line"], r["reason"], r["raw"]) for r in rejects_of(target)] == [
        (3, "undecodable bytes (not valid UTF-8)", "m1,c,d,chat,\\xff\\xfe\n"),
        (4, "malformed row: fewer fields than the header", "m2,c,d\n"),
    ]
