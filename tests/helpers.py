"""What several test modules share: corpus paths, record and archive builders, tiny models, the
report's planted spike, the Chromium location. Fixtures live in conftest.py; heavy imports stay
inside the functions, so importing this module costs nothing."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from serve.tagging.tagged import Message

ROOT = Path(__file__).resolve().parent.parent
TICKETS = ROOT / "data" / "tickets"
SPLITS = ("train", "dev", "test")


# Training records.


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


# Tiny models, built here and never downloaded.

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


def tiny_checkpoint(path, texts: list[str]):
    """A tiny BERT checkpoint directory, as `--base-model` expects (built here, never downloaded)."""
    from transformers import BertConfig, BertModel

    from training.tokenizer import build_tokenizer, normalized_words

    words = sorted({word for text in texts for word in normalized_words(text)})
    tokenizer = build_tokenizer(words, max_tokens=64)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=37, max_position_embeddings=64,
    )  # fmt: skip
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


class HeadsOnly:
    """A backend without token terms, as a graph exported before them: evidence by occlusion."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def logits(self, input_ids, attention_mask):
        from nlp.backends import TOKENS

        return {k: v for k, v in self.backend.logits(input_ids, attention_mask).items() if k != TOKENS}


# Archives for `triage tag`, in every input format.

ARCHIVE_TEXTS = ["курьер опоздал !", "спасибо", "приложение вылетает", "деньги не вернули ?", "заказ курьер"]


def archive_rows(count: int) -> list[dict]:
    return [
        {"id": f"m{i}", "customer_id": f"c{i % 7}", "created_at": f"2026-10-{1 + i % 28:02d}",
         "channel": "chat", "text": ARCHIVE_TEXTS[i % len(ARCHIVE_TEXTS)] + f" {i}"}
        for i in range(count)
    ]  # fmt: skip


def write_archive(path, rows: list[dict]) -> None:
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.suffix == ".parquet":
        pq.write_table(pa.Table.from_pylist(rows), path)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]), delimiter="\t" if path.suffix == ".tsv" else ",")
            writer.writeheader()
            writer.writerows(rows)


def read_output(path) -> list[dict]:
    import csv

    import pyarrow.parquet as pq

    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t" if path.suffix == ".tsv" else ","))


KILL_SCRIPT = """
import sys, time
from nlp import Predictor
from serve.tagging.job import TagJob
import serve.tagging.job as job

predictor = Predictor.load(sys.argv[1])
original = job.TagJob._tag_chunk
def slow(self, *args):
    original(self, *args)
    print("chunk", flush=True)
    time.sleep(0.3)
job.TagJob._tag_chunk = slow
TagJob(job.Path(sys.argv[2]), job.Path(sys.argv[3]), chunk_rows=10).run(predictor, resume=sys.argv[4] == "1")
"""


def subprocess_env() -> dict:
    """This checkout's code first, whatever the virtualenv has installed."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


# The report's data: a crafted archive with a planted spike.

T0 = datetime(2026, 10, 1, 9, tzinfo=timezone.utc)
SPIKE_DAY = T0.date() + timedelta(days=15)
CRASH = "Приложение вылетает при оплате, третий раз"


def message(i, day, labels=(), channel="chat", text="", evidence=None) -> Message:
    from serve.tagging.tagged import Message

    return Message(f"c{i}", T0 + timedelta(days=day, minutes=i), channel, tuple(labels), "negative", 0.7,
                   True, id=f"m{day}-{i}", text=text or f"сообщение {i}", urgency="high",
                   evidence=evidence or {})  # fmt: skip


def planted() -> list[Message]:
    """20 quiet days (one app_issue every other day, a calm message daily); on day 15 six
    app_issue messages (four in the app, two by e-mail) with their evidence."""
    at = CRASH.index("вылетает")
    evidence = {"app_issue": [{"text": "вылетает", "start": at, "end": at + 8, "weight": 0.5}]}
    messages = [message(100, day, ["app_issue"] if day % 2 else []) for day in range(20) if day != 15]
    messages += [message(200 + day, day, []) for day in range(20)]
    messages += [
        message(i, 15, ["app_issue", "payment_issue"] if i < 2 else ["app_issue"],
                "email" if i % 3 == 0 else "app", CRASH, evidence)
        for i in range(6)
    ]  # fmt: skip
    return messages


# Headless Debian Chromium, driven by Playwright.

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
