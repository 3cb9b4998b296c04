"""ONNX export of a tiny model: files, parity with PyTorch, and the «auto» backend choice."""

import shutil

import pytest

from nlp import Predictor
from nlp.backends import OnnxBackend, TorchBackend, resolve_backend
from tests.helpers import good_record, tiny_model_dir, write_jsonl
from training.export import check_parity, export_onnx

TEXTS = ["курьер опоздал !", "спасибо", "приложение вылетает , деньги не вернули ?", "заказ " * 30]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model_dir = tiny_model_dir(tmp_path_factory.mktemp("onnx-model"))
    export_onnx(model_dir)
    return model_dir


def test_export_writes_both_files_and_auto_prefers_onnx(exported, tmp_path):
    assert (exported / "model.onnx").stat().st_size > 0 and (exported / "model.int8.onnx").stat().st_size > 0
    assert resolve_backend("auto", exported) == "onnx"
    assert isinstance(Predictor.load(exported).backend, OnnxBackend)
    plain = shutil.copytree(exported, tmp_path / "plain", ignore=shutil.ignore_patterns("*.onnx"))
    assert resolve_backend("auto", plain) == "torch"
    assert isinstance(Predictor.load(plain).backend, TorchBackend)


@pytest.mark.parametrize("variant", ["fp32", "int8"])
def test_exported_model_agrees_with_pytorch(exported, variant):
    parity = check_parity(exported, TEXTS * 5, variant)
    assert parity.messages == 20
    assert parity.agreement == 1.0
    assert parity.max_probability_difference < (1e-4 if variant == "fp32" else 0.05)


def test_onnx_records_have_the_same_shape_as_torch_records(exported):
    onnx_records = Predictor.load(exported, backend="onnx").predict(["", *TEXTS], ids=list("abcde"))
    torch_records = Predictor.load(exported, backend="torch").predict(["", *TEXTS], ids=list("abcde"))
    assert [r.id for r in onnx_records] == list("abcde") and onnx_records[0].error == "empty text"
    for a, b in zip(onnx_records, torch_records, strict=True):
        assert a.model_dump().keys() == b.model_dump().keys()
        assert a.labels == b.labels and a.truncated == b.truncated


def test_a_missing_export_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="triage export"):
        OnnxBackend.load(tmp_path)
    with pytest.raises(ValueError, match="unknown backend"):
        resolve_backend("tensorflow", tmp_path)


def test_cli_export_reports_parity_and_keeps_agreeing_files(tmp_path):
    import json

    from typer.testing import CliRunner

    from serve.cli import app

    model_dir = tiny_model_dir(tmp_path / "model")
    data = write_jsonl(tmp_path / "dev.jsonl", [good_record(id=str(i), text=t) for i, t in enumerate(TEXTS)])
    result = CliRunner().invoke(app, ["export", "--model", str(model_dir), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "same labels" in result.output and "100.00%" in result.output
    report = json.loads((model_dir / "export.json").read_text())
    assert report["model.int8.onnx"]["kept"] and report["model.onnx"]["label_agreement"] == 1.0
    assert (model_dir / "model.int8.onnx").exists()
