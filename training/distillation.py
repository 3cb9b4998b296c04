"""Distillation data: a teacher's calibrated scores on the corpus and on unlabelled real text.

The student learns the teacher's probabilities (complaints: per-label sigmoid targets; sentiment
and urgency: class distributions). On records of data the teacher learned from, the targets are
the mean of the gold annotation and the teacher's scores (`GOLD_SHARE`); on auxiliary records the
teacher never saw (an `--extra` file it was not trained with), the gold annotation alone where
there is one — the teacher's view of bank tweets is a guess, their annotators' is not; on
unlabelled texts, the teacher's alone.
The teacher's scores are cached per teacher and text, so a second student costs a teacher pass
only over texts the teacher has not seen.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.config import HEADS
from nlp.model import IGNORE
from training.bases.build import cache_dir
from training.examples import Examples
from training.extra import SHARED_DATASETS, jsonl_texts

DEFAULT_UNLABELLED = ("sentirueval2015/train.jsonl", "rusentiment/train.jsonl", "cedr/train.jsonl")
"""The training files of `../shared/datasets`: real bank, telecom, social and blog text. Their test
files and the Samokat dev set are left out; they measure the student."""
GOLD_SHARE = 0.5
"""Weight of the gold annotation against the teacher's scores on corpus records."""


@dataclass(frozen=True)
class TeacherScores:
    """Calibrated probabilities per text: complaint (n, labels), sentiment (n, 3), urgency (n, 3)."""

    complaint: np.ndarray
    sentiment: np.ndarray
    urgency: np.ndarray


def default_unlabelled(shared: Path = SHARED_DATASETS) -> list[Path]:
    """The shared training files that exist (none on a clone without `../shared`)."""
    return [shared / name for name in DEFAULT_UNLABELLED if (shared / name).exists()]


def unlabelled_texts(files: Sequence[Path], exclude: set[str], limit: int | None = None) -> list[str]:
    """Distinct non-empty texts of JSONL files (field `text`) or plain text files (one per line),
    without any text of `exclude` (the corpus's dev and test), the first `limit` in file order."""
    seen, texts = set(exclude), []
    for path in files:
        if not path.exists():
            raise FileNotFoundError(f"unlabelled texts not found: {path}")
        lines = jsonl_texts(path) if path.suffix == ".jsonl" else path.read_text("utf-8").splitlines()
        for text in lines:
            if isinstance(text, str) and text.strip() and text not in seen:
                seen.add(text)
                texts.append(text)
    return texts[:limit] if limit is not None else texts


def teacher_scores(teacher_dir: Path, texts: Sequence[str], batch_size: int = 64) -> TeacherScores:
    """The teacher's calibrated probabilities on `texts`; texts it has scored before (for any
    student) come from its cache, so only new texts cost a teacher pass. The pass runs in
    bfloat16 where the CPU computes it natively, with a cache of its own."""
    from nlp.backends import resolve_backend
    from nlp.calibration import probabilities
    from nlp.predictor import Predictor
    from training.precision import resolved_precision

    on_torch = resolve_backend("auto", teacher_dir) == "torch"  # an exported teacher runs its ONNX graph
    bf16 = on_torch and resolved_precision("auto") == "bf16"
    teacher = Predictor.load(teacher_dir, bf16=bf16)
    cache = _cache_file(teacher.version, bf16)
    known = _load_cache(cache)
    keys = [_key(text) for text in texts]
    missing = list(dict.fromkeys(key for key in keys if key not in known))
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        probs = probabilities(teacher.config, teacher.logits([by_key[key] for key in missing], batch_size))
        for row, key in enumerate(missing):
            known[key] = tuple(probs[head][row].astype(np.float32) for head in HEADS)
        _save_cache(cache, known)
    config = teacher.config
    widths = len(config.complaint_labels), len(config.sentiments), len(config.urgencies)
    columns = [
        np.array([known[key][index] for key in keys], dtype=np.float32).reshape(len(keys), width)
        for index, width in enumerate(widths)
    ]  # explicit widths: no texts (a clone without ../shared has no unlabelled ones) gives (0, width)
    return TeacherScores(*columns)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _cache_file(version: str, bf16: bool) -> Path:
    return cache_dir() / "teacher-scores" / f"{version}{'.bf16' if bf16 else ''}.npz"


def _load_cache(path: Path) -> dict[str, tuple[np.ndarray, ...]]:
    if not path.exists():
        return {}
    with np.load(path) as stored:
        rows = zip(stored["keys"].tolist(), *(stored[head] for head in HEADS), strict=True)
        return {key: tuple(values) for key, *values in rows}


def _save_cache(path: Path, known: dict[str, tuple[np.ndarray, ...]]) -> None:
    """Written whole to a temporary file, then renamed: a killed run never leaves half a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    rows = list(known.values())
    complaint, sentiment, urgency = (np.stack([values[index] for values in rows]) for index in range(3))
    np.savez(partial, keys=np.array(list(known)), complaint=complaint, sentiment=sentiment, urgency=urgency)
    partial.rename(path)


def distillation_examples(
    labelled: Examples,
    on_labelled: TeacherScores,
    unlabelled: list[str],
    on_unlabelled: TeacherScores,
    taught: np.ndarray | None = None,
) -> Examples:
    """Soft targets for every record: gold mixed with the teacher's on `labelled` records it was
    `taught` (all when None), gold alone on the others, the teacher's where a record has no gold
    annotation and on `unlabelled`. Sentiment and urgency become (n, 3) class distributions."""
    classes = on_labelled.sentiment.shape[1], on_labelled.urgency.shape[1]
    taught = np.ones(len(labelled), bool) if taught is None else taught
    share = np.where(taught, GOLD_SHARE, 1.0)[:, None]
    mixed = _mixed(labelled.complaints, on_labelled.complaint, share)
    complaint = np.where(labelled.complaint_mask[:, None] > 0, mixed, on_labelled.complaint)
    sentiment = _mixed_classes(labelled.sentiment, on_labelled.sentiment, classes[0], share)
    urgency = _mixed_classes(labelled.urgency, on_labelled.urgency, classes[1], share)
    return Examples(
        [*labelled.texts, *unlabelled],
        np.concatenate([complaint, on_unlabelled.complaint]).astype(np.float32),
        np.ones(len(labelled) + len(unlabelled), dtype=np.float32),
        np.concatenate([sentiment, on_unlabelled.sentiment]).astype(np.float32),
        np.concatenate([urgency, on_unlabelled.urgency]).astype(np.float32),
    )


def _mixed(gold: np.ndarray, teacher: np.ndarray, share: np.ndarray) -> np.ndarray:
    return share * gold + (1 - share) * teacher


def _mixed_classes(gold: np.ndarray, teacher: np.ndarray, classes: int, share: np.ndarray) -> np.ndarray:
    """Gold class indices (IGNORE where absent) mixed with the teacher's distributions."""
    annotated = gold != IGNORE
    one_hot = np.eye(classes, dtype=np.float32)[np.where(annotated, gold, 0).astype(np.int64)]
    return np.where(annotated[:, None], _mixed(one_hot, teacher, share), teacher)
