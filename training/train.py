"""One training run: data → model → training → calibration → evaluation → model directory."""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console

from nlp.backends import TorchBackend
from nlp.predictor import Predictor
from nlp.taxonomy import Taxonomy
from training.arguments import NAVEC, TrainingArguments, read_recipe, write_recipe
from training.bases.build import resolve_base
from training.calibrate import calibrate
from training.card import model_card, new_model_version
from training.encoders import checkpoint_model, navec_model
from training.examples import CONTRACT, Examples, count_labels, from_rows, load_rows
from training.extra import ExtraSource, FieldMapping, parse_renames, resolve
from training.loop import frozen_layer_count, seed_everything, train_model
from training.metrics import dev_score, evaluate_logits
from training.precision import resolved_precision
from training.taxonomy import check_counts, choose_taxonomy, describe, read_label_file

DEV_SHARE = 0.1


SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class Part:
    """The rows of one input file (a split or an auxiliary source) and how to read their targets."""

    rows: list[dict]
    mapping: FieldMapping = CONTRACT
    where: str = ""

    def examples(self, taxonomy: Taxonomy) -> Examples:
        return from_rows(self.rows, self.mapping, taxonomy.names, where=self.where)


def read_parts(args: TrainingArguments, sources: dict[str, ExtraSource]) -> dict[str, Part]:
    """Every split file (train, dev, test when present), then the auxiliary sources, read once."""
    parts = {
        name: Part(load_rows(path), where=path.name) for name in SPLITS if (path := args.split_file(name))
    }
    return parts | {spec: Part(load_rows(s.path, s.mapping), s.mapping, spec) for spec, s in sources.items()}


def load_splits(parts: dict[str, Part], taxonomy: Taxonomy, seed: int) -> dict[str, Examples]:
    splits = {name: parts[name].examples(taxonomy) for name in SPLITS if name in parts}
    if "dev" not in splits:
        splits["train"], splits["dev"] = carve_dev(splits["train"], seed)
    return {name: splits[name] for name in SPLITS if name in splits}


def label_set(parts: dict[str, Part], label_file: Path | None, console: Console) -> Taxonomy:
    """The run's label set (`training.taxonomy`), printed with its counts; errors stop the run."""
    counts = {name: count_labels(part.rows, part.mapping) for name, part in parts.items()}
    counts = {name: counter for name, counter in counts.items() if counter or name == "train"}
    taxonomy = choose_taxonomy(counts["train"], read_label_file(label_file) if label_file else None)
    for line in describe(taxonomy, counts):
        console.print(line, highlight=False, markup=False)
    findings = check_counts(taxonomy, counts)
    for finding in findings:
        style = "red" if finding.error else "yellow"
        console.print(str(finding), style=style, highlight=False, markup=False, soft_wrap=True)
    if errors := [finding for finding in findings if finding.error]:
        raise ValueError(f"the label set cannot be trained ({len(errors)} problem(s) above)")
    return taxonomy


def carve_dev(examples: Examples, seed: int) -> tuple[Examples, Examples]:
    """Hold out a random tenth of the training data as dev when no dev file is given."""
    order = np.random.default_rng(seed).permutation(len(examples))
    cut = max(1, int(len(examples) * DEV_SHARE))
    return _subset(examples, order[cut:]), _subset(examples, order[:cut])


def _subset(examples: Examples, index: np.ndarray) -> Examples:
    texts = [examples.texts[i] for i in index]
    return Examples(
        texts,
        examples.complaints[index],
        examples.complaint_mask[index],
        examples.sentiment[index],
        examples.urgency[index],
    )


def build(args: TrainingArguments, texts: list[str], taxonomy: Taxonomy):
    settings = args.settings
    if not args.is_navec:
        base = resolve_base(args.base_model)
        model, tokenizer = checkpoint_model(base, settings.max_tokens, settings.pooling, taxonomy)
        return model, tokenizer, {"encoder": args.base_model}
    model, tokenizer, vocabulary = navec_model(
        texts, settings.max_tokens, args.seed, args.hidden_size, settings.pooling, taxonomy
    )
    share = float(vocabulary.pretrained.mean())
    return (
        model,
        tokenizer,
        {"encoder": NAVEC, "vocabulary": f"{len(vocabulary.words)} words, {share:.0%} from navec"},
    )


