"""`triage predict`: classify one text, or a JSONL/CSV file line by line (never dropping one)."""

import json
from pathlib import Path

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from nlp.prediction import Prediction
from nlp.predictor import Predictor
from serve.tagging.job import chunks
from training.data.readers import RawRow, read_rows

CHUNK = 512


def predict_file(
    predictor: Predictor, source: Path, target: Path, batch_size: int = 64, evidence: bool = False
) -> tuple[int, int]:
    """Write one output record per input row; returns (rows, rows with an error)."""
    rows = errors = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        for chunk in chunks(read_rows(source), CHUNK):
            for record in _predict_chunk(predictor, chunk, batch_size, evidence):
                out.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n")
                rows, errors = rows + 1, errors + (record.error is not None)
    return rows, errors


def _predict_chunk(
    predictor: Predictor, chunk: list[RawRow], batch_size: int, evidence: bool
) -> list[Prediction]:
    texts = [(row.fields or {}).get("text") for row in chunk]
    ids = [_row_id(row) for row in chunk]
    records = predictor.predict(texts, batch_size=batch_size, ids=ids, evidence=evidence)
    for row, record in zip(chunk, records, strict=True):
        if row.error is not None:
            record.error = f"line {row.line}: {row.error}"
        elif record.error is not None:
            record.error = f"line {row.line}: {record.error}"
    return records


def _row_id(row: RawRow) -> str | None:
    value = (row.fields or {}).get("id")
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
