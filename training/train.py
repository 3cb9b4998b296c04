"""One training run: data → model → training → calibration → evaluation → model directory."""

import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from rich.console import Console

from nlp.backends import TorchBackend
from nlp.labels import COMPLAINT_LABELS
from nlp.predictor import Predictor
from training.arguments import NAVEC, TrainingArguments
from training.bases.build import resolve_base
from training.calibrate import calibrate
from training.card import model_card
from training.encoders import checkpoint_model, navec_model
from training.examples import Examples, load_examples, load_extra
from training.extra import parse_renames, resolve
from training.loop import seed_everything, train_model
from training.metrics import dev_score, evaluate_logits

DEV_SHARE = 0.1


def load_splits(args: TrainingArguments) -> dict[str, Examples]:
    train = load_examples(args.split_file("train"))
    dev_file, test_file = args.split_file("dev"), args.split_file("test")
    splits = {"train": train, "dev": load_examples(dev_file) if dev_file else None}
    if splits["dev"] is None:
        splits["train"], splits["dev"] = carve_dev(train, args.seed)
    if test_file:
        splits["test"] = load_examples(test_file)
    return splits


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


def build(args: TrainingArguments, texts: list[str]):
    if not args.is_navec:
        model, tokenizer = checkpoint_model(resolve_base(args.base_model), args.max_tokens, args.pooling)
        return model, tokenizer, {"encoder": args.base_model}
    model, tokenizer, vocabulary = navec_model(
        texts, args.max_tokens, args.seed, args.hidden_size, args.pooling
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
    splits = load_splits(args)
    renames = parse_renames(args.extra_map)
    extras = {spec: load_extra(resolve(spec, renames)) for spec in args.extra}
    train = Examples.concatenate([splits["train"], *extras.values()])
    teacher_info = {}
    if args.teacher is not None:
        train, teacher_info = distilled(args, train, splits, console)
    model, tokenizer, encoder_info = build(args, train.texts)
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
    model.config.model_version = f"{args.out.name}-{datetime.now(timezone.utc):%Y%m%d%H%M}"
    save(model, tokenizer, args, metrics, data_summary(splits, extras), encoder_info)
    return metrics


def distilled(
    args: TrainingArguments, train: Examples, splits: dict[str, Examples], console: Console
) -> tuple[Examples, dict[str, str]]:
    """The training set with the teacher's soft targets, plus the unlabelled texts it scored."""
    from nlp.config import TriageConfig
    from training.distillation import (
        default_unlabelled,
        distillation_examples,
        teacher_scores,
        unlabelled_texts,
    )

    teacher = TriageConfig.from_pretrained(args.teacher)
    if teacher.complaint_labels != list(COMPLAINT_LABELS):
        raise ValueError(f"the teacher {args.teacher} has other complaint labels than the student's")
    files = args.unlabelled or default_unlabelled()
    held_out = {text for name in ("dev", "test") if name in splits for text in splits[name].texts}
    texts = unlabelled_texts(files, held_out | set(train.texts), args.max_unlabelled)
    console.print(
        f"distilling {args.teacher} ({teacher.model_version}): {len(train)} labelled + "
        f"{len(texts)} unlabelled texts from {len(files)} file(s)"
    )
    examples = distillation_examples(
        train, teacher_scores(args.teacher, train.texts), texts, teacher_scores(args.teacher, texts)
    )
    info = {
        "teacher": f"{teacher.model_version} ({args.teacher})",
        "unlabelled texts": f"{len(texts)} from {', '.join(str(path) for path in files) or 'none'}",
    }
    return examples, info


def data_summary(splits: dict[str, Examples], extras: dict[str, Examples]) -> dict[str, object]:
    summary: dict[str, object] = {f"{name} records": len(part) for name, part in splits.items()}
    train = splits["train"]
    for k, label in enumerate(COMPLAINT_LABELS):
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
    training = {
        **encoder_info,
        "epochs": args.epochs,
        "batch size": args.batch_size,
        "learning rate": args.learning_rate,
        "head learning rate": args.head_learning_rate,
        "word embeddings": "frozen" if args.freeze_embeddings else "trained",
        "word dropout": args.word_dropout,
        "max tokens": model.config.max_tokens,
        "pooling": model.config.pooling,
    }
    training |= {
        "seed": args.seed,
        "steps": metrics["training"]["steps"],
        "seconds": metrics["training"]["seconds"],
    }
    card = model_card(model.config, metrics, data, training)
    (out / "README.md").write_text(card, encoding="utf-8")
    return out
