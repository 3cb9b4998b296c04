"""The optimisation loop: length-bucketed batches, AdamW, linear warm-up, early stopping."""

import copy
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from nlp.encoding import encode, pad
from nlp.model import TriageModel
from training.arguments import TrainingArguments
from training.examples import Examples
from training.precision import autocast, resolved_precision

BUCKET_BATCHES = 50
"""Batches shuffled together and sorted by length inside, to cut padding."""


@dataclass
class TrainResult:
    history: list[dict] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0
    steps: int = 0


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


def epoch_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(len(lengths))
    batches = []
    for start in range(0, len(order), batch_size * BUCKET_BATCHES):
        bucket = order[start : start + batch_size * BUCKET_BATCHES]
        bucket = bucket[np.argsort(lengths[bucket], kind="stable")]
        batches += [bucket[i : i + batch_size] for i in range(0, len(bucket), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def word_dropout(
    ids: np.ndarray, mask: np.ndarray, unk_id: int, rate: float, rng: np.random.Generator
) -> np.ndarray:
    """Replace a random share of real tokens by `[UNK]`, so the model learns not to lean on any
    single word and to cope with words it has never seen."""
    dropped = (rng.random(ids.shape) < rate) & (mask > 0)
    return np.where(dropped, unk_id, ids)


def tensors(encoded: list, examples: Examples, index: np.ndarray, pad_id: int) -> dict[str, torch.Tensor]:
    ids, mask = pad([encoded[i] for i in index], pad_id)
    return {
        "input_ids": torch.from_numpy(ids),
        "attention_mask": torch.from_numpy(mask),
        "complaint_labels": torch.from_numpy(examples.complaints[index]),
        "complaint_mask": torch.from_numpy(examples.complaint_mask[index]),
        "sentiment": torch.from_numpy(examples.sentiment[index]),
        "urgency": torch.from_numpy(examples.urgency[index]),
    }


def frozen_layer_count(encoder: torch.nn.Module, args: TrainingArguments) -> int:
    """`frozen_layers` when given, else the recipe's share of the encoder's layers (rounded down;
    an encoder without a BERT-style layer stack freezes none)."""
    if args.frozen_layers is not None:
        return args.frozen_layers
    stack = _layer_stack(encoder)
    return int(len(stack) * args.settings.frozen_share) if stack is not None else 0


def frozen_modules(encoder: torch.nn.Module, layers: int) -> list[torch.nn.Module]:
    """The embeddings and the first `layers` transformer layers of a BERT-style encoder."""
    if layers == 0:
        return []
    stack = _layer_stack(encoder)
    embeddings = getattr(encoder, "embeddings", None)
    if stack is None or embeddings is None:
        raise ValueError(
            f"frozen_layers needs a BERT-style encoder (embeddings, encoder.layer): {type(encoder).__name__}"
        )
    if layers > len(stack):
        raise ValueError(f"frozen_layers={layers}, but the encoder has {len(stack)} layers")
    return [embeddings, *stack[:layers]]


def _layer_stack(encoder: torch.nn.Module) -> torch.nn.ModuleList | None:
    stack = getattr(getattr(encoder, "encoder", None), "layer", None)
    return stack if isinstance(stack, torch.nn.ModuleList) else None


class Optimizers:
    """AdamW for dense parameters (the encoder at `learning_rate`, pool and heads at
    `head_learning_rate`), SparseAdam for sparse embeddings, one warm-up schedule each.

    A sparse embedding updates only the rows of the words in the batch: with a 80k-word
    vocabulary that is most of a step's work saved, and rows of words never seen in training
    keep their pretrained vectors exactly.
    """

    def __init__(self, model: TriageModel, args: TrainingArguments, total: int) -> None:
        from transformers import get_linear_schedule_with_warmup

        settings = args.settings
        if settings.freeze_embeddings:
            model.encoder.get_input_embeddings().weight.requires_grad_(False)
        for module in frozen_modules(model.encoder, frozen_layer_count(model.encoder, args)):
            module.requires_grad_(False)
        sparse: list[torch.nn.Parameter] = []
        groups: dict[tuple[float, bool], list[torch.nn.Parameter]] = {}
        for name, parameter in model.named_parameters():
            if not parameter.requires_grad:
                continue
            if _is_sparse(model, parameter):
                sparse.append(parameter)
                continue
            lr = settings.learning_rate if name.startswith("encoder.") else settings.head_learning_rate
            decays = not (parameter.ndim < 2 or "LayerNorm" in name or "embeddings" in name)
            groups.setdefault((lr, decays), []).append(parameter)
        self.dense = [parameter for group in groups.values() for parameter in group]
        param_groups = [
            {"params": params, "lr": lr, "weight_decay": args.weight_decay if decays else 0.0}
            for (lr, decays), params in groups.items()
        ]
        self.optimizers: list[torch.optim.Optimizer] = [
            torch.optim.AdamW(param_groups, lr=settings.learning_rate)
        ]
        if sparse:
            self.optimizers.append(torch.optim.SparseAdam(sparse, lr=settings.learning_rate))
        warmup = int(total * args.warmup_ratio)
        self.schedules = [get_linear_schedule_with_warmup(o, warmup, total) for o in self.optimizers]

    def step(self) -> None:
        torch.nn.utils.clip_grad_norm_(self.dense, 1.0)
        for optimizer, schedule in zip(self.optimizers, self.schedules, strict=True):
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()


def _is_sparse(model: TriageModel, parameter: torch.nn.Parameter) -> bool:
    sparse = (m.weight for m in model.modules() if isinstance(m, torch.nn.Embedding) and m.sparse)
    return any(parameter is weight for weight in sparse)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.4f}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        transient=False,
    )


