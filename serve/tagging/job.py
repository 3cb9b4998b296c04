"""`triage tag`: stream an archive through the Predictor in chunks, resumably, losing no row.

Each chunk of input rows becomes a part (tagged rows, rejects, summary) under
`OUTPUT.parts/`. `--resume` skips the committed parts and continues; at the end the parts
are joined into OUTPUT and OUTPUT.rejects.jsonl, each appearing only when complete.
"""

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path

from nlp.prediction import Prediction
from nlp.predictor import Predictor
from serve.tagging.parts import join_parts, output_format, write_part
from serve.tagging.records import Columns, output_row, reject_record, rejection
from serve.tagging.summary import Summary
from serve.tagging.tagged import parse_time
from training.data.readers import RawRow, read_rows

CHUNK_ROWS = 8192  # per chunk: one length sort (less padding than 2048: +4 % msg/s), ~10 s of work


@dataclass
class TagJob:
    source: Path
    target: Path
    columns: Columns = field(default_factory=Columns)
    fmt: str | None = None
    chunk_rows: int = CHUNK_ROWS
    batch_size: int = 64
    evidence: bool = False
    """Phrases behind each label (opt-in: dozens of extra forward rows per message)."""

    @property
    def parts(self) -> Path:
        return self.target.with_name(self.target.name + ".parts")

    @property
    def rejects(self) -> Path:
        return self.target.with_name(self.target.name + ".rejects.jsonl")

    def run(
        self, predictor: Predictor, resume: bool = False, on_rows: Callable[[int], None] | None = None
    ) -> Summary:
        fmt = self.start(resume, on_rows)
        for index, chunk in self.pending():
            self._tag_chunk(predictor, index, chunk, fmt)
            if on_rows:
                on_rows(len(chunk))
        return self.finish(fmt)

    def start(self, resume: bool, on_rows: Callable[[int], None] | None = None) -> str:
        """The output format; keeps the committed parts when resuming (and reports their rows)."""
        fmt = output_format(self.target, self.fmt)
        if not resume:
            shutil.rmtree(self.parts, ignore_errors=True)
        self.parts.mkdir(parents=True, exist_ok=True)
        done = self._committed()
        if on_rows and done:
            on_rows(sum(Summary.load(self._summary(i)).rows for i in range(done)))
        return fmt

    def pending(self) -> Iterator[tuple[int, list[RawRow]]]:
        """The chunks not committed yet, with their index."""
        done = self._committed()
        rows = islice(read_rows(self.source), done * self.chunk_rows, None)
        return enumerate(chunks(rows, self.chunk_rows), done)

    def _committed(self) -> int:
        count = 0
        while self._summary(count).exists():
            count += 1
        return count

    def _summary(self, index: int) -> Path:
        return self.parts / f"part-{index:06d}.summary.json"

    def _tag_chunk(self, predictor: Predictor, index: int, chunk: list[RawRow], fmt: str) -> None:
        good = self.split(index, chunk)
        texts, ids = texts_and_ids(good, self.columns)
        days = [message_day(row, self.columns) for row in good]
        predictions = predictor.predict(
            texts, batch_size=self.batch_size, ids=ids, evidence=self.evidence, now=days
        )
        self.commit(index, len(chunk), good, predictions, fmt)

    def split(self, index: int, chunk: list[RawRow]) -> list[RawRow]:
        """Writes the chunk's rejects part; returns the rows that can be classified."""
        reasons = [rejection(row, self.columns) for row in chunk]
        bad = [reject_record(row, reason) for row, reason in zip(chunk, reasons, strict=True) if reason]
        (self.parts / f"part-{index:06d}.rejects.jsonl").write_text(
            "".join(r + "\n" for r in bad), encoding="utf-8"
        )
        return [row for row, reason in zip(chunk, reasons, strict=True) if reason is None]

    def commit(
        self, index: int, rows: int, good: list[RawRow], predictions: list[Prediction], fmt: str
    ) -> None:
        """Writes the chunk's tagged part, then its summary, which marks the chunk as done."""
        json_cells = fmt != "jsonl"
        tagged = [output_row(row.fields, p, json_cells) for row, p in zip(good, predictions, strict=True)]
        if tagged:
            write_part(self.parts / f"part-{index:06d}.rows.{fmt}", tagged, fmt)
        summary = Summary(rows=rows, tagged=len(tagged), rejected=rows - len(tagged))
        for row, prediction in zip(good, predictions, strict=True):
            summary.labels.update(prediction.labels)
            summary.sentiment[prediction.sentiment] += 1
            if prediction.retention_flag:
                summary.flagged_messages += 1
                summary.flagged_customers.add(str(row.fields.get(self.columns.customer) or f"row {row.line}"))
        temporary = self._summary(index).with_suffix(".tmp")
        summary.save(temporary)
        temporary.replace(self._summary(index))

    def finish(self, fmt: str) -> Summary:
        """Joins the parts into OUTPUT and OUTPUT.rejects.jsonl, then removes them."""
        count = self._committed()
        join_parts(sorted(self.parts.glob(f"part-*.rows.{fmt}")), self.target, fmt)
        join_parts([self.parts / f"part-{i:06d}.rejects.jsonl" for i in range(count)], self.rejects, "jsonl")
        total = Summary()
        for index in range(count):
            total.add(Summary.load(self._summary(index)))
        shutil.rmtree(self.parts)
        return total


def texts_and_ids(rows: list[RawRow], columns: Columns) -> tuple[list[str], list[str]]:
    return [row.fields[columns.text] for row in rows], [_row_id(row, columns) for row in rows]


def message_day(row: RawRow, columns: Columns) -> date | None:
    """The day a message was written (its time column), for «вчера» and dates without a year."""
    value = row.fields.get(columns.time)
    if isinstance(value, date):  # Parquet timestamps and dates arrive parsed
        return value.date() if isinstance(value, datetime) else value
    moment = parse_time(value)
    return moment.date() if moment else None


def _row_id(row: RawRow, columns: Columns) -> str:
    value = row.fields.get(columns.id)
    return str(row.line) if value is None or value == "" else str(value)


def chunks(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk
