"""Shared fixtures: paths of the shipped corpus and small record builders."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TICKETS = ROOT / "data" / "tickets"
SPLITS = ("train", "dev", "test")


def good_record(**overrides: object) -> dict:
    record = {
        "id": "t-1",
        "text": "Заказ опоздал на три дня",
        "labels": ["late_delivery"],
        "sentiment": "negative",
        "urgency": "medium",
    }
    record.update(overrides)
    return record


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus() -> dict:
    """The shipped splits, validated once per session."""
    from training.data.validate import validate_files

    result = validate_files([TICKETS / f"{name}.jsonl" for name in SPLITS])
    assert result.ok, [str(problem) for problem in result.problems[:10]]
    by_split: dict[str, list] = {name: [] for name in SPLITS}
    for name in SPLITS:
        ids = {json.loads(line)["id"] for line in (TICKETS / f"{name}.jsonl").open(encoding="utf-8")}
        by_split[name] = [record for record in result.records if record.id in ids]
    return by_split


TINY_WORDS = [
    "заказ",
    "курьер",
    "опоздал",
    "приложение",
    "вылетает",
    "спасибо",
    "деньги",
    "вернули",
    "!",
    "?",
]


def tiny_model_dir(path: Path, max_tokens: int = 16) -> Path:
    """A random TriageModel with a tiny BERT encoder and word tokenizer, saved like a real one."""
    import torch
    from transformers import BertConfig

    from nlp.config import TriageConfig
    from nlp.model import TriageModel
    from training.tokenizer import build_tokenizer

    tokenizer = build_tokenizer(TINY_WORDS, max_tokens=max_tokens)
    encoder = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=37, max_position_embeddings=max_tokens,
    )  # fmt: skip
    torch.manual_seed(0)
    model = TriageModel(TriageConfig(encoder=encoder.to_dict(), max_tokens=max_tokens))
    model.config.model_version = "tiny-test"
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    return tiny_model_dir(tmp_path_factory.mktemp("tiny-model"))


class HeadsOnly:
    """A backend without token terms, as a graph exported before them: evidence by occlusion."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def logits(self, input_ids, attention_mask):
        from nlp.backends import TOKENS

        return {k: v for k, v in self.backend.logits(input_ids, attention_mask).items() if k != TOKENS}
