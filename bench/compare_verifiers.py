"""Is one verifier better than another beyond chance? A paired bootstrap on the pairs both never trained on.

    .venv/bin/python bench/compare_verifiers.py --data $PUBLIC_DATA [--a base] [--b model] [--runtime onnx]

Both verifiers read the same pairs, the model reading the gold evidence: the held-out training-side pairs
(FEVER dev, SciFact train, SufficientFacts; drawn with the split both recipes share) and SciFact dev with its
gold rationales. Prints each one's macro-F1 (argmax of the calibrated probabilities) and the difference a - b
with its 95% interval over 2,000 paired bootstrap resamples of the pairs (seed 13).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))
PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", REPO.parent / "shared" / "data"))
RESAMPLES = 2000


def macro_f1(gold: np.ndarray, predicted: np.ndarray, labels: int = 3) -> float:
    scores = []
    for label in range(labels):
        tp = np.sum((predicted == label) & (gold == label))
        fp = np.sum((predicted == label) & (gold != label))
        fn = np.sum((predicted != label) & (gold == label))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def interval(gold: np.ndarray, a: np.ndarray, b: np.ndarray, seed: int = 13) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(RESAMPLES):
        rows = rng.integers(0, len(gold), len(gold))
        differences.append(macro_f1(gold[rows], a[rows]) - macro_f1(gold[rows], b[rows]))
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


def main() -> int:
    from factcheck.config import VERIFIER_FOLDERS
    from factcheck.training.dataset import held_out_by, held_out_pairs, titles_of
    from factcheck.training.scifact import SciFactCorpus, oracle_pairs
    from factcheck.verify.crossencoder import CrossEncoderModel

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=PUBLIC_DATA)
    parser.add_argument("--a", default="base", help="a verifier name (model, fast, base) or a model folder")
    parser.add_argument("--b", default="model")
    parser.add_argument("--runtime", choices=("torch", "onnx"), default="onnx")
    args = parser.parse_args()
    folders = [VERIFIER_FOLDERS.get(name, Path(name)) for name in (args.a, args.b)]
    cache = REPO / ".factcheck-cache" / "bench"
    onnx_cache = cache if args.runtime == "onnx" else None
    models = [CrossEncoderModel(folder, runtime=args.runtime, cache_dir=onnx_cache) for folder in folders]
    split_from = folders[1]  # both recipes draw the same split; b's record says which
    seed = int(json.loads((split_from / "training.json").read_text(encoding="utf-8"))["seed"])
    sets = {
        "held-out training-side pairs": held_out_pairs(
            args.data, seed=seed, held_out_by=held_out_by(split_from), scifact_titles=titles_of(split_from)
        ),
        "SciFact dev, gold rationales": oracle_pairs(args.data, "dev", SciFactCorpus(args.data)),
    }
    for name, pairs in sets.items():
        predictions = []
        for model in models:
            order = list(model.labels)
            probabilities = model.predict_proba([(p.claim, p.evidence) for p in pairs])
            predictions.append((probabilities.argmax(axis=1), order))
        order = predictions[0][1]
        gold = np.array([order.index(p.label) for p in pairs])
        a = predictions[0][0]
        b = np.array([order.index(predictions[1][1][k]) for k in predictions[1][0]])
        f1_a, f1_b = macro_f1(gold, a), macro_f1(gold, b)
        low, high = interval(gold, a, b)
        print(
            f"{name} ({len(pairs)} pairs): {args.a} macro-F1 {f1_a:.3f}, {args.b} {f1_b:.3f}; "
            f"difference {f1_a - f1_b:+.3f} (95% interval {low:+.3f} to {high:+.3f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
