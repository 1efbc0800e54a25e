"""Fit the combiner (model probabilities + typed checks + similarity) on held-out training-side pairs.

    python -m factcheck.training.combine --data ../shared/data --model factcheck/models/verifier

The pairs are the held-out split of the verifier's own training set (never trained on, never a
benchmark): the combiner learns how far to trust each signal, and its probabilities are what the
verdicts report as confidence. Cross-fitted accuracy and calibration error are printed and kept
in ``combiner.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from factcheck.training.dataset import held_out_pairs
from factcheck.training.metrics import expected_calibration_error
from factcheck.verify.checks import about_same_subject, compare
from factcheck.verify.combine import COMBINER_FILE, fit, pair_features
from factcheck.verify.crossencoder import CrossEncoderModel
from factcheck.verify.facts import FactReader


def fit_combiner(data_dir: Path, model_dir: Path, *, seed: int = 13, folds: int = 5) -> dict[str, float]:
    from evidence import SentenceTransformerEmbedder

    pairs = held_out_pairs(data_dir, seed=seed)
    model = CrossEncoderModel(model_dir)
    labels = model.labels
    gold = np.array([labels.index(p.label) for p in pairs])
    probs = model.predict_proba([(p.claim, p.evidence) for p in pairs])
    embedder = SentenceTransformerEmbedder()
    sims = np.sum(
        embedder.encode_queries([p.claim for p in pairs])
        * embedder.encode_documents([p.evidence for p in pairs]),
        axis=1,
    )
    texts = sorted({p.claim for p in pairs} | {p.evidence for p in pairs})
    facts = dict(zip(texts, FactReader().read(texts), strict=True))
    rows = []
    for pair, p, sim in zip(pairs, probs, sims, strict=True):
        c, s = facts[pair.claim], facts[pair.evidence]
        found = compare(c, s, pair.evidence)
        rows.append(pair_features(p, labels, found, float(sim), about_same_subject(c, s, found)))
    x = np.vstack(rows)

    # Cross-fitted figures: each pair is scored by a combiner that never saw it.
    rng = np.random.default_rng(seed)
    fold_of = rng.integers(0, folds, size=len(pairs))
    held = np.zeros_like(probs)
    for k in range(folds):
        train, test = fold_of != k, fold_of == k
        held[test] = fit(x[train], gold[train], labels).predict_proba(x[test])
    metrics = {
        "pairs": float(len(pairs)),
        "model_accuracy": float(np.mean(probs.argmax(1) == gold)),
        "model_ece": expected_calibration_error(probs, gold),
        "combined_accuracy": float(np.mean(held.argmax(1) == gold)),
        "combined_ece": expected_calibration_error(held, gold),
    }
    combiner = fit(x, gold, labels)
    target = model_dir / COMBINER_FILE
    tmp = target.with_name(f".{COMBINER_FILE}.tmp{os.getpid()}")
    tmp.write_text(combiner.to_json({k: round(v, 4) for k, v in metrics.items()}), encoding="utf-8")
    os.replace(tmp, target)
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fit the verdict combiner on held-out training-side pairs.")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--model", type=Path, default=Path(__file__).resolve().parents[1] / "models" / "verifier"
    )
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    metrics = fit_combiner(args.data, args.model, seed=args.seed)
    for name, value in metrics.items():
        print(f"{name:20s} {value:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
