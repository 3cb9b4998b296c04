"""Auxiliary training data: files that carry only some annotations, with field mappings.

A source is a file plus a mapping from our targets (`labels`, `sentiment`, `urgency`) to the
file's fields and values. Presets describe the public datasets in `../shared/datasets/`; any
other file is used by the contract's own field names, or renamed with `target=field`.
"""

from dataclasses import dataclass, field
from pathlib import Path

SHARED_DATASETS = Path("../shared/datasets")
TARGETS = ("labels", "sentiment", "urgency")


@dataclass(frozen=True)
class FieldMapping:
    text: str = "text"
    fields: dict[str, str] = field(default_factory=dict)
    """Our target → the file's field; a target absent here is not annotated in the file."""
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    """Per target, a map of the file's values to ours; None drops the annotation."""


@dataclass(frozen=True)
class ExtraSource:
    path: Path
    mapping: FieldMapping


EMOTION_TO_SENTIMENT = {"joy": "positive", "sadness": "negative", "anger": "negative", "fear": "negative"}

PRESETS: dict[str, tuple[str, FieldMapping]] = {
    "sentirueval2015": ("sentirueval2015/train.jsonl", FieldMapping(fields={"sentiment": "sentiment"})),
    "rusentiment": (
        "rusentiment/train.jsonl",
        FieldMapping(
            fields={"sentiment": "label"}, values={"sentiment": {"speech": "positive", "skip": None}}
        ),
    ),
    "cedr": ("cedr/train.jsonl", FieldMapping(fields={"sentiment": "emotions"})),
}
"""RuSentiment: «speech» (greetings) counts as positive, «skip» is dropped. CEDR: emotions give
a sentiment (joy → positive; sadness, anger, fear → negative; none → neutral; surprise alone
is dropped) — as a sentiment signal, not an urgency one: anger in blog posts and news is
not a customer about to leave."""


def resolve(spec: str, renames: dict[str, str], shared: Path = SHARED_DATASETS) -> ExtraSource:
    """A preset name (read from `shared`) or a file path (contract names plus `renames`)."""
    if spec in PRESETS:
        relative, mapping = PRESETS[spec]
        path = shared / relative
        if not path.exists():
            raise FileNotFoundError(f"extra data {spec!r} expects {path}; it is not there")
        return ExtraSource(path, mapping)
    path = Path(spec)
    if not path.exists():
        known = ", ".join(PRESETS)
        raise FileNotFoundError(f"extra data {spec!r} is neither a file nor a preset ({known})")
    fields = {target: renames.get(target, target) for target in TARGETS}
    return ExtraSource(path, FieldMapping(fields=fields))


def parse_renames(pairs: list[str]) -> dict[str, str]:
    """`["sentiment=label"]` → `{"sentiment": "label"}`, checking the target names."""
    renames = {}
    for pair in pairs:
        target, _, source = pair.partition("=")
        if target not in (*TARGETS, "text") or not source:
            raise ValueError(f"bad mapping {pair!r}: expected TARGET=FIELD with TARGET in {TARGETS}")
        renames[target] = source
    return renames


def shared_texts(shared: Path = SHARED_DATASETS) -> list[str]:
    """Every text of the JSONL files under `shared` (empty when the folder is absent)."""
    return [text for path in sorted(shared.glob("*/*.jsonl")) for text in jsonl_texts(path)]


def jsonl_texts(path: Path) -> list[str]:
    """The `text` of every line of a JSONL file (empty when the file is absent)."""
    import json

    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]
