"""Which label set a training run uses, and whether its data can teach it.

The rule, in one place:

- With a label file (`--labels FILE`) the file is the label set: its order, display names and
  descriptions. A label in the data that the file does not name is an error.
- Without one, the label set is the training data's: when every label in it is one of the
  default 12 (`docs/labels.md`), the model keeps the default taxonomy (all 12, in the contract's
  order); otherwise the model predicts exactly the labels found in the training file, sorted.

Counts are checked before any training: a label with no training example, or seen only in dev,
test or an auxiliary file, is an error (it is never silently dropped); a label with fewer than
`MIN_EXAMPLES` training examples is a warning — or an error when its name is a near-miss of a
more frequent label (a typo such as «biling_error» beside «billing_error»).
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from nlp.labels import COMPLAINT_LABELS
from nlp.taxonomy import LabelSpec, Taxonomy, default_taxonomy, name_problem

MIN_EXAMPLES = 5
"""Fewer training examples than this and a label's threshold is fitted on almost nothing."""
TYPO_SIMILARITY = 0.85
"""difflib ratio at or above which a rare label is taken for a misspelling of a frequent one."""
SPEC_FIELDS = ("name", "display", "description", "examples")


class LabelFileError(ValueError):
    """A label file that cannot be read or declares a bad label set."""


@dataclass(frozen=True)
class Finding:
    message: str
    error: bool = False

    def __str__(self) -> str:
        return f"{'error' if self.error else 'warning'}: {self.message}"


def read_label_file(path: Path) -> Taxonomy:
    """A YAML (or JSON) file: `labels:` a list of {name, display, description, examples}."""
    import yaml

    try:
        content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LabelFileError(f"{path}: cannot be read: {' '.join(str(exc).split())}") from exc
    entries = content.get("labels") if isinstance(content, dict) else None
    if not isinstance(entries, list) or not entries:
        raise LabelFileError(f"{path}: expected a non-empty list under «labels:» (see data/examples/telecom)")
    specs = tuple(_spec(path, index, entry) for index, entry in enumerate(entries))
    names = [spec.name for spec in specs]
    if repeated := sorted(name for name, count in Counter(names).items() if count > 1):
        raise LabelFileError(f"{path}: labels declared more than once: {', '.join(repeated)}")
    return Taxonomy(specs, str(path))


def _spec(path: Path, index: int, entry: object) -> LabelSpec:
    where = f"{path}: labels[{index}]"
    entry = {"name": entry} if isinstance(entry, str) else entry
    if not isinstance(entry, dict):
        raise LabelFileError(f"{where}: expected a name or a mapping with «name», got {type(entry).__name__}")
    if unknown := sorted(set(entry) - set(SPEC_FIELDS)):
        raise LabelFileError(
            f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(SPEC_FIELDS)}"
        )
    if problem := name_problem(entry.get("name")):
        raise LabelFileError(f"{where}: name: {problem}")
    examples = entry.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(text, str) for text in examples):
        raise LabelFileError(f"{where}: examples: expected a list of texts")
    texts = {key: str(entry.get(key) or "") for key in ("display", "description")}
    return LabelSpec(entry["name"], examples=tuple(examples), **texts)


def choose_taxonomy(train: Counter, declared: Taxonomy | None = None) -> Taxonomy:
    """The label set of a run (see the module's rule): the label file's, the default, or the data's."""
    if declared is not None:
        return declared
    if set(train) <= set(COMPLAINT_LABELS):
        return default_taxonomy()
    return Taxonomy.of(sorted(train), "data")


def check_counts(
    taxonomy: Taxonomy, counts: Mapping[str, Counter], min_examples: int = MIN_EXAMPLES
) -> list[Finding]:
    """Problems with the label counts of each part (`train` first, then dev, test, auxiliary files)."""
    findings = [finding for part, counter in counts.items() if (finding := _outside(taxonomy, part, counter))]
    train = counts.get("train", Counter())
    absent = [name for name in taxonomy.names if not train[name]]
    if absent:
        findings.append(_absent(taxonomy, absent))
    rare = [name for name in taxonomy.names if 0 < train[name] < min_examples]
    typos = {name: typo for name in rare if (typo := _typo_of(taxonomy, name, train, min_examples))}
    findings += [_typo(name, typo, train) for name, typo in typos.items()]
    if few := [name for name in rare if name not in typos]:
        findings.append(_few(few, train, min_examples))
    return findings


def _outside(taxonomy: Taxonomy, part: str, counter: Counter) -> Finding | None:
    stray = {name: count for name, count in counter.items() if name not in taxonomy.names}
    if not stray:
        return None
    listed = ", ".join(f"{name} ({count})" for name, count in sorted(stray.items()))
    if taxonomy.source == "data":
        fix = "add training examples of them or correct their names"
    elif taxonomy.source == "default":
        fix = "a taxonomy of your own needs these labels in the training file too, or a --labels FILE"
    else:
        fix = (
            f"add them to {taxonomy.source} or correct them (`triage data validate --labels` shows the lines)"
        )
    where = "the training data's label set" if taxonomy.source == "data" else _source(taxonomy)
    return Finding(f"{part}: labels outside {where}, never dropped silently: {listed}; {fix}", error=True)


def _absent(taxonomy: Taxonomy, absent: list[str]) -> Finding:
    names = ", ".join(absent)
    if taxonomy.source == "default":
        return Finding(
            f"no training example of {len(absent)} default label(s), the model cannot learn them: {names}"
        )
    return Finding(
        f"no training example of {names} (declared in {taxonomy.source}); "
        "add examples or remove them from it",
        error=True,
    )


def _typo_of(taxonomy: Taxonomy, name: str, train: Counter, min_examples: int) -> str | None:
    """The frequent label a rare label of the data's own set looks like a misspelling of."""
    if taxonomy.source != "data":
        return None
    frequent = [other for other in taxonomy.names if other != name and train[other] >= min_examples]
    similar = get_close_matches(name, frequent, n=1, cutoff=TYPO_SIMILARITY)
    return similar[0] if similar else None


def _typo(name: str, typo: str, train: Counter) -> Finding:
    return Finding(
        f"label {name!r} has {train[name]} training example(s) and looks like a typo of {typo!r} "
        f"({train[typo]}); correct the data, or declare both in a label file (--labels FILE)",
        error=True,
    )


def _few(names: list[str], train: Counter, min_examples: int) -> Finding:
    listed = ", ".join(f"{name} ({train[name]})" for name in names)
    return Finding(
        f"fewer than {min_examples} training examples of {listed}: their scores and thresholds will be "
        "unreliable; add examples or merge them into other labels"
    )


def _source(taxonomy: Taxonomy) -> str:
    return "the default taxonomy" if taxonomy.source == "default" else taxonomy.source


def describe(taxonomy: Taxonomy, counts: Mapping[str, Counter]) -> list[str]:
    """The label set with its example counts per part, one line per label (printed by `train`)."""
    parts = list(counts)
    title = f"label set: {len(taxonomy.names)} labels from {_origin(taxonomy)}"
    header = f"  {'label':<24}" + "".join(f"{part:>8}" for part in parts)
    rows = [
        f"  {name:<24}" + "".join(f"{counts[part][name]:>8}" for part in parts) for name in taxonomy.names
    ]
    return [title, header, *rows]


def _origin(taxonomy: Taxonomy) -> str:
    return {"default": "the default taxonomy (docs/labels.md)", "data": "the training data"}.get(
        taxonomy.source, taxonomy.source
    )
