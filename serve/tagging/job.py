"""`triage tag`: stream an archive through the Predictor in chunks, resumably, losing no row.

Each chunk of input rows becomes a part (tagged rows, rejects, summary) under `OUTPUT.parts/`,
beside a manifest of what the parts are made from. `--resume` checks the manifest, skips the
committed parts and continues; at the end the parts are joined by index into OUTPUT and
OUTPUT.rejects.jsonl (see `finish` for the order that no kill can turn into a shorter output).
One writer per OUTPUT: `OUTPUT.lock`.
"""

import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path

from nlp.io.rows import RawRow, read_rows
from nlp.prediction import Prediction
from nlp.predictor import Predictor
from serve.tagging.durable import atomic_write, staged, sync_directory
from serve.tagging.lock import output_lock
from serve.tagging.manifest import Manifest, check_resume, file_sha256, tool_version
from serve.tagging.parts import join_parts, output_format, write_part
from serve.tagging.preflight import check_collisions, check_drift, check_paths, check_text_column
from serve.tagging.records import (
    Columns,
    output_row,
    parsed_fields,
    prediction_columns,
    reject_record,
    rejection,
    row_id,
)
from serve.tagging.schema import InputSchema, input_schema
from serve.tagging.summary import Summary
from serve.tagging.tagged import parse_time
from serve.tagging.textcap import capped, max_text_chars

CHUNK_ROWS = 8192  # per chunk: one length sort (less padding than smaller chunks), and the unit of resumption


