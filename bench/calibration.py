"""What `triage calibrate` buys on real text: Samokat dev in two halves, thresholds re-tuned on
one half, complaint micro-F1 measured on the other (and the other way round).

    .venv/bin/python bench/calibration.py [MODEL_DIR] [--seed N]

Stands for a team that labels a few hundred of its own messages. Measurement only: the
halves are written to a temporary folder and no model learns from them. Skips cleanly
without ../shared.
"""

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quality import read_jsonl  # noqa: E402
from bench.real_text import SAMOKAT, complaint_figures, label_matrix  # noqa: E402


def halves(seed: int) -> tuple[list[dict], list[dict]]:
    rows = read_jsonl(SAMOKAT)
    random.Random(seed).shuffle(rows)
    middle = len(rows) // 2
    return rows[:middle], rows[middle:]


def micro_f1(model_dir: Path, rows: list[dict]) -> float:
    from nlp import Predictor

    records = Predictor.load(model_dir).predict([row["text"] for row in rows], entities=False)
    truth, guess = label_matrix([row["labels"] for row in rows]), label_matrix([r.labels for r in records])
    return complaint_figures(truth, guess)["micro-F1"]


def main() -> None:
    from training.recalibration import recalibrate

    parser = argparse.ArgumentParser()
    parser.add_argument("model", nargs="?", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    if not SAMOKAT.exists():
        print(f"{SAMOKAT} not found: calibration figures skipped")
        return
    first, second = halves(options.seed)
    with tempfile.TemporaryDirectory() as work:
        for name, tune, measure in (("A", first, second), ("B", second, first)):
            sample = Path(work) / f"half-{name}.jsonl"
            sample.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in tune), "utf-8")
            calibrated = recalibrate(options.model, sample, Path(work) / f"calibrated-{name}")
            before = micro_f1(options.model, measure)
            after = micro_f1(Path(work) / f"calibrated-{name}", measure)
            print(
                f"tuned on half {name} ({calibrated.messages} messages), measured on the other "
                f"({len(measure)}): complaint micro-F1 {before:.3f} → {after:.3f}"
            )


if __name__ == "__main__":
    main()