def run(args: TrainingArguments, console: Console | None = None) -> dict:
    console = console or Console()
    seed_everything(args.seed)
    renames = parse_renames(args.extra_map)
    parts = read_parts(args, {spec: resolve(spec, renames) for spec in args.extra})
    taxonomy = label_set(parts, args.labels, console)
    splits = load_splits(parts, taxonomy, args.seed)
    extras = {spec: parts[spec].examples(taxonomy) for spec in args.extra}
    train = Examples.concatenate([splits["train"], *extras.values()])
    teacher_info: dict[str, str] = {}
    if args.teacher is not None:
        train, teacher_info = distilled(args, train, splits, extras, taxonomy.names, console)
    model, tokenizer, encoder_info = build(args, train.texts, taxonomy)
    args.frozen_layers = frozen_layer_count(model.encoder, args)  # recorded in training_args.json
    args.precision = resolved_precision(args.settings.precision)  # so is the precision
    encoder_info |= teacher_info
    predictor = Predictor(model.config, tokenizer, TorchBackend(model))
    dev = splits["dev"]

    def evaluate(_model) -> float:
        return dev_score(evaluate_logits(model.config, predictor.logits(dev.texts), dev))

    console.print(
        f"training on {len(train)} examples ({len(splits['train'])} labelled tickets), dev {len(dev)}"
    )
    result = train_model(model, tokenizer, train, args, evaluate)
    calibrate(model.config, predictor.logits(dev.texts), dev)
    metrics = {
        name: evaluate_logits(model.config, predictor.logits(part.texts), part)
        for name, part in splits.items()
        if name != "train"
    }
    metrics["training"] = {
        "seconds": round(result.seconds, 1),
        "steps": result.steps,
        "best_epoch": result.best_epoch,
        "history": result.history,
    }
    model.config.model_version = new_model_version(args.out)
    data = data_summary(splits, extras, model.config.complaint_labels)
    save(model, tokenizer, args, metrics, data, encoder_info)
    return metrics


def distilled(
    args: TrainingArguments,
    train: Examples,
    splits: dict[str, Examples],
    extras: dict[str, Examples],
    labels: list[str],
    console: Console,
) -> tuple[Examples, dict[str, str]]:
    """The training set with the teacher's soft targets, plus the unlabelled texts it scored."""
    from nlp.config import TriageConfig
    from training.distillation import (
        default_unlabelled,
        distillation_examples,
        teacher_scores,
        unlabelled_texts,
    )

    teacher_dir = args.teacher
    if teacher_dir is None:
        raise ValueError("distillation needs a teacher: a model directory (--teacher)")
    teacher = TriageConfig.from_pretrained(teacher_dir)
    if teacher.complaint_labels != list(labels):
        raise ValueError(
            f"the teacher {teacher_dir} has the labels {teacher.complaint_labels}, the data {list(labels)}: "
            "distil on the data the teacher was trained on"
        )
    taught = taught_records(teacher_dir, len(splits["train"]), extras)
    files = args.unlabelled or default_unlabelled()
    held_out = {text for name in ("dev", "test") if name in splits for text in splits[name].texts}
    texts = unlabelled_texts(files, held_out | set(train.texts), args.max_unlabelled)
    console.print(
        f"distilling {teacher_dir} ({teacher.model_version}): {len(train)} labelled + "
        f"{len(texts)} unlabelled texts from {len(files)} file(s)"
    )
    on_train = teacher_scores(teacher_dir, train.texts)
    examples = distillation_examples(train, on_train, texts, teacher_scores(teacher_dir, texts), taught)
    info = {
        "teacher": f"{teacher.model_version} ({teacher_dir})",
        "unlabelled texts": f"{len(texts)} from {', '.join(str(path) for path in files) or 'none'}",
    }
    return examples, info


def taught_records(teacher_dir: Path, corpus_records: int, extras: dict[str, Examples]) -> np.ndarray:
    """Per training record, whether the teacher learned from its source: the corpus always, an
    extra source only when the teacher's own recipe lists it."""
    recipe_extras = read_recipe(teacher_dir).get("extra")
    teacher_extras = set(recipe_extras) if isinstance(recipe_extras, list) else set()
    return np.concatenate(
        [np.ones(corpus_records, bool)]
        + [np.full(len(part), spec in teacher_extras) for spec, part in extras.items()]
    )


def data_summary(
    splits: dict[str, Examples], extras: dict[str, Examples], labels: list[str]
) -> dict[str, object]:
    summary: dict[str, object] = {f"{name} records": len(part) for name, part in splits.items()}
    train = splits["train"]
    for k, label in enumerate(labels):
        summary[f"train · {label}"] = int(train.complaints[:, k].sum())
    summary["train · no complaint"] = int(((train.complaints.sum(1) == 0) & (train.complaint_mask > 0)).sum())
    for spec, part in extras.items():
        summary[f"extra · {spec}"] = f"{len(part)} records"
    return summary


def save(model, tokenizer, args: TrainingArguments, metrics: dict, data: dict, encoder_info: dict) -> Path:
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    write_recipe(args, out)
    run = {**encoder_info, "steps": metrics["training"]["steps"], "seconds": metrics["training"]["seconds"]}
    card = model_card(model.config, metrics, data, run, out)
    (out / "README.md").write_text(card, encoding="utf-8")
    return out
