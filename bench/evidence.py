"""Faithfulness and cost of evidence, and the speed of entity extraction (prints figures; not a test).

    .venv/bin/python bench/evidence.py --model models/default [--data data/tickets/test.jsonl]

Faithfulness: for every predicted label (and «urgency» when high) with evidence, the score
drop when all its evidence phrases are removed from the message, against the drop when as many
random phrases of the same word lengths are removed (`--draws` draws per label). Both averages
over the set and their ratio are printed (target: ≥ 3×).

Cost: messages per second of `Predictor.predict` without entities, with entities (the
default), and with evidence — from the forward pass's token terms (the default, `nlp.attribution`)
and by occlusion (`nlp.evidence`, the fallback for graphs without token terms) — with the forward
rows per message that evidence adds; and entity extraction alone. Faithfulness is measured for
both methods with the full model.
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def removed(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with every span replaced by one space (spans may overlap)."""
    parts, previous = [], 0
    for start, end in sorted(spans):
        if start >= previous:
            parts.append(text[previous:start] + " ")
        previous = max(previous, end)
    return "".join(parts) + text[previous:]


def random_spans(
    text: str, lengths: list[int], rng: random.Random, tries: int = 50
) -> list[tuple[int, int]] | None:
    """Non-overlapping runs of consecutive words with the given word counts, placed at random."""
    from nlp.evidence import WORD

    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    for _ in range(tries):
        taken: set[int] = set()
        spans = []
        for length in lengths:
            starts = [i for i in range(len(words) - length + 1) if not taken & set(range(i, i + length))]
            if not starts:
                break
            first = rng.choice(starts)
            taken |= set(range(first, first + length))
            spans.append((words[first][0], words[first + length - 1][1]))
        if len(spans) == len(lengths):
            return spans
    return None


def throughput(run, count: int, repeats: int = 2) -> float:
    """Messages per second, best of `repeats` runs (the machine is shared)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return count / best


class Counting:
    """Wraps `Predictor.target_scores` to count the forward rows evidence asks for."""

    def __init__(self, predictor) -> None:
        self.predictor, self.rows = predictor, 0
        self.original = predictor.target_scores

    def __call__(self, texts, batch_size: int = 64):
        self.rows += len(texts)
        return self.original(texts, batch_size)


def faithfulness(predictor, texts: list[str], records, draws: int, seed: int) -> dict:
    from nlp.evidence import WORD

    rng = random.Random(seed)
    columns = {name: i for i, name in enumerate(predictor.target_names)}
    variants, jobs = [], []  # jobs: (text index, column, evidence variant index, random variant indices)
    for index, (text, record) in enumerate(zip(texts, records, strict=True)):
        for target, phrases in record.evidence.items():
            if not phrases:
                continue
            spans = [(p.start, p.end) for p in phrases]
            lengths = [len(WORD.findall(p.text)) for p in phrases]
            randoms = [random_spans(text, lengths, rng) for _ in range(draws)]
            if any(r is None for r in randoms):
                continue
            variants.append(removed(text, spans))
            first = len(variants)
            variants += [removed(text, r) for r in randoms]
            jobs.append((index, columns[target], first - 1, list(range(first, first + draws))))
    base = predictor.target_scores(texts)
    scores = predictor.target_scores(variants)
    evidence_drops = [base[i, c] - scores[e, c] for i, c, e, _ in jobs]
    random_drops = [float(np.mean([base[i, c] - scores[r, c] for r in rs])) for i, c, _, rs in jobs]
    return {
        "pairs": len(jobs),
        "evidence": float(np.mean(evidence_drops)),
        "random": float(np.mean(random_drops)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "tickets" / "test.jsonl")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    from nlp.backends import resolve_backend
    from nlp.entities import extract_entities
    from nlp.predictor import Predictor

    texts = [json.loads(line)["text"] for line in args.data.open(encoding="utf-8")]
    predictor = Predictor.load(args.model, backend=args.backend)
    backend = resolve_backend(args.backend, args.model)
    print(f"{len(texts)} messages from {args.data}; model {args.model} ({backend})")

    extract_entities("прогрев: 15 марта 1 500 ₽, полторы тысячи рублей")  # loads natasha's dictionaries
    entity_rate = throughput(lambda: [extract_entities(text) for text in texts], len(texts), repeats=3)
    found = [extract_entities(text) for text in texts]
    kinds = {}
    for entities in found:
        for entity in entities:
            kinds[entity.type] = kinds.get(entity.type, 0) + 1
    print(f"entities: {entity_rate:,.0f} msg/s alone; found {sum(kinds.values())} ({kinds})")

    predictor.predict(texts[:64])  # warm-up
    bare = throughput(lambda: predictor.predict(texts, entities=False), len(texts))
    with_entities = throughput(lambda: predictor.predict(texts), len(texts))
    print(
        f"predict: {bare:,.0f} msg/s without entities, {with_entities:,.0f} with entities "
        f"(×{bare / with_entities:.2f} time)"
    )
    occluding = Predictor(predictor.config, predictor.tokenizer, HeadsOnly(predictor.backend))
    for method, explainer in (("attribution (default)", predictor), ("occlusion", occluding)):
        report_method(method, explainer, predictor, texts, with_entities, args)


class HeadsOnly:
    """The backend without its token terms, as a graph exported before them: evidence by occlusion."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def logits(self, input_ids, attention_mask):
        from nlp.backends import TOKENS

        return {k: v for k, v in self.backend.logits(input_ids, attention_mask).items() if k != TOKENS}


def report_method(method: str, explainer, scorer, texts: list[str], plain_rate: float, args) -> None:
    """Cost and faithfulness of one evidence method; `scorer` measures the drops (full model)."""
    counter = Counting(explainer)
    explainer.target_scores = counter
    rate = throughput(lambda: explainer.predict(texts, evidence=True), len(texts))
    rows = counter.rows / 2 / len(texts)  # throughput ran twice
    del explainer.target_scores
    records = explainer.predict(texts, evidence=True)
    targets = [(name, phrases) for r in records for name, phrases in r.evidence.items()]
    with_phrases = [phrases for _, phrases in targets if phrases]
    words = [len(p.text.split()) for phrases in with_phrases for p in phrases]
    print(
        f"{method}: {rate:,.1f} msg/s with evidence (×{plain_rate / rate:.2f} the time of predict "
        f"without it; target ≤ 1.5×; {rows:.1f} extra forward rows per message); {len(targets)} "
        f"labels/urgencies explained, {len(with_phrases)} with ≥ 1 phrase; "
        f"{statistics.mean(len(p) for p in with_phrases or [[]]):.2f} phrases each, "
        f"{statistics.mean(words or [0]):.2f} words per phrase"
    )
    result = faithfulness(scorer, texts, records, args.draws, args.seed)
    ratio = result["evidence"] / result["random"] if result["random"] > 0 else float("inf")
    print(
        f"  faithfulness over {result['pairs']} label–message pairs: removing the evidence drops the "
        f"score by {result['evidence']:.3f} on average, removing random phrases of the same lengths by "
        f"{result['random']:.3f} ({args.draws} draws) — ratio {ratio:.1f}× (target ≥ 3×)"
    )


if __name__ == "__main__":
    main()
