"""Writing labelled records as JSON Lines."""

import json
from collections.abc import Iterable
from pathlib import Path

from training.data.records import TicketRecord


def record_json(record: TicketRecord) -> str:
    fields = record.model_dump(mode="json", exclude_none=True)
    if not fields.get("tags"):
        fields.pop("tags", None)
    return json.dumps(fields, ensure_ascii=False)


def write_jsonl(records: Iterable[TicketRecord], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [record_json(record) for record in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
