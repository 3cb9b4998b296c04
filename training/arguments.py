"""The validated arguments of one training run, and the recipe each kind of encoder starts from."""

import json
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path
from types import SimpleNamespace

from nlp.model_dir import DEFAULT_MODEL

PRECISIONS = ("auto", "bf16", "fp32")
"""Training precision: bfloat16 autocast, float32, or bf16 where the CPU computes it natively."""
NAVEC = "navec-bert"
"""The compact encoder on navec word vectors, learned from scratch on the corpus."""
DEFAULT_BASE = "e5-small"
"""The default: multilingual-e5-small, all 12 layers — the best on real text of the encoders that
train in a short run on a laptop's CPU (figures: README, «Choosing the encoder»)."""


@dataclass(frozen=True)
class Recipe:
    """Defaults that depend on the encoder; an argument left as None takes the recipe's value."""

    epochs: int
    learning_rate: float
    head_learning_rate: float
    freeze_embeddings: bool
    frozen_share: float
    """Share of the encoder's transformer layers, the lowest ones, kept as pretrained with the
    embeddings: no backward pass through them, so a step costs less (`--frozen-layers` sets the
    count itself)."""
    word_dropout: float
    max_tokens: int
    pooling: str
    precision: str
    """`bf16` (bfloat16 autocast), `fp32`, or `auto`: bf16 where the CPU computes it natively
    (`training.precision`)."""


NAVEC_RECIPE = Recipe(
    epochs=20, learning_rate=1e-3, head_learning_rate=1e-3, freeze_embeddings=False, frozen_share=0.0,
    word_dropout=0.1, max_tokens=256, pooling="attention", precision="fp32",
)  # fmt: skip
"""Learned from scratch: many epochs, one learning rate, embeddings trained, [UNK] dropout."""
PRETRAINED_RECIPE = Recipe(
    epochs=2, learning_rate=1e-4, head_learning_rate=1e-2, freeze_embeddings=True, frozen_share=1 / 3,
    word_dropout=0.0, max_tokens=128, pooling="mean", precision="auto",
)  # fmt: skip
"""A pretrained encoder: two epochs; heads at a learning rate 100 times the encoder's (e5's pooled
vectors differ from message to message by little, and heads at the encoder's rate learn them too
slowly); word embeddings and the lowest third of the layers frozen (e5-small: 4 of 12; as good
on real text and on our test split, a fifth less time); 128 tokens (head + tail beyond); mean
pooling (as good as the attention pool, and simpler); bfloat16 autocast where the CPU computes it
natively (as good, a third less time). Chosen by measurement (figures: README,
«Choosing the encoder» and «Where the default stands»)."""

CORPUS = Path("data/tickets")
"""The project's labelled corpus (train/dev/test.jsonl): the default data of every command."""
RECIPE_FILE = "training_args.json"
"""Written in every model directory: the complete arguments of the run that made it."""

DISTIL_EPOCHS = {True: 10, False: 1}
"""Epochs of a student (navec: True), which sees the unlabelled texts too (about seven times the
corpus); a navec student's dev score still rose at its sixth epoch (README, «Fast by default»)."""


