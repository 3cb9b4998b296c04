"""What a run's parts were made from, written beside them and checked by `--resume`.

Parts made from another input, model, chunk size, format, column mapping, text cap or tool
version cannot be joined with new ones: `--resume` refuses and names the difference.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from serve.tagging.durable import atomic_write
from serve.tagging.refused import Refused

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    input_path: str
    input_size: int
    input_mtime_ns: int
    input_sha256: str
    model_version: str
    chunk_rows: int
    columns: dict[str, str]
    input_columns: list[str]
    output_format: str
    evidence: bool
    max_text_chars: int
    tool_version: str

    def save(self, parts: Path) -> None:
        data = json.dumps(asdict(self), ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(parts / MANIFEST, lambda handle: handle.write(data))

    @classmethod
    def load(cls, parts: Path) -> "Manifest | None":
        path = parts / MANIFEST
        return cls(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None

    def differences(self, other: "Manifest") -> list[str]:
        """`name: old → new` for every field that differs."""
        return [
            f"{item.name}: {_short(getattr(self, item.name))} → {_short(getattr(other, item.name))}"
            for item in fields(self)
            if getattr(self, item.name) != getattr(other, item.name)
        ]


def check_resume(saved: Manifest | None, current: Manifest, parts: Path) -> None:
    if saved is None:
        raise Refused(f"cannot --resume: {parts} has no {MANIFEST}; run without --resume to start over")
    changes = saved.differences(current)
    if changes:
        raise Refused(f"cannot --resume: {'; '.join(changes)}; run without --resume to start over")


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "…"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tool_version() -> str:
    try:
        return version("support-triage")
    except PackageNotFoundError:
        return "unknown"
