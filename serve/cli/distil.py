"""`triage distil`: a smaller student trained on a teacher's scores (`training.train.run`)."""

from pathlib import Path
from typing import Annotated

import typer

from serve.cli.options import out_option
from serve.cli.train import run_and_report
from training.arguments import NAVEC, TrainingArguments

DEFAULTS = TrainingArguments.defaults()


def distil(
    teacher: Annotated[Path, typer.Option(help="Model directory whose scores the student learns.")],
    out: Annotated[Path, out_option("Student model directory to write.")],
    unlabelled: Annotated[
        list[Path] | None,
        typer.Option(help="Texts for the teacher to score (JSONL, or one per line); default: shared data."),
    ] = None,
    max_unlabelled: Annotated[int | None, typer.Option(help="At most this many unlabelled texts.")] = None,
    data: Annotated[
        Path, typer.Option(help="Labelled corpus (train/dev/test) the student also learns and is tuned on.")
    ] = DEFAULTS.data,
    base_model: Annotated[
        str, typer.Option(help="The student's encoder: navec-bert, e5-small-L<K>, or an HF checkpoint.")
    ] = NAVEC,
    extra: Annotated[
        list[str] | None,
        typer.Option(help="Auxiliary labelled data (sentirueval2015, rusentiment, cedr, or a file)."),
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Maximum epochs (default by encoder).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = DEFAULTS.seed,
) -> None:
    """Train a smaller, faster student on a teacher's scores (corpus + unlabelled real text),
    then calibrate and tune it on dev like any model; its card names the teacher."""
    from nlp.model_dir import require_model_dir

    def arguments() -> TrainingArguments:
        require_model_dir(teacher)
        return TrainingArguments(
            data=data, out=out, base_model=base_model, epochs=epochs, seed=seed, teacher=teacher,
            unlabelled=unlabelled or [], max_unlabelled=max_unlabelled, extra=extra or [],
        )  # fmt: skip

    run_and_report(arguments, "student")
