"""`triage train`: a calibrated model directory from labelled files (`training.train.run`)."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from serve.cli.console import console, errors, print_headline
from serve.cli.options import out_option
from training.arguments import TrainingArguments

DEFAULTS = TrainingArguments.defaults()


def train(
    data: Annotated[
        Path, typer.Option(help="Directory with train/dev(/test).jsonl, or one file.")
    ] = DEFAULTS.data,
    out: Annotated[Path, out_option("Model directory to write.")] = DEFAULTS.out,
    labels: Annotated[
        Path | None,
        typer.Option(
            help="Label file (YAML) fixing the label set [default: the labels in the training data]."
        ),
    ] = None,
    base_model: Annotated[
        str,
        typer.Option(help="e5-small, e5-small-L<K> (built offline), navec-bert, or an HF checkpoint."),
    ] = DEFAULTS.base_model,
    extra: Annotated[
        list[str] | None, typer.Option(help="Auxiliary data: sentirueval2015, rusentiment, cedr, or a file.")
    ] = None,
    extra_map: Annotated[
        list[str] | None, typer.Option(help="Field rename for auxiliary files: TARGET=FIELD.")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Maximum epochs (default by encoder).")] = None,
    hidden_size: Annotated[int, typer.Option(help="Width of the navec encoder.")] = DEFAULTS.hidden_size,
    batch_size: Annotated[int, typer.Option(help="Examples per optimisation step.")] = DEFAULTS.batch_size,
    learning_rate: Annotated[
        float | None, typer.Option(help="Peak learning rate of the encoder (default by encoder).")
    ] = None,
    head_learning_rate: Annotated[
        float | None, typer.Option(help="Peak learning rate of the pool and heads (default by encoder).")
    ] = None,
    freeze_embeddings: Annotated[
        bool | None,
        typer.Option("--freeze-embeddings/--train-embeddings", help="Word embeddings (default by encoder)."),
    ] = None,
    frozen_layers: Annotated[
        int | None, typer.Option(help="The first K transformer layers kept as pretrained (faster steps).")
    ] = None,
    word_dropout: Annotated[
        float | None, typer.Option(help="Share of tokens replaced by the unknown token (default by encoder).")
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option(help="Token limit per message, head + tail beyond (default by encoder).")
    ] = None,
    pooling: Annotated[
        str | None, typer.Option(help="attention (a query per output) or mean (default by encoder).")
    ] = None,
    precision: Annotated[
        str | None,
        typer.Option(help="auto (bf16 where the CPU has it natively), bf16 or fp32 (default by encoder)."),
    ] = None,
    patience: Annotated[
        int, typer.Option(help="Epochs without dev improvement before stopping.")
    ] = DEFAULTS.patience,
    max_steps: Annotated[int | None, typer.Option(help="Stop after this many steps (smoke runs).")] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same model.")
    ] = DEFAULTS.seed,
) -> None:
    """Train a model (complaints, sentiment, urgency) and write a calibrated model directory.

    Defaults by encoder are in `training.arguments` (the navec and pretrained recipes)."""

    def arguments() -> TrainingArguments:
        return TrainingArguments(
            data=data, out=out, labels=labels, base_model=base_model, extra=extra or [],
            extra_map=extra_map or [], epochs=epochs, hidden_size=hidden_size, batch_size=batch_size,
            learning_rate=learning_rate, head_learning_rate=head_learning_rate,
            freeze_embeddings=freeze_embeddings, frozen_layers=frozen_layers, word_dropout=word_dropout,
            max_tokens=max_tokens, pooling=pooling, precision=precision, patience=patience,
            max_steps=max_steps, seed=seed,
        )  # fmt: skip

    run_and_report(arguments, "model")


def run_and_report(arguments: Callable[[], TrainingArguments], what: str) -> None:
    """Validate the arguments, run the training, print its headline figures; a bad argument or a
    missing file is a one-line error with exit code 2."""
    from training.metrics import headline
    from training.train import run

    try:
        args = arguments()
        metrics = run(args, console)
    except (ValueError, FileNotFoundError) as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    print_headline({name: headline(part) for name, part in metrics.items() if name != "training"})
    console.print(f"{what} written to {args.out} in {metrics['training']['seconds']:.0f} s")
