"""What `triage tag` refuses before any work (output over the input, columns it would
overwrite, drift Parquet cannot hold), what it writes safely (formula cells, fsync) and what it
never leaves behind (`.tmp` files)."""

import pytest
from typer.testing import CliRunner

from nlp import Predictor
from serve.cli import app
from serve.tagging import durable, parts
from serve.tagging.job import TagJob
from serve.tagging.refused import Refused
from tests.helpers import archive_rows, read_output, write_archive


@pytest.fixture(scope="module")
def predictor(tiny_model):
    return Predictor.load(tiny_model)


def cli_error(tiny_model, source, target) -> str:
    result = CliRunner().invoke(app, ["tag", str(source), "--out", str(target), "--model", str(tiny_model)])
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    return line


def test_out_equal_to_the_input_is_refused_and_the_archive_kept(tiny_model, tmp_path):
    source = tmp_path / "in.csv"
    write_archive(source, archive_rows(3))
    before = source.read_bytes()
    assert "is the input archive itself" in cli_error(tiny_model, source, tmp_path / "." / "in.csv")
    assert source.read_bytes() == before


@pytest.mark.parametrize("column", ["labels", "sentiment", "urgency", "entities"])
def test_an_input_column_the_prediction_would_overwrite_is_refused_by_name(tiny_model, tmp_path, column):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.csv"
    write_archive(source, [{**row, column: "from the input"} for row in archive_rows(3)])
    line = cli_error(tiny_model, source, target)
    assert f"'{column}'" in line and f"'input_{column}'" in line
    assert not target.exists() and not TagJob(source, target).parts.exists()


def test_keys_that_appear_late_in_jsonl_become_columns_of_every_part(predictor, tmp_path):
    rows = archive_rows(12)
    rows[9]["priority"] = "high"  # only in the second chunk
    source, target = tmp_path / "in.jsonl", tmp_path / "out.csv"
    write_archive(source, rows)
    TagJob(source, target, chunk_rows=5).run(predictor)
    tagged = read_output(target)
    assert [row["priority"] for row in tagged] == [""] * 9 + ["high"] + [""] * 2


def test_values_of_several_kinds_for_parquet_are_refused_before_the_work(predictor, tmp_path):
    rows = archive_rows(12)
    for index, row in enumerate(rows):
        row["amount"] = index if index < 10 else f"{index} руб."
    source, target = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    write_archive(source, rows)
    with pytest.raises(Refused, match="'amount' holds values of several kinds"):
        TagJob(source, target, chunk_rows=5).run(predictor)
    assert not TagJob(source, target).parts.exists()


FORMULAS = ['=HYPERLINK("http://x")', "+7 999 курьер опоздал", "-1 заказ", "@SUM(A1)", "курьер = опоздал"]


@pytest.mark.parametrize("ext", [".csv", ".tsv"])
def test_formula_cells_are_neutralised_in_csv_outputs_only(predictor, tmp_path, ext):
    rows = [{**row, "text": text} for row, text in zip(archive_rows(5), FORMULAS, strict=True)]
    rows[0]["customer_id"] = "=cmd|' /C calc'!A0"
    source = tmp_path / "in.jsonl"
    write_archive(source, rows)
    TagJob(source, tmp_path / f"out{ext}").run(predictor)
    TagJob(source, tmp_path / "out.jsonl").run(predictor)
    tagged = read_output(tmp_path / f"out{ext}")
    assert [row["text"] for row in tagged] == ["'" + text for text in FORMULAS[:4]] + [FORMULAS[4]]
    assert tagged[0]["customer_id"] == "'=cmd|' /C calc'!A0"
    assert [row["text"] for row in read_output(tmp_path / "out.jsonl")] == FORMULAS


def test_a_failed_write_leaves_no_tmp_file(predictor, tmp_path, monkeypatch):
    source, target = tmp_path / "in.csv", tmp_path / "out.parquet"
    write_archive(source, archive_rows(12))

    def half_written(handle, rows, fmt, columns):
        handle.write(b"PAR1 half a part")
        raise OSError("disk full")

    monkeypatch.setattr(parts, "write_rows", half_written)
    with pytest.raises(OSError, match="disk full"):
        TagJob(source, target, chunk_rows=5).run(predictor)
    assert not list(tmp_path.rglob("*.tmp")) and not (tmp_path / "out.parquet.lock").exists()


def test_parts_and_the_outputs_are_fsynced_before_they_are_renamed(predictor, tmp_path, monkeypatch):
    synced, real_fsync = [], durable.os.fsync

    def recording_fsync(descriptor: int) -> None:
        synced.append(durable.os.readlink(f"/proc/self/fd/{descriptor}").rsplit("/", 1)[-1])
        real_fsync(descriptor)

    monkeypatch.setattr(durable.os, "fsync", recording_fsync)
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_archive(source, archive_rows(12))
    TagJob(source, target, chunk_rows=5).run(predictor)
    expected = {"part-000002.rows.csv.tmp", "part-000002.summary.json.tmp", "manifest.json.tmp"}
    assert expected | {"out.csv.tmp", "out.csv.rejects.jsonl.tmp", tmp_path.name} <= set(synced)
    assert (tmp_path / "out.csv.rejects.jsonl").read_text() == ""
