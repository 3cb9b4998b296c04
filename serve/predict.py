"""`triage predict`: classify one text, or a JSONL/CSV file line by line (never dropping one)."""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from nlp.display_names import display_name
from nlp.io.rows import RawRow, read_rows
from nlp.labels import RETENTION_URGENCY
from nlp.prediction import Prediction
from nlp.predictor import Predictor
from serve.tagging.job import chunks
from serve.tagging.records import Columns, row_id

CHUNK = 512


@dataclass
class FileRun:
    rows: int = 0
    errors: int = 0
    reasons: Counter = field(default_factory=Counter)
    """Why rows could not be classified, without their line numbers."""


def predict_file(
    predictor: Predictor, source: Path, out: TextIO, batch_size: int = 64, evidence: bool = False,
    columns: Columns = Columns(), encoding: str | None = None, fmt: str = "jsonl",
) -> FileRun:  # fmt: skip
    """Write one output record per input row (JSONL, or one JSON list with `fmt` json)."""
    run = FileRun()
    records = (
        record
        for chunk in chunks(read_rows(source, encoding), CHUNK)
        for record in _predict_chunk(predictor, chunk, batch_size, evidence, columns, run)
    )
    write_records(records, out, fmt)
    return run


def write_records(records: Iterable[Prediction], out: TextIO, fmt: str = "jsonl") -> None:
    dicts = (record.model_dump(mode="json") for record in records)
    if fmt == "json":
        json.dump(list(dicts), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for record in dicts:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _predict_chunk(
    predictor: Predictor, chunk: list[RawRow], batch_size: int, evidence: bool, columns: Columns, run: FileRun
) -> list[Prediction]:
    texts = [(row.fields or {}).get(columns.text) for row in chunk]
    ids = [row_id(row, columns.id) for row in chunk]
    records = predictor.predict(texts, batch_size=batch_size, ids=ids, evidence=evidence)
    for row, record in zip(chunk, records, strict=True):
        reason = row.error or record.error
        run.rows += 1
        if reason is not None:
            record.error = f"line {row.line}: {reason}"
            run.errors += 1
            run.reasons[reason] += 1
    return records


POSSIBLE_MARGIN = 0.1
"""A label this close under its threshold is shown as «possible»: the decision is not clear-cut."""


def possible_labels(record: Prediction, thresholds: dict[str, float]) -> list[str]:
    """Labels not given but within `POSSIBLE_MARGIN` of their threshold, likeliest first."""
    near = [
        name
        for name, score in record.scores.items()
        if name not in record.labels and name in thresholds and score >= thresholds[name] - POSSIBLE_MARGIN
    ]
    return sorted(near, key=lambda name: -record.scores[name])


def prediction_table(
    texts: list[str], records: list[Prediction], thresholds: dict[str, float] | None = None
) -> Table:
    """One block per message, readable at 80 columns: the message (evidence in bold, entities
    underlined), then a line per finding — complaints with their phrases, possible ones,
    sentiment, urgency and its flag, entities. Names in Russian; codes are in the JSON output."""
    table = Table(title="predictions", title_justify="left", show_lines=True, show_header=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("prediction", ratio=1)
    for number, (text, record) in enumerate(zip(texts, records, strict=True), start=1):
        table.add_row(str(number), _block(text, record, thresholds or {}))
    return table


def _block(text: str, record: Prediction, thresholds: dict[str, float]) -> Table:
    block = Table.grid(padding=(0, 1))
    block.add_column(style="dim", no_wrap=True)
    block.add_column(ratio=1)
    block.add_row("", highlighted(text, record))
    if record.error:
        block.add_row("error", Text(record.error, style="red"))
        return block
    complaints = [
        f"{_named(name, record.scores[name])}{_phrases(record.evidence.get(name))}" for name in record.labels
    ]
    block.add_row("complaints", "\n".join(complaints) or "—")
    if possible := possible_labels(record, thresholds):
        block.add_row("possible", "\n".join(_named(name, record.scores[name]) for name in possible))
    block.add_row("sentiment", _sentiment_text(record))
    block.add_row("urgency", urgency_text(record) + _phrases(record.evidence.get("urgency")))
    if record.entities:
        block.add_row("entities", ", ".join(f"{e.type} {escape(e.text)}" for e in record.entities))
    return block


def _named(code: str, score: float) -> str:
    return f"{escape(display_name(code))} {score:.2f}"


def _sentiment_text(record: Prediction) -> str:
    if record.sentiment is None:
        raise ValueError(f"record {record.id}: not classified, no sentiment to show")
    return _named(record.sentiment, record.sentiment_scores[record.sentiment])


def urgency_text(record: Prediction) -> str:
    """«средняя · P(высокая) 0.02»: the class, then the probability of the flag's class, so that
    the two numbers never seem to contradict each other."""
    if record.urgency is None or record.urgency_score is None:
        raise ValueError(f"record {record.id}: not classified, no urgency to show")
    flag = " · [bold red]⚑ retention[/]" if record.retention_flag else ""
    chance = f"P({display_name(RETENTION_URGENCY)}) {record.urgency_score:.2f}"
    return f"{display_name(record.urgency)} · {chance}{flag}"


def highlighted(text: str, record: Prediction) -> Text:
    """The text with evidence in bold and entities underlined."""
    shown = Text(text)
    for phrases in record.evidence.values():
        for phrase in phrases:
            shown.stylize("bold", phrase.start, phrase.end)
    for entity in record.entities:
        shown.stylize("underline cyan", entity.start, entity.end)
    return shown


def _phrases(evidence: list | None) -> str:
    """«← «phrase», «phrase»» on the line after a label: the words the model leaned on."""
    return "\n  ← " + ", ".join(f"«{escape(e.text)}»" for e in evidence) if evidence else ""
