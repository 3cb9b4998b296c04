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

from nlp.prediction import Prediction
from nlp.predictor import Predictor
from serve.tagging.job import chunks
from serve.tagging.records import Columns
from training.data.readers import RawRow, read_rows

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
    ids = [_row_id(row, columns.id) for row in chunk]
    records = predictor.predict(texts, batch_size=batch_size, ids=ids, evidence=evidence)
    for row, record in zip(chunk, records, strict=True):
        reason = row.error or record.error
        run.rows += 1
        if reason is not None:
            record.error = f"line {row.line}: {reason}"
            run.errors += 1
            run.reasons[reason] += 1
    return records


def _row_id(row: RawRow, column: str) -> str | None:
    value = (row.fields or {}).get(column)
    return None if value is None else str(value)


def prediction_table(texts: list[str], records: list[Prediction]) -> Table:
    """One row per text: the text with its entities underlined and its evidence in bold, the
    complaints each with its phrases, sentiment, urgency (with its phrases), the flag."""
    table = Table(title="predictions", title_justify="left", show_lines=True)
    for column in ("text", "complaints", "sentiment", "urgency", "flag"):
        table.add_column(column, overflow="fold")
    for text, record in zip(texts, records, strict=True):
        if record.error:
            table.add_row(text, f"[red]{record.error}[/red]", "", "", "")
            continue
        labels = "\n".join(
            f"{name} {record.scores[name]:.2f}{_phrases(record.evidence.get(name))}" for name in record.labels
        )
        sentiment = f"{record.sentiment} {record.sentiment_scores[record.sentiment]:.2f}"
        table.add_row(
            highlighted(text, record),
            labels or "—",
            sentiment,
            f"{record.urgency} ({record.urgency_score:.2f}){_phrases(record.evidence.get('urgency'))}",
            "⚑" if record.retention_flag else "",
        )
    return table


def highlighted(text: str, record: Prediction) -> Text:
    """The text with evidence in bold and entities underlined, then one line per entity."""
    shown = Text(text)
    for phrases in record.evidence.values():
        for phrase in phrases:
            shown.stylize("bold", phrase.start, phrase.end)
    for entity in record.entities:
        shown.stylize("underline cyan", entity.start, entity.end)
    for entity in record.entities:
        value = "" if entity.value in (None, entity.text) else f" = {entity.value}"
        shown.append(f"\n{entity.type}: {entity.text}{value}", style="dim")
    return shown


def _phrases(evidence: list | None) -> str:
    """«← «phrase», «phrase»» on the line after a label: the words the model leaned on."""
    return "\n  ← " + ", ".join(f"«{escape(e.text)}»" for e in evidence) if evidence else ""
