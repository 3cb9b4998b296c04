"""The multi-task model on a tiny encoder built from config: heads, masks, save/load."""

import json

import pytest
import torch
from transformers import AutoModel, BertConfig

from nlp.config import FORMAT_VERSION, ModelFormatError, TriageConfig
from nlp.model import IGNORE, TriageModel

TINY_ENCODER = BertConfig(
    vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37
).to_dict()


@pytest.fixture
def model() -> TriageModel:
    torch.manual_seed(0)
    return TriageModel(TriageConfig(encoder=TINY_ENCODER)).eval()


def batch(size: int = 4, length: int = 7) -> dict:
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(1, 99, (size, length), generator=generator)
    mask = torch.ones_like(ids)
    mask[0, 4:] = 0
    return {"input_ids": ids, "attention_mask": mask}


def test_three_heads_have_the_contract_shapes(model):
    output = model(**batch())
    assert output.complaint_logits.shape == (4, 12)
    assert output.sentiment_logits.shape == (4, 3)
    assert output.urgency_logits.shape == (4, 3)
    assert output.loss is None


def test_padding_does_not_change_a_records_logits(model):
    inputs = batch()
    first = model(**inputs).complaint_logits[0]
    inputs["input_ids"][0, 4:] = 5  # change only padded positions
    assert torch.allclose(model(**inputs).complaint_logits[0], first, atol=1e-6)


def test_mean_pooling_ignores_padding_and_is_the_masked_mean():
    from nlp.model import mean_weights

    torch.manual_seed(0)
    model = TriageModel(TriageConfig(encoder=TINY_ENCODER, pooling="mean")).eval()
    inputs = batch()
    first = model(**inputs).complaint_logits[0]
    inputs["input_ids"][0, 4:] = 5
    assert torch.allclose(model(**inputs).complaint_logits[0], first, atol=1e-6)
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    weights = mean_weights(torch.tensor([[1, 1, 0]]), queries=3, dtype=hidden.dtype)
    pooled = torch.einsum("btq,bth->bqh", weights, hidden)
    assert pooled.shape == (1, 3, 2) and pooled[0].tolist() == [[2.0, 3.0]] * 3


@pytest.mark.parametrize("pooling", ["attention", "mean"])
def test_token_terms_split_each_logit_exactly(pooling):
    """Summed over the tokens, the terms give every complaint logit minus its bias, and the
    urgency «high» margin against the mean of the other classes; padding gets nothing, and the
    pooling weights of a record sum to one."""
    torch.manual_seed(0)
    model = TriageModel(TriageConfig(encoder=TINY_ENCODER, pooling=pooling)).eval()
    inputs = batch()
    output = model(**inputs, return_token_scores=True)
    terms, weights = output.token_scores.unbind(-1)
    assert terms.shape == weights.shape == (4, 7, 13)
    assert torch.allclose(terms[..., :12].sum(1), output.complaint_logits - model.complaint_bias, atol=1e-5)
    assert torch.all(terms[0, 4:] == 0) and torch.all(weights[0, 4:] == 0)
    assert torch.allclose(weights.sum(1), torch.ones(4, 13), atol=1e-5)
    high = model.config.flag_index
    logits, bias = output.urgency_logits, model.urgency_head.bias
    others = [k for k in range(3) if k != high]
    margin = (logits[:, high] - bias[high]) - (logits[:, others] - bias[others]).mean(1)
    assert torch.allclose(terms[..., 12].sum(1), margin, atol=1e-5)


def test_masks_keep_unannotated_records_out_of_the_loss(model):
    inputs = batch()
    complaint = torch.zeros(4, 12)
    masked_out = {"complaint_mask": torch.tensor([1.0, 1.0, 0.0, 0.0])}
    sentiment = torch.tensor([0, IGNORE, 2, IGNORE])
    base = model(**inputs, complaint_labels=complaint, sentiment=sentiment, **masked_out).loss
    complaint[2:] = 1.0  # targets of masked records may be anything
    changed = model(**inputs, complaint_labels=complaint, sentiment=sentiment, **masked_out).loss
    assert torch.isclose(base, changed)
    sentiment_only = model(**inputs, sentiment=torch.full((4,), IGNORE)).loss
    assert sentiment_only.item() == 0.0


def test_loss_trains_every_head(model):
    model.train()
    loss = model(
        **batch(),
        complaint_labels=torch.ones(4, 12),
        sentiment=torch.tensor([0, 1, 2, 0]),
        urgency=torch.tensor([2, 2, 1, 0]),
    ).loss
    loss.backward()
    for weight in (
        model.complaint_head,
        model.sentiment_head.weight,
        model.urgency_head.weight,
        model.pool.queries,
    ):
        assert weight.grad is not None and weight.grad.abs().sum() > 0


def test_save_and_load_round_trip_through_auto_classes(model, tmp_path):
    model.config.label_thresholds["app_issue"] = 0.37
    model.save_pretrained(tmp_path)
    loaded = AutoModel.from_pretrained(tmp_path).eval()
    assert isinstance(loaded, TriageModel)
    assert loaded.config.label_thresholds["app_issue"] == 0.37
    inputs = batch()
    assert torch.allclose(loaded(**inputs).urgency_logits, model(**inputs).urgency_logits, atol=1e-6)


def test_a_different_format_version_is_refused_with_a_clear_error(model, tmp_path):
    model.save_pretrained(tmp_path)
    config_path = tmp_path / "config.json"
    config = json.loads(config_path.read_text())
    config["format_version"] = FORMAT_VERSION + 1
    config_path.write_text(json.dumps(config))
    with pytest.raises(ModelFormatError, match="format version"):
        TriageModel.from_pretrained(tmp_path)