@dataclass
class TrainingArguments:
    data: Path = CORPUS
    """A directory with train.jsonl and dev.jsonl (test.jsonl optional), or a train file."""
    out: Path = DEFAULT_MODEL
    base_model: str = DEFAULT_BASE
    """A pretrained base built offline (`e5-small`, `e5-small-L<K>`), a Hugging Face checkpoint
    (directory or hub id), or `navec-bert` for the compact navec encoder."""
    labels: Path | None = None
    """A label file (YAML: name, display, description, examples per label) fixing the label set;
    without one the label set comes from the training data (`training.taxonomy`)."""
    extra: list[str] = field(default_factory=list)
    """Auxiliary sources: preset names (sentirueval2015, rusentiment, cedr) or files."""
    extra_map: list[str] = field(default_factory=list)
    """Renames for auxiliary files, as TARGET=FIELD."""
    hidden_size: int = 128
    """Width of the navec encoder (navec's 300 dimensions are projected to it)."""
    epochs: int | None = None
    batch_size: int = 32
    learning_rate: float | None = None
    """Peak learning rate of the encoder."""
    head_learning_rate: float | None = None
    """Peak learning rate of the pool and heads (a pretrained encoder's heads start from scratch)."""
    freeze_embeddings: bool | None = None
    frozen_layers: int | None = None
    """The first K transformer layers kept as pretrained (with the embeddings); None: the recipe's
    share of the encoder's layers, resolved when the encoder is built."""
    frozen_share: float | None = None
    word_dropout: float | None = None
    """Share of training tokens replaced by the unknown token in each batch."""
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_tokens: int | None = None
    pooling: str | None = None
    """«attention» (one learned query per label, sentiment and urgency) or «mean» (shared)."""
    precision: str | None = None
    """auto, bf16 or fp32; resolved (auto → bf16 or fp32) when the run starts."""
    max_steps: int | None = None
    """Stop after this many optimisation steps (smoke runs)."""
    patience: int = 5
    """Stop when the dev score has not improved for this many epochs."""
    seed: int = 13
    teacher: Path | None = None
    """A model directory whose calibrated scores the model learns (distillation)."""
    unlabelled: list[Path] = field(default_factory=list)
    """Texts the teacher scores for distillation (JSONL `text` or one per line); none given: the
    training files of ../shared/datasets (`training.distillation`)."""
    max_unlabelled: int | None = None
    """Use at most this many unlabelled texts."""

    def __post_init__(self) -> None:
        self.data, self.out = Path(self.data), Path(self.out)
        self.teacher = Path(self.teacher) if self.teacher is not None else None
        self.unlabelled = [Path(path) for path in self.unlabelled]
        self.labels = Path(self.labels) if self.labels is not None else None
        recipe = self.recipe
        for item in fields(Recipe):
            if getattr(self, item.name) is None:
                setattr(self, item.name, getattr(recipe, item.name))
        problems = [message for message, ok in self._checks().items() if not ok]
        if problems:
            raise ValueError("invalid training arguments: " + "; ".join(problems))
        if not self.data.exists():
            raise FileNotFoundError(f"training data not found: {self.data}")
        if self.labels is not None and not self.labels.is_file():
            raise FileNotFoundError(f"label file not found: {self.labels}")

    @property
    def is_navec(self) -> bool:
        return self.base_model == NAVEC

    @property
    def recipe(self) -> Recipe:
        recipe = NAVEC_RECIPE if self.is_navec else PRETRAINED_RECIPE
        if self.teacher is not None:
            return replace(recipe, epochs=DISTIL_EPOCHS[self.is_navec])
        return recipe

    @property
    def settings(self) -> Recipe:
        """The encoder-dependent settings this run uses: each one given, else the recipe's
        (after `__post_init__` the fields themselves hold the same values, typed as optional)."""
        given = {item.name: getattr(self, item.name) for item in fields(Recipe)}
        return replace(self.recipe, **{name: value for name, value in given.items() if value is not None})

    def _checks(self) -> dict[str, bool]:
        settings = self.settings
        return {
            "epochs must be ≥ 1": settings.epochs >= 1,
            "batch_size must be ≥ 1": self.batch_size >= 1,
            "learning_rate must be > 0": settings.learning_rate > 0,
            "head_learning_rate must be > 0": settings.head_learning_rate > 0,
            "warmup_ratio must be in [0, 1)": 0 <= self.warmup_ratio < 1,
            "word_dropout must be in [0, 0.5]": 0 <= settings.word_dropout <= 0.5,
            "max_tokens must be ≥ 8": settings.max_tokens >= 8,
            "frozen_layers must be ≥ 0": self.frozen_layers is None or self.frozen_layers >= 0,
            "frozen_share must be in [0, 1)": 0 <= settings.frozen_share < 1,
            "pooling must be attention or mean": settings.pooling in ("attention", "mean"),
            "precision must be auto, bf16 or fp32": settings.precision in PRECISIONS,
            "hidden_size must be a multiple of 4, ≤ 300": self.hidden_size % 4 == 0
            and 0 < self.hidden_size <= 300,
            "max_steps must be ≥ 1": self.max_steps is None or self.max_steps >= 1,
            "patience must be ≥ 1": self.patience >= 1,
            "max_unlabelled must be ≥ 0": self.max_unlabelled is None or self.max_unlabelled >= 0,
        }

    @classmethod
    def defaults(cls) -> SimpleNamespace:
        """Every field's default, for the CLI to show and pass on (one place for each)."""
        return SimpleNamespace(**{f.name: f.default for f in fields(cls) if f.default is not MISSING})

    def to_json(self) -> dict[str, object]:
        """Every argument after the recipe's defaults were filled in (paths as text)."""
        return json.loads(json.dumps(asdict(self), default=str))

    def split_file(self, name: str) -> Path | None:
        """data/<name>.jsonl (or .csv/.parquet) when `data` is a directory."""
        if self.data.is_file():
            return self.data if name == "train" else None
        for suffix in (".jsonl", ".csv", ".tsv", ".parquet"):
            candidate = self.data / f"{name}{suffix}"
            if candidate.exists():
                return candidate
        return None


def write_recipe(args: TrainingArguments, model_dir: Path) -> Path:
    path = model_dir / RECIPE_FILE
    path.write_text(json.dumps(args.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_recipe(model_dir: Path) -> dict[str, object]:
    """The arguments a model directory was trained with; empty for a directory written before
    `training_args.json` existed."""
    path = model_dir / RECIPE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