@dataclass
class TagJob:
    source: Path
    target: Path
    columns: Columns = field(default_factory=Columns)
    fmt: str | None = None
    chunk_rows: int = CHUNK_ROWS
    batch_size: int = 64
    evidence: bool = False
    """Phrases behind each label: `triage tag` turns it on when the model gives them cheaply."""
    text_cap: int = field(default_factory=max_text_chars)
    output_columns: list[str] = field(default_factory=list)
    """Input columns, then the prediction's: fixed by `start` before any row is tagged."""
    encoding: str | None = None
    """Of a text input; None: detected (UTF-8, else a Cyrillic code page such as cp1251)."""
    _checked: tuple[str, InputSchema] | None = field(default=None, repr=False)

    @property
    def parts(self) -> Path:
        return self.target.with_name(self.target.name + ".parts")

    @property
    def rejects(self) -> Path:
        return self.target.with_name(self.target.name + ".rejects.jsonl")

    @property
    def _trash(self) -> Path:
        return self.target.with_name(self.target.name + ".parts.done")

    def lock(self) -> AbstractContextManager[None]:
        """Held from `start` to `finish`: a second writer of the same OUTPUT is refused at once."""
        return output_lock(self.target)

    def run(
        self, predictor: Predictor, resume: bool = False, on_rows: Callable[[int], None] | None = None
    ) -> Summary:
        with self.lock():
            fmt = self.start(resume, predictor.version, predictor.config.complaint_labels, on_rows)
            for index, chunk in self.pending():
                self._tag_chunk(predictor, index, chunk, fmt)
                if on_rows:
                    on_rows(len(chunk))
            return self.finish(fmt)

    def start(
        self,
        resume: bool,
        model_version: str,
        labels: Sequence[str],
        on_rows: Callable[[int], None] | None = None,
    ) -> str:
        """Checks everything that can be checked before the work; the output format.

        Resuming keeps the committed parts (and reports their rows) if the manifest matches.
        """
        fmt, schema = self.check()
        self.output_columns = [*schema.columns, *prediction_columns(labels)]
        manifest = self.manifest(model_version, fmt, schema.columns)
        self._clear_leftovers()
        if resume and self.parts.exists() and (Manifest.load(self.parts) or self._committed()):
            check_resume(Manifest.load(self.parts), manifest, self.parts)
        else:
            shutil.rmtree(self.parts, ignore_errors=True)
            self.parts.mkdir(parents=True)
            manifest.save(self.parts)
        done = self._committed()
        if on_rows and done:
            on_rows(sum(Summary.load(self._summary(i)).rows for i in range(done)))
        return fmt

    def check(self) -> tuple[str, InputSchema]:
        """What can be checked with no model and no write: the output format and path, the
        input (readable, not empty), its columns. Returns the output format and input schema."""
        if self._checked is None:
            fmt = output_format(self.target, self.fmt)
            check_paths(self.source, [self.target, self.rejects])
            schema = input_schema(self.source, self.encoding)
            check_text_column(schema, self.columns.text, self.source)
            check_collisions(schema)
            check_drift(schema, fmt)
            self._checked = fmt, schema
        return self._checked

    def manifest(self, model_version: str, fmt: str, input_columns: list[str]) -> Manifest:
        stat = self.source.stat()
        return Manifest(
            input_path=str(self.source.resolve()), input_size=stat.st_size, input_mtime_ns=stat.st_mtime_ns,
            input_sha256=file_sha256(self.source), model_version=model_version, chunk_rows=self.chunk_rows,
            columns=asdict(self.columns), input_columns=input_columns, output_format=fmt,
            evidence=self.evidence, max_text_chars=self.text_cap, tool_version=tool_version(),
        )  # fmt: skip

    def _clear_leftovers(self) -> None:
        """Staged files and removed parts of an earlier run that was killed."""
        staged(self.target).unlink(missing_ok=True)
        staged(self.rejects).unlink(missing_ok=True)
        shutil.rmtree(self._trash, ignore_errors=True)

    def pending(self) -> Iterator[tuple[int, list[RawRow]]]:
        """The chunks not committed yet, with their index."""
        done = self._committed()
        rows = islice(read_rows(self.source, self.encoding), done * self.chunk_rows, None)
        return enumerate(chunks(rows, self.chunk_rows), done)

    def _committed(self) -> int:
        count = 0
        while self._summary(count).exists():
            count += 1
        return count

    def _summary(self, index: int) -> Path:
        return self.parts / f"part-{index:06d}.summary.json"

    def _rows_part(self, index: int, fmt: str) -> Path:
        return self.parts / f"part-{index:06d}.rows.{fmt}"

    def _rejects_part(self, index: int) -> Path:
        return self.parts / f"part-{index:06d}.rejects.jsonl"

    def _tag_chunk(self, predictor: Predictor, index: int, chunk: list[RawRow], fmt: str) -> None:
        good = self.split(index, chunk)
        texts, ids = texts_and_ids(good, self.columns, self.text_cap)
        days = [message_day(row, self.columns) for row in good]
        predictions = predictor.predict(
            texts, batch_size=self.batch_size, ids=ids, evidence=self.evidence, now=days
        )
        self.commit(index, len(chunk), good, predictions, fmt)

    def split(self, index: int, chunk: list[RawRow]) -> list[RawRow]:
        """Writes the chunk's rejects part; returns the rows that can be classified."""
        reasons = [rejection(row, self.columns) for row in chunk]
        bad = [reject_record(row, reason) for row, reason in zip(chunk, reasons, strict=True) if reason]
        data = "".join(r + "\n" for r in bad).encode("utf-8")
        atomic_write(self._rejects_part(index), lambda handle: handle.write(data))
        return [row for row, reason in zip(chunk, reasons, strict=True) if reason is None]

    def commit(
        self, index: int, rows: int, good: list[RawRow], predictions: list[Prediction], fmt: str
    ) -> None:
        """Writes the chunk's tagged part, then its summary, which marks the chunk as done."""
        json_cells = fmt != "jsonl"
        fields = [parsed_fields(row) for row in good]
        for row_fields, prediction in zip(fields, predictions, strict=True):
            prediction.truncated = prediction.truncated or len(row_fields[self.columns.text]) > self.text_cap
        tagged = [output_row(f, p, json_cells) for f, p in zip(fields, predictions, strict=True)]
        if tagged:
            write_part(self._rows_part(index, fmt), tagged, fmt, self.output_columns)
        summary = Summary(rows=rows, tagged=len(tagged), rejected=rows - len(tagged))
        for row, row_fields, prediction in zip(good, fields, predictions, strict=True):
            summary.labels.update(prediction.labels)
            summary.sentiment[prediction.sentiment] += 1
            if prediction.retention_flag:
                summary.flagged_messages += 1
                customer = row_fields.get(self.columns.customer)
                summary.flagged_customers.add(str(customer or f"row {row.line}"))
        atomic_write(self._summary(index), lambda handle: handle.write(summary.dumps()))

    def finish(self, fmt: str) -> Summary:
        """Joins the parts, by index, into OUTPUT and OUTPUT.rejects.jsonl, then removes them.

        Order: both files are staged and fsynced; the old OUTPUT is removed; the rejects, then
        OUTPUT are renamed into place (OUTPUT last: it marks the run complete, and whenever it
        exists its rejects are beside it); the parts directory is renamed away, then deleted.
        A kill at any step leaves either the parts (`--resume` joins them again) or the output.
        """
        count = self._committed()
        summaries = [Summary.load(self._summary(index)) for index in range(count)]
        join_parts(self._tagged_parts(summaries, fmt), staged(self.target), fmt, self.output_columns)
        join_parts([self._rejects_part(i) for i in range(count)], staged(self.rejects), "jsonl", [])
        self.target.unlink(missing_ok=True)
        os.replace(staged(self.rejects), self.rejects)
        os.replace(staged(self.target), self.target)
        sync_directory(self.target.parent)
        self.parts.rename(self._trash)
        shutil.rmtree(self._trash)
        total = Summary()
        for summary in summaries:
            total.add(summary)
        return total

    def _tagged_parts(self, summaries: list[Summary], fmt: str) -> list[Path]:
        parts = [self._rows_part(index, fmt) for index, s in enumerate(summaries) if s.tagged]
        missing = [part.name for part in parts if not part.exists()]
        if missing:
            raise ValueError(f"{self.parts}: committed parts are missing ({', '.join(missing[:3])})")
        return parts


def texts_and_ids(rows: list[RawRow], columns: Columns, cap: int) -> tuple[list[str], list[str]]:
    """The texts the model reads (the first `cap` characters) and the rows' ids."""
    return [capped(parsed_fields(row)[columns.text], cap) for row in rows], [
        row_id(row, columns.id) or str(row.line) for row in rows
    ]


def message_day(row: RawRow, columns: Columns) -> date | None:
    """The day a message was written (its time column), for «вчера» and dates without a year."""
    value = parsed_fields(row).get(columns.time)
    if isinstance(value, date):  # Parquet timestamps and dates arrive parsed
        return value.date() if isinstance(value, datetime) else value
    moment = parse_time(value)
    return moment.date() if moment else None


def chunks(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk
