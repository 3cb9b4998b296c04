"""Throughput and memory of batch tagging, measured and printed (not a test).

    .venv/bin/python bench/tagging.py --model models/default [--rows 100000] [--big-rows 1000000]
        [--teacher DIR] [--no-ray] [--no-rss]

Builds an archive from corpus texts with variations, then in one run measures:
end-to-end `triage tag` (local engine, ONNX when exported) without and with evidence, the bare
forward rate on the same texts, the plain PyTorch loop a user would otherwise write (Hugging Face
tokenizer, batches of 32 in input order), a per-message loop (batch size 1), the Ray engine on a
local Ray (one actor per core; its output compared byte for byte with the local engine's), peak
RSS of `triage tag` at two sizes, and with `--teacher` the teacher's `triage tag` rate on a
sample (a model too slow to serve, still usable for archives).
"""

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EMOJI = ["", "", "", " 😡", " 🙏", " !!!", "?"]


def build_archive(path: Path, rows: int, seed: int = 0) -> None:
    """Corpus texts with variations: case, invented order numbers, emoji; 80 days of traffic."""
    names = ("train", "dev", "test")
    texts = [
        json.loads(line)["text"]
        for name in names
        for line in (ROOT / "data" / "tickets" / f"{name}.jsonl").open()
    ]
    rng = random.Random(seed)
    start, step = datetime(2026, 9, 1, tzinfo=timezone.utc), timedelta(days=80) / rows
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "customer_id", "created_at", "channel", "text"])
        for i in range(rows):
            text = rng.choice(texts)
            text = text.upper() if rng.random() < 0.03 else text
            text = f"{text} (заказ {rng.randint(10**6, 10**8)})" if rng.random() < 0.3 else text
            customer = f"c{rng.randint(0, rows // 5)}"
            writer.writerow(
                [f"m{i}", customer, (start + i * step).isoformat(), "chat", text + rng.choice(EMOJI)]
            )


def forward_rate(predictor, texts: list[str], batch_size: int = 64) -> float:
    from nlp.encoding import encode, pad

    encoded = encode(predictor.tokenizer, texts, predictor.config.max_tokens)
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
    batches = [
        pad([encoded[i] for i in order[s : s + batch_size]], 0) for s in range(0, len(order), batch_size)
    ]
    started = time.perf_counter()
    for ids, mask in batches:
        predictor.backend.logits(ids, mask)
    return len(texts) / (time.perf_counter() - started)


def plain_pytorch_rate(model_dir: Path, texts: list[str], batch_size: int = 32) -> float:
    """The script a user would write: AutoTokenizer, the PyTorch model, batches in input order."""
    import torch
    from transformers import AutoTokenizer

    from nlp.model import TriageModel

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = TriageModel.from_pretrained(model_dir).eval()
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(texts[start : start + batch_size], padding=True, truncation=True,
                              max_length=model.config.max_tokens, return_tensors="pt")  # fmt: skip
            output = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            torch.sigmoid(output.complaint_logits)
    return len(texts) / (time.perf_counter() - started)


def tag_rate(predictor, archive: Path, out: Path, rows: int, evidence: bool = False) -> float:
    from serve.tagging.job import TagJob

    started = time.perf_counter()
    TagJob(archive, out, evidence=evidence).run(predictor)
    return rows / (time.perf_counter() - started)


def child_peak_rss(model: Path, source: Path, out: Path) -> tuple[float, float]:
    """(peak RSS in MiB, messages/s) of `triage tag` in a fresh process."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent.
    code = (
        "import sys,time;from serve.cli import app;t=time.perf_counter();"
        "sys.argv=['triage','tag',sys.argv[1],'--out',sys.argv[2],'--model',sys.argv[3]];"
        "\ntry:\n app()\nexcept SystemExit:\n pass\n"
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print('RESULT',int(hwm)/1024,time.perf_counter()-t)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(source), str(out), str(model)],
                          capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))
    _, rss, seconds = line.split()
    return float(rss), 0.0 if float(seconds) == 0 else sum(1 for _ in source.open()) / float(seconds)


def ray_run(model: Path, archive: Path, work: Path, rows: int) -> tuple[float, float, bool]:
    """(messages/s of the Ray engine, seconds of ray.init, output equal to the local engine's)."""
    from serve.tagging.job import TagJob
    from serve.tagging.ray_engine import ray_session, run_on_ray

    started = time.perf_counter()
    with ray_session(None):
        start_up = time.perf_counter() - started
        run_on_ray(TagJob(archive, work / "ray.csv"), model)
    rate = rows / (time.perf_counter() - started)
    return rate, start_up, (work / "ray.csv").read_bytes() == (work / "tagged.csv").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--loop-sample", type=int, default=2_000)
    parser.add_argument("--teacher", type=Path, help="A slower model whose tag rate is printed too.")
    parser.add_argument("--teacher-rows", type=int, default=2_000)
    parser.add_argument("--no-ray", action="store_true", help="Skip the Ray engine.")
    parser.add_argument("--no-rss", action="store_true", help="Skip the peak-RSS runs (1M rows).")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tagging-") as work:  # 2.5 GB at 1M rows
        measure(options, Path(work))


def measure(options: argparse.Namespace, work: Path) -> None:
    from nlp import Predictor

    archive = work / "archive.csv"
    build_archive(archive, options.rows)
    predictor = Predictor.load(options.model)
    texts = [row["text"] for row in csv.DictReader(archive.open(encoding="utf-8", newline=""))]
    print(f"archive: {options.rows} rows; backend: {type(predictor.backend).__name__}")

    end_to_end = tag_rate(predictor, archive, work / "tagged.csv", options.rows)
    explained = tag_rate(predictor, archive, work / "explained.csv", options.rows, evidence=True)
    bare = forward_rate(predictor, texts)
    sample = texts[: options.loop_sample]
    plain = plain_pytorch_rate(options.model, sample)
    bare_single = forward_rate(predictor, sample, batch_size=1)
    started = time.perf_counter()
    for text in sample:
        predictor.predict([text], batch_size=1)
    loop = len(sample) / (time.perf_counter() - started)
    print(f"triage tag --no-evidence:      {end_to_end:8.0f} msg/s   (target ≥ 1,000)")
    print(
        f"triage tag (default: evidence): {explained:7.0f} msg/s   ratio {explained / end_to_end:.2f} "
        "of the rate without (target ≥ 0.5)"
    )
    print(f"bare forward (same texts):     {bare:8.0f} msg/s   ratio {end_to_end / bare:.2f} (target ≥ 0.80)")
    print(
        f"plain PyTorch loop (HF tokenizer, batches of 32 in order): {plain:8.0f} msg/s   "
        f"ratio {end_to_end / plain:.1f}× (target ≥ 3×)"
    )
    print(f"per-message loop (batch 1):    {loop:8.0f} msg/s   ratio {end_to_end / loop:.1f}×")
    print(
        f"bare forward, batch 1:         {bare_single:8.0f} msg/s   (batches gain {bare / bare_single:.1f}×)"
    )
    if options.teacher:
        teacher_archive = work / "teacher.csv"
        build_archive(teacher_archive, options.teacher_rows, seed=2)
        teacher = Predictor.load(options.teacher)
        rate = tag_rate(teacher, teacher_archive, work / "teacher.tagged.csv", options.teacher_rows)
        print(f"teacher {options.teacher} triage tag: {rate:8.0f} msg/s ({options.teacher_rows} rows)")
    if not options.no_ray:
        ray_rate, start_up, same = ray_run(options.model, archive, work, options.rows)
        print(
            f"ray engine (local Ray):        {ray_rate:8.0f} msg/s   ratio {ray_rate / end_to_end:.2f} of "
            f"local (includes {start_up:.1f} s ray.init; output identical to local: {same})"
        )
    if options.no_rss:
        return
    rss_small, _ = child_peak_rss(options.model, archive, work / "small.csv")
    big = work / "big.csv"
    build_archive(big, options.big_rows, seed=1)
    rss_big, _ = child_peak_rss(options.model, big, work / "big.tagged.csv")
    sizes = f"{rss_small:.0f} MiB at {options.rows} rows, {rss_big:.0f} MiB at {options.big_rows} rows"
    print(f"peak RSS of triage tag: {sizes}")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
