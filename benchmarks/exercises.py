"""Scoring a 100,000-pair submission against a 5,000-pair truth set (issue 14's target: under 5 s).

Runs the same functions as an upload (exercises.scoring.read_pairs and score_pairs) on a file held
in memory, so it needs no database: python benchmarks/exercises.py
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lotibootcamp.settings")

from exercises import scoring

TRUE_PAIRS, SUBMITTED, RECORDS = 5_000, 100_000, 60_000


def main() -> None:
    rng = random.Random(14)
    left = [f"L{n:06d}" for n in range(1, RECORDS + 1)]
    right = [f"R{n:06d}" for n in range(1, RECORDS + 1)]
    truth = list(zip(rng.sample(left, TRUE_PAIRS), rng.sample(right, TRUE_PAIRS), strict=True))
    chosen = dict.fromkeys(rng.sample(truth, 4_500))
    while len(chosen) < SUBMITTED:
        chosen.setdefault((rng.choice(left), rng.choice(right)))
    lines = ["left_id,right_id,score"] + [f"{a},{b},{rng.random():.4f}" for a, b in chosen]
    content = ("\n".join(lines) + "\n").encode()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        score = scoring.read_and_score(content, left_ids=left, right_ids=right, true_pairs=truth)
        timings.append(time.perf_counter() - started)
    print(f"{SUBMITTED:,} pairs with scores against {TRUE_PAIRS:,} true pairs ({len(content) / 1e6:.1f} MB)")
    print(f"tp={score.tp} fp={score.fp} fn={score.fn} curve points={len(score.curve)}")
    print(
        f"read and score: median {statistics.median(timings):.2f} s, max {max(timings):.2f} s over {len(timings)} runs"
    )


if __name__ == "__main__":
    main()
