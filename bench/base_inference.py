"""The shipped `base` verifier's inference speed: torch fp32 against ONNX Runtime fp32, on pairs of real length.

    .venv/bin/python bench/base_inference.py [--threads 2] [--repeats 3]

The pairs are the reload test's 100 (`tests/factcheck/data/verifier_base_reference.jsonl`) and each claim of
the demo article against each sentence of its corpus, as the verifier reads them in a check. Prints, per
runtime, pairs per second (wall, best of --repeats) and per CPU-second (on a shared machine the wall-clock
rate says more about the neighbours), the mean pair length in tokens, and the largest difference of a
probability from torch's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

REFERENCE = REPO / "tests" / "factcheck" / "data" / "verifier_base_reference.jsonl"


def pairs() -> list[tuple[str, str]]:
    from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

    found = [(r["claim"], r["evidence"]) for r in map(json.loads, REFERENCE.read_text(encoding="utf-8").splitlines())]
    claims = [line.strip() for line in DEMO_ARTICLE.read_text(encoding="utf-8").splitlines() if len(line) > 40]
    sentences = [
        s
        for path in sorted(DEMO_CORPUS.glob("*.md"))
        for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8"))
        if len(s) > 40 and not s.startswith("#")
    ]
    return found + [(c, s) for c in claims for s in sentences]


def main() -> int:
    import numpy as np
    import torch

    from factcheck.config import VERIFIER_FOLDERS
    from factcheck.verify.crossencoder import CrossEncoderModel

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    batch = pairs()
    folder = VERIFIER_FOLDERS["base"]
    results = {}
    with tempfile.TemporaryDirectory() as cache:
        for runtime in ("torch", "onnx"):
            model = CrossEncoderModel(folder, runtime=runtime, cache_dir=Path(cache) if runtime == "onnx" else None)
            model.load()
            tokens = np.mean([len(ids) for ids, _ in model._tokenize(batch)])
            best_wall, best_cpu = float("inf"), float("inf")
            for _ in range(args.repeats):
                started, cpu = time.perf_counter(), time.process_time()
                probabilities = model.predict_proba(batch)
                best_wall = min(best_wall, time.perf_counter() - started)
                best_cpu = min(best_cpu, time.process_time() - cpu)
            results[runtime] = probabilities
            difference = float(np.abs(probabilities - results["torch"]).max())
            print(
                f"{runtime} fp32, batch {model.batch_size}, {len(batch)} pairs of {tokens:.0f} tokens on average: "
                f"{len(batch) / best_wall:.1f} pairs/s, {len(batch) / best_cpu:.1f} pairs per CPU-second; "
                f"largest probability difference from torch {difference:.1e}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