def train_model(
    model: TriageModel,
    tokenizer,
    train: Examples,
    args: TrainingArguments,
    evaluate: Callable[[TriageModel], float],
) -> TrainResult:
    """Train in place; the model ends with the weights of its best epoch on `evaluate`."""
    seed_everything(args.seed)
    settings = args.settings
    rng = np.random.default_rng(args.seed)
    encoded = encode(tokenizer, train.texts, model.config.max_tokens)
    lengths = np.array([len(item.ids) for item in encoded])
    steps_per_epoch = -(-len(train) // args.batch_size)
    total = min(steps_per_epoch * settings.epochs, args.max_steps or 10**12)
    optimizers = Optimizers(model, args, total)
    precision = resolved_precision(settings.precision)  # `auto` probes the CPU once, not per step
    result, best, best_state, started = TrainResult(), -1.0, None, time.perf_counter()
    with progress_bar() as progress:
        task = progress.add_task("training", total=total, loss=0.0)
        for epoch in range(1, settings.epochs + 1):
            model.train()
            for batch in _limited(epoch_batches(lengths, args.batch_size, rng), total - result.steps):
                inputs = tensors(encoded, train, batch, tokenizer.pad_token_id or 0)
                if settings.word_dropout and tokenizer.unk_token_id is not None:
                    ids, mask = inputs["input_ids"].numpy(), inputs["attention_mask"].numpy()
                    dropped = word_dropout(ids, mask, tokenizer.unk_token_id, settings.word_dropout, rng)
                    inputs["input_ids"] = torch.from_numpy(dropped)
                with autocast(precision):
                    loss = model(**inputs).loss
                loss.backward()
                optimizers.step()
                result.steps += 1
                progress.update(task, advance=1, loss=float(loss.detach()))
            score = evaluate(model)
            result.history.append({"epoch": epoch, "steps": result.steps, "dev_score": round(score, 4)})
            elapsed = time.perf_counter() - started
            eta = elapsed / result.steps * (total - result.steps)
            progress.console.print(
                f"epoch {epoch}: dev score {score:.4f} · {elapsed:.0f} s · ETA ≤ {eta:.0f} s"
            )
            if score > best:
                best, best_state, result.best_epoch = score, copy.deepcopy(model.state_dict()), epoch
            if result.steps >= total or epoch - result.best_epoch >= args.patience:
                break
    if best_state is None:
        raise RuntimeError(f"no epoch had a dev score to keep (scores: {result.history})")
    model.load_state_dict(best_state)
    result.seconds = time.perf_counter() - started
    return result


def _limited(batches: list[np.ndarray], remaining: int) -> Iterator[np.ndarray]:
    yield from batches[: max(remaining, 0)]
