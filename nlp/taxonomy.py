"""A label set (taxonomy): the complaint types one model predicts, in order, with their meaning.

The default taxonomy is the corpus's contract (`nlp.labels`, `docs/labels.md`); a team's own
taxonomy comes from its training data or a label file (`training.taxonomy`). A trained model
carries its taxonomy in its config (`complaint_labels`, `label_info`), and every driver reads
it from there.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nlp.labels import COMPLAINT_LABELS, DESCRIPTIONS

LABEL_NAME = re.compile(r"^[^\W\d]\w{0,63}$")
"""A label name: a letter, then letters, digits or «_» (64 characters at most; any alphabet).
It becomes a column name (`score_<label>`) and is joined by «;» in CSV cells."""


def name_problem(name: object) -> str | None:
    """Why `name` cannot be a label name, or None when it can."""
    if not isinstance(name, str):
        return f"a label is a string, got {type(name).__name__}"
    if not LABEL_NAME.match(name):
        return f"{name!r} is not a label name (a letter, then letters, digits or _; at most 64)"
    return None


@dataclass(frozen=True)
class LabelSpec:
    name: str
    display: str = ""
    """A human name for pages and reports (e.g. «Нет связи»); the name when empty."""
    description: str = ""
    examples: tuple[str, ...] = ()

    def info(self) -> dict[str, str]:
        pairs = (("display", self.display), ("description", self.description))
        return {key: value for key, value in pairs if value}


@dataclass(frozen=True)
class Taxonomy:
    labels: tuple[LabelSpec, ...]
    source: str = "data"
    """Where the set came from: «default», «data» or the label file's path."""

    @property
    def names(self) -> list[str]:
        return [spec.name for spec in self.labels]

    @property
    def is_default(self) -> bool:
        return self.names == list(COMPLAINT_LABELS)

    def label_info(self) -> dict[str, dict[str, str]]:
        """Display names and descriptions as stored in the model's config."""
        return {spec.name: spec.info() for spec in self.labels if spec.info()}

    @classmethod
    def of(
        cls, names: Iterable[str], source: str = "data", info: Mapping[str, Mapping[str, str]] | None = None
    ) -> "Taxonomy":
        specs = (_described_label(name, (info or {}).get(name, {})) for name in names)
        return cls(tuple(specs), source)


def _described_label(name: str, info: Mapping[str, str]) -> LabelSpec:
    """A label with its stored display name and description (as `LabelSpec.info` gives them)."""
    return LabelSpec(name, display=info.get("display", ""), description=info.get("description", ""))


def default_taxonomy() -> Taxonomy:
    """The corpus's 12 labels in the contract's order, with their descriptions."""
    info = {name: {"description": text} for name, text in DESCRIPTIONS.items()}
    return Taxonomy.of(COMPLAINT_LABELS, "default", info)


def display_names(names: Sequence[str], info: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Each label's display name (its name when it has none)."""
    return {name: info.get(name, {}).get("display") or name for name in names}
