"""The model card: a README.md written into every model directory."""

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from nlp.config import TriageConfig
from training.arguments import RECIPE_FILE, read_recipe
from training.metrics import headline


def new_model_version(out: Path) -> str:
    """A model directory's version: its name and the UTC minute it was written."""
    return f"{out.name}-{datetime.now(timezone.utc):%Y%m%d%H%M}"


INTENDED_USE = """\
Triage of Russian customer-support messages (chats, e-mails, reviews, social posts, call
transcripts) for e-commerce retention teams: which problems a customer reports, their
sentiment, and whether someone should call them back before they leave. Decisions about a
customer should stay with a person; the model ranks and routes, it does not decide."""

LIMITS = """\
- Trained on a hand-written corpus (see `data/README.md` of the project): figures on its test
  split overstate quality on real traffic, which is messier.
- E-commerce only; banking, telecom and travel wording is under-represented.
- Russian only; transliterated and other-language text is classified with lower quality.
- The navec encoder knows words, not sub-words: words outside its vocabulary are `[UNK]`.
- Long texts are cut to the token limit (head + tail) and flagged `truncated`."""


def _table(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _metrics_section(metrics: dict) -> str:
    splits = [name for name in ("dev", "test") if name in metrics]
    names = list(headline(metrics[splits[0]])) if splits else []
    rows = [[name, *(headline(metrics[split]).get(name, "–") for split in splits)] for name in names]
    text = _table(["metric", *splits], rows)
    last = splits[-1] if splits else None
    per_label = metrics.get(last, {}).get("complaints", {}).get("per_label", {}) if last else {}
    if per_label:
        rows = [[name, v["precision"], v["recall"], v["f1"], v["support"]] for name, v in per_label.items()]
        text += f"\n\nPer label on {last}:\n\n" + _table(
            ["label", "precision", "recall", "F1", "support"], rows
        )
    return text


def training_rows(model_dir: Path, run: dict) -> list[list[object]]:
    """What the run found (encoder, steps, seconds…), then every argument of its recipe as saved
    in the directory's `training_args.json`."""
    recipe = read_recipe(model_dir)
    return [[name, value] for name, value in run.items()] + [[name, _cell(v)] for name, v in recipe.items()]


def _cell(value: object) -> str:
    if value is None or value == []:
        return "–"
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def model_card(config: TriageConfig, metrics: dict, data: dict, run: dict, model_dir: Path) -> str:
    shown = config.display_names
    labels = [
        [
            name,
            shown[name],
            config.descriptions.get(name, ""),
            config.label_thresholds[name],
        ]
        for name in config.complaint_labels
    ]
    data_rows = [[name, count] for name, count in data.items()]
    training = training_rows(model_dir, run)
    temperatures = ", ".join(f"{head} {value}" for head, value in config.temperatures.items())
    return f"""---
language: ru
library_name: transformers
tags: [text-classification, multi-label, customer-support, russian]
---

# Support-triage model `{config.model_version}`

One encoder, three heads: complaint types (multi-label, sigmoid per label), sentiment
(3-way) and urgency (3-way). Scores are calibrated on dev (temperatures: {temperatures});
per-label thresholds and the retention-flag threshold ({config.flag_threshold}) are tuned on dev.
Format version {config.format_version}; max {config.max_tokens} tokens.

## Intended use

{INTENDED_USE}

## Labels

{_table(["label", "display name", "meaning", "threshold"], labels)}

Sentiment: {", ".join(config.sentiments)}. Urgency: {", ".join(config.urgencies)}; the
retention flag is P(urgency = high) ≥ {config.flag_threshold}.

## Data

{_table(["", "value"], data_rows)}

## Metrics

{_metrics_section(metrics)}

## Training

{_table(["argument", "value"], training)}

The arguments are saved with the model in `{RECIPE_FILE}`.

## Limits

{LIMITS}

## Use

```python
from nlp import Predictor
predictor = Predictor.load("path/to/this/directory")
predictor.predict(["Заказ опоздал на неделю, больше у вас не закажу"])
```
"""
