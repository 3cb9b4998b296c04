"""`triage calibrate`: a model's thresholds re-tuned on your own labelled messages
(`training.recalibration`)."""

from pathlib import Path
from typing import Annotated

import typer

from serve.cli.console import console
from serve.cli.options import ModelDir, out_option


def calibrate(
    data: Annotated[Path, typer.Option(help="Your labelled messages (a `labels` field; any format).")],
    out: Annotated[Path, out_option("New model directory: the model, copied, with re-tuned thresholds.")],
    model: ModelDir = None,
) -> None:
    """Re-tune each label's threshold on your own labelled messages, without retraining."""
    from rich.table import Table

    from nlp.io.rows import sniff_file
    from nlp.model_dir import require_model_dir
    from training.recalibration import MIN_POSITIVES, recalibrate

    sniff_file(data)
    result = recalibrate(require_model_dir(model), data, out)
    table = Table(title=f"thresholds on {result.messages} labelled messages of {data}", title_justify="left")
    for column in ("label", "messages with it", "before", "after"):
        table.add_column(column, justify="right" if column != "label" else "left")
    for name in result.after:
        table.add_row(
            name, str(result.positives[name]), f"{result.before[name]:.2f}", f"{result.after[name]:.2f}"
        )
    console.print(table)
    console.print(
        f"{len(result.changed())} threshold(s) changed (labels with fewer than {MIN_POSITIVES} messages keep "
        f"theirs); model written to {out} ({result.model_version})"
    )
