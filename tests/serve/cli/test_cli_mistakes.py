"""The common mistakes of a new user (issue 13's table), each as the CLI answers them: a one-line
error naming the fix and exit code 2 before any model loads, or, for a run that produced nothing
useful, the top reasons and exit code 1. Never a traceback, never an exit 0 with nothing done."""

import json

import pytest
from typer.testing import CliRunner

from nlp.model_dir import PROJECT_ROOT, default_model_dir
from serve.cli import app
from tests.helpers import archive_rows, write_archive

runner = CliRunner()


@pytest.fixture
def no_model_load(monkeypatch):
    """Mistakes are found before the slow step: loading the model fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the mistake was found")

    monkeypatch.setattr("nlp.predictor.Predictor.load", refuse)


def one_line_error(args: list[str], code: int = 2) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    return line


@pytest.mark.parametrize("command", ["predict", "tag"])
def test_a_mistyped_model_directory_is_named_with_the_fix(tmp_path, no_model_load, command):
    source = tmp_path / "in.csv"
    write_archive(source, archive_rows(2))
    args = {"predict": ["predict", "-m", "models/defualt", "текст"]}.get(
        command, ["tag", str(source), "-o", str(tmp_path / "out.csv"), "-m", "models/defualt"]
    )
    line = one_line_error(args)
    assert "models/defualt is not a model directory (it does not exist)" in line
    assert "make demo" in line and "triage train" in line
    assert not list(tmp_path.glob("out.csv*"))


def test_the_default_model_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("TRIAGE_MODEL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_model_dir() == PROJECT_ROOT / "models" / "default"
    monkeypatch.setenv("TRIAGE_MODEL", str(tmp_path / "elsewhere"))
    assert default_model_dir() == tmp_path / "elsewhere"
    line = one_line_error(["predict", "текст"])
    assert f"{tmp_path / 'elsewhere'} is not a model directory" in line and "TRIAGE_MODEL" in line


def test_a_directory_without_config_is_not_a_model(tmp_path, no_model_load):
    line = one_line_error(["predict", "-m", str(tmp_path), "текст"])
    assert "is not a model directory (no config.json in it)" in line


@pytest.mark.parametrize(
    "args",
    [
        ["predict", "-m", "{model}", "--input", "{tmp}/missing.jsonl"],
        ["report", "{tmp}/missing.parquet"],
        ["queue", "{tmp}/missing.csv", "-o", "{tmp}/queue.csv"],
        ["evaluate", "-m", "{model}", "{tmp}/missing.jsonl"],
        ["evaluate", "-m", "{model}", "--data", "{tmp}/missing.jsonl"],
        ["tag", "{tmp}/missing.csv", "-o", "{tmp}/out.csv", "-m", "{model}"],
    ],
)
def test_a_missing_input_is_one_line_before_the_model_loads(tiny_model, tmp_path, no_model_load, args):
    args = [arg.format(model=tiny_model, tmp=tmp_path) for arg in args]
    line = one_line_error(args)
    assert "missing." in line and "does not exist" in line
    assert not (tmp_path / "out.csv.parts").exists() and not list(tmp_path.glob("out.csv*"))


@pytest.mark.parametrize("command", ["tag", "predict"])
def test_a_missing_text_column_lists_the_columns_and_suggests_the_option(
    tiny_model, tmp_path, no_model_load, command
):
    source = tmp_path / "in.csv"
    source.write_text("id,body,client\n1,курьер опоздал,k1\n2,спасибо,k2\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    args = {"tag": ["tag", str(source), "-o", str(out)], "predict": ["predict", "-i", str(source)]}[command]
    line = one_line_error([*args, "-m", str(tiny_model)])
    assert "has no column 'text' (columns: id, body, client)" in line
    assert "--text-column body" in line
    assert not list(tmp_path.glob("out.csv*"))


def test_the_text_column_option_reads_it(tiny_model, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_text("ticket,body\nt1,курьер опоздал\nt2,спасибо\n", encoding="utf-8")
    args = ["predict", "-m", str(tiny_model), "-i", str(source), "-o", str(out)]
    result = runner.invoke(app, [*args, "--text-column", "body", "--id-column", "ticket"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["error"]) for r in records] == [("t1", None), ("t2", None)]


CYRILLIC = ["Курьер опоздал на два часа", "Спасибо, всё пришло вовремя", "Деньги не вернули"]


def test_a_cp1251_csv_is_detected_and_read(tiny_model, tmp_path):
    source, out = tmp_path / "excel.csv", tmp_path / "out.jsonl"
    rows = "".join(f'{i},"{text}"\n' for i, text in enumerate(CYRILLIC))
    source.write_bytes(("id,text\n" + rows).encode("cp1251"))
    result = runner.invoke(app, ["tag", str(source), "-o", str(out), "-m", str(tiny_model)])
    assert result.exit_code == 0, result.output
    tagged = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in tagged] == CYRILLIC


def test_the_encoding_option_overrides_the_guess(tiny_model, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.jsonl"
    source.write_bytes("id,text\n1,Курьер опоздал\n".encode("koi8_r"))
    args = ["tag", str(source), "-m", str(tiny_model), "-o", str(out), "--encoding", "koi8-r"]
    assert runner.invoke(app, args).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == "Курьер опоздал"
    assert "unknown encoding 'klingon'" in one_line_error([*args[:-1], "klingon"])


@pytest.mark.parametrize("name", ["book.xlsx", "renamed.csv"])
def test_an_excel_workbook_is_read_even_when_renamed_csv(tiny_model, tmp_path, name):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "text", "amount"])
    for index, text in enumerate(CYRILLIC):
        workbook.active.append([index + 1, text, 1500.0])
    source, out = tmp_path / name, tmp_path / "out.jsonl"
    workbook.save(source)
    result = runner.invoke(app, ["tag", str(source), "-o", str(out), "-m", str(tiny_model)])
    assert result.exit_code == 0, result.output
    tagged = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(row["id"], row["text"], row["amount"]) for row in tagged] == [
        (str(i + 1), text, "1500") for i, text in enumerate(CYRILLIC)
    ]


def test_an_old_xls_workbook_is_named(tiny_model, tmp_path, no_model_load):
    source = tmp_path / "old.csv"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    line = one_line_error(["tag", str(source), "-o", str(tmp_path / "out.csv"), "-m", str(tiny_model)])
    assert "old Excel (.xls) workbook; save it as .xlsx or as CSV UTF-8" in line


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
@pytest.mark.parametrize("command", ["tag", "predict"])
def test_an_empty_file_is_said_to_be_empty(tiny_model, tmp_path, no_model_load, content, command):
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    args = {
        "tag": ["tag", str(source), "-o", str(tmp_path / "out.csv")],
        "predict": ["predict", "-i", str(source)],
    }
    assert f"{source} is empty" in one_line_error([*args[command], "-m", str(tiny_model)])
    assert not list(tmp_path.glob("out.csv*"))


def test_a_header_without_rows_is_not_a_success(tiny_model, tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,text\n", encoding="utf-8")
    line = one_line_error(["tag", str(source), "-o", str(out), "-m", str(tiny_model)], code=1)
    assert "has no rows" in line and not out.exists()


def test_a_run_that_rejects_most_rows_exits_1_with_the_top_reasons(tiny_model, tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.csv"
    rows = [*archive_rows(2), *({"id": f"e{i}", "text": " "} for i in range(4)), {"id": "n", "text": 5}]
    write_archive(source, rows)
    line = one_line_error(["tag", str(source), "-o", str(out), "-m", str(tiny_model)], code=1)
    assert "5 of 7 rows of" in line and "empty text (4)" in line and "text is not a string (int) (1)" in line
    assert out.exists() and out.with_name("out.csv.rejects.jsonl").exists()


def test_a_run_that_rejects_every_row_leaves_no_empty_output(tiny_model, tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.csv"
    write_archive(source, [{"id": f"e{i}", "text": ""} for i in range(3)])
    line = one_line_error(["tag", str(source), "-o", str(out), "-m", str(tiny_model)], code=1)
    assert "every row of" in line and "empty text (3)" in line
    assert not out.exists() and not out.with_name("out.csv.parts").exists()


def test_predict_on_a_file_of_bad_rows_exits_1(tiny_model, tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('not json\n{"text": ""}\n{"text": "спасибо"}\n', encoding="utf-8")
    line = one_line_error(["predict", "-m", str(tiny_model), "-i", str(source), "-o", str(out)], code=1)
    assert "2 of 3 rows" in line and "empty text (1)" in line and "invalid JSON" in line
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3  # every row still has its record


@pytest.mark.parametrize("where", ["{file}/out.csv", "{tmp}"])
def test_an_output_that_cannot_be_written_is_refused_first(tiny_model, tmp_path, no_model_load, where):
    source = tmp_path / "in.csv"
    write_archive(source, archive_rows(2))
    out = where.format(file=source, tmp=tmp_path)
    line = one_line_error(["tag", str(source), "-o", out, "-m", str(tiny_model)])
    assert "is a file, not a folder" in line or "is a directory; give a file name" in line


def test_debug_shows_the_traceback(tmp_path):
    from nlp.errors import ModelFormatError

    result = runner.invoke(app, ["--debug", "predict", "-m", str(tmp_path / "none"), "текст"])
    assert result.exit_code == 1 and isinstance(result.exception, ModelFormatError)
