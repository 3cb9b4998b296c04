"""bfloat16 autocast for training: the products run in bfloat16, the weights stay float32."""

import numpy as np
import pytest

from tests.helpers import tiny_model_dir
from training.examples import Examples

TEXTS = ["курьер опоздал", "всё отлично", "деньги не вернули", "приложение вылетает"]


def dtypes_seen_in_training(tmp_path, precision: str) -> tuple[set, set]:
    """The dtypes the encoder's linear layers produced while training, and the weights' dtypes after."""
    import torch

    from nlp.model import TriageModel
    from nlp.predictor import Predictor
    from training.arguments import TrainingArguments
    from training.loop import train_model

    model_dir = tiny_model_dir(tmp_path / "model")
    model = TriageModel.from_pretrained(model_dir)
    seen: set = set()
    for module in model.encoder.modules():
        if isinstance(module, torch.nn.Linear):
            module.register_forward_hook(lambda _m, _i, output: seen.add(output.dtype))
    n = len(TEXTS)
    complaints = np.zeros((n, len(model.config.complaint_labels)), np.float32)
    complaints[:, 0] = [1, 0, 0, 1]
    examples = Examples(
        TEXTS, complaints, np.ones(n, np.float32), np.array([0, 2, 0, 0]), np.array([1, 0, 1, 1])
    )
    args = TrainingArguments(data=tmp_path, base_model="tiny", epochs=1, batch_size=2, precision=precision)
    train_model(model, Predictor.load(model_dir).tokenizer, examples, args, lambda _: 0.0)
    return seen, {parameter.dtype for parameter in model.parameters()}


def test_bf16_runs_the_products_in_bfloat16_and_keeps_float32_weights(tmp_path):
    import torch

    products, weights = dtypes_seen_in_training(tmp_path, "bf16")
    assert products == {torch.bfloat16}
    assert weights == {torch.float32}


def test_fp32_runs_the_products_in_float32(tmp_path):
    import torch

    products, _ = dtypes_seen_in_training(tmp_path, "fp32")
    assert products == {torch.float32}


@pytest.mark.parametrize(("native", "expected"), [(True, "bf16"), (False, "fp32")])
def test_auto_follows_the_cpu(monkeypatch, native, expected):
    import training.precision as precision

    monkeypatch.setattr(precision, "native_bf16", lambda: native)
    assert precision.resolved_precision("auto") == expected
    assert precision.resolved_precision("fp32") == "fp32"
    assert precision.resolved_precision("bf16") == "bf16"


def test_an_unknown_precision_is_refused_with_the_choices(tmp_path):
    from training.arguments import TrainingArguments

    with pytest.raises(ValueError, match="precision must be auto, bf16 or fp32"):
        TrainingArguments(data=tmp_path, base_model="tiny", precision="fp16")


def test_the_recipes_train_pretrained_encoders_in_auto_and_navec_in_fp32(tmp_path):
    from training.arguments import NAVEC, TrainingArguments

    assert TrainingArguments(data=tmp_path, base_model="tiny").precision == "auto"
    assert TrainingArguments(data=tmp_path, base_model=NAVEC).precision == "fp32"
