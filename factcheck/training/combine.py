"""Fit the combiner (model probabilities + typed checks + similarity) on held-out training-side pairs.

    factcheck train combine --data path/to/public-data --model factcheck/models/verifier

The pairs are the held-out split of the verifier's own training set (never trained on, never a
benchmark): the combiner learns how far to trust each signal, and its probabilities are what the
verdicts report as confidence. Cross-fitted accuracy and calibration error are printed and kept
in ``combiner.json``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from factcheck.training import recipe
from factcheck.training.dataset import held_out_by, held_out_draw, held_out_pairs, titles_of
from factcheck.training.errors import TrainingError
from factcheck.training.metrics import expected_calibration_error
from factcheck.training.modelcard import write_combiner_section
from factcheck.training.text import claim_key
from factcheck.training.types import Pair
from factcheck.verify.checks import about_same_subject, compare
from factcheck.verify.combine import COMBINER_FILE, FEATURES, Combiner, fit, pair_features
from factcheck.verify.crossencoder import CrossEncoderModel
from factcheck.verify.directions import read_pairs
from factcheck.verify.facts import FactReader

# L2 pulls towards the shipped combiner tried when refitting on a user's pairs (standardised features).
PRIOR_STRENGTHS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def pair_rows(
    pairs: Sequence[Pair], model: CrossEncoderModel, *, direction_symmetric: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The combiner's features for each pair, as the verifier computes them, and the model's probabilities."""
    from evidence import SentenceTransformerEmbedder

    labels = model.labels
    probs = read_pairs(model, [(p.claim, p.evidence) for p in pairs], direction_symmetric=direction_symmetric)
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
    return np.vstack(rows), probs


def fit_combiner(
    data_dir: Path, model_dir: Path, *, seed: int = 13, folds: int = 5, pairs: Sequence[Pair] | None = None,
    direction_symmetric: bool = False,
) -> dict[str, float]:  # fmt: skip
    """Fit on the held-out pairs of ``data_dir`` (``pairs`` when the caller has already read them);
    with ``direction_symmetric`` on the probabilities of each claim read both ways."""
    if pairs is None:
        pairs = held_out_pairs(
            data_dir, seed=seed, held_out_by=held_out_by(model_dir), scifact_titles=titles_of(model_dir)
        )
    model = CrossEncoderModel(model_dir)
    labels = model.labels
    gold = np.array([labels.index(p.label) for p in pairs])
    x, probs = pair_rows(pairs, model, direction_symmetric=direction_symmetric)

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
    combiner = replace(fit(x, gold, labels), direction_symmetric=direction_symmetric)
    _write(model_dir, combiner, metrics)
    write_combiner_section(model_dir, shipped_section(len(pairs), seed, folds, metrics, direction_symmetric))
    return metrics


def shipped_section(
    pairs: int, seed: int, folds: int, metrics: dict[str, float], direction_symmetric: bool = False
) -> list[str]:
    """The model card's words on a combiner fitted by ``fit_combiner``."""
    symmetric = [
        "",
        "Direction-symmetric: the model reads every claim that has a direction word (\"increases\", "
        "\"higher\", \"required\"...) twice, as written and with that word reversed, and the model "
        "probabilities are the average of the first reading and the second with SUPPORTED and REFUTED "
        "swapped (`factcheck/verify/directions.py`). The verifier does the same at check time.",
    ]
    return [
        "A verdict's probabilities are not the model's alone: a multinomial logistic regression "
        f"(`{COMBINER_FILE}`, plain JSON) combines the calibrated model probabilities with the typed "
        f"checks and the retrieval similarity. Features: {', '.join(f'`{f}`' for f in FEATURES)}.",
        "",
        f"Fitted on the {pairs} held-out pairs of the training split (never trained on, never a "
        f"benchmark), seed {seed}. Cross-fitted over {folds} folds, each pair scored by a combiner that "
        f"never saw it: accuracy {metrics['model_accuracy']:.4f} for the model alone, "
        f"{metrics['combined_accuracy']:.4f} combined; ECE (15 bins) {metrics['model_ece']:.4f} and "
        f"{metrics['combined_ece']:.4f}.",
        *(symmetric if direction_symmetric else []),
    ]


def refit_combiner(
    pairs: Sequence[Pair], model_dir: Path, prior: Combiner, *, seed: int = 13, folds: int = 5
) -> dict[str, float]:
    """Adapt ``prior`` to a user's labelled pairs (their own corpus) and write it to ``model_dir``.

    The pull towards the prior is chosen by cross-validation over the user's claims (every pair of a
    claim in the same fold): the strength with the lowest held-out log-loss wins, and the prior is
    kept unchanged when no refit beats it. This is what moves the NOT ENOUGH INFO threshold to where
    the user's corpus needs it: the shipped combination was fitted on Wikipedia-heavy pairs.
    """
    model = CrossEncoderModel(model_dir)
    labels = model.labels
    if tuple(prior.labels) != labels:
        raise TrainingError(f"the combiner's labels {prior.labels} are not the model's {labels}: retrain it")
    gold = np.array([labels.index(p.label) for p in pairs])
    x, _ = pair_rows(pairs, model, direction_symmetric=prior.direction_symmetric)
    # Salted, so that pairs held out of fine-tuning by the same draw still spread over every fold.
    fold_of = np.array([held_out_draw(seed, f"combiner-fold:{claim_key(p.claim)}") for p in pairs])
    fold_of = np.minimum((fold_of * folds).astype(int), folds - 1)

    def log_loss(probs: np.ndarray) -> float:
        return float(-np.mean(np.log(np.clip(probs[np.arange(len(gold)), gold], 1e-12, None))))

    prior_probs = prior.predict_proba(x)
    best: tuple[float, float | None, np.ndarray] = (log_loss(prior_probs), None, prior_probs)
    for strength in PRIOR_STRENGTHS:
        held = np.zeros_like(prior_probs)
        for k in range(folds):
            train, test = fold_of != k, fold_of == k
            if not test.any():
                continue
            if not train.any() or len(set(gold[train])) < 2:
                held[test] = prior_probs[test]
                continue
            held[test] = fit(x[train], gold[train], labels, l2=strength, prior=prior).predict_proba(x[test])
        loss = log_loss(held)
        if loss < best[0] - 1e-9:
            best = (loss, strength, held)
    loss, strength, held = best
    combiner = prior if strength is None else fit(x, gold, labels, l2=strength, prior=prior)
    metrics = {
        "pairs": float(len(pairs)),
        "prior_log_loss": log_loss(prior_probs),
        "prior_accuracy": float(np.mean(prior_probs.argmax(1) == gold)),
        "prior_ece": expected_calibration_error(prior_probs, gold),
        "refit_log_loss": loss,
        "refit_accuracy": float(np.mean(held.argmax(1) == gold)),
        "refit_ece": expected_calibration_error(held, gold),
        "prior_strength": float("nan") if strength is None else strength,
    }
    _write(model_dir, combiner, metrics)
    how = (
        "kept unchanged: no strength beat it on held-out log-loss"
        if strength is None
        else f"refitted with L2 strength {strength} towards it"
    )
    write_combiner_section(
        model_dir,
        [
            f"Adapted to this model's labelled pairs: the starting combiner, {how} (strengths "
            f"{', '.join(map(str, PRIOR_STRENGTHS))} compared by {folds}-fold cross-validation with every pair "
            f"of a claim in one fold). On {len(pairs)} pairs not used for fine-tuning, held out by fold: "
            f"log-loss {metrics['prior_log_loss']:.4f} -> {metrics['refit_log_loss']:.4f}, accuracy "
            f"{metrics['prior_accuracy']:.4f} -> {metrics['refit_accuracy']:.4f}, ECE (15 bins) "
            f"{metrics['prior_ece']:.4f} -> {metrics['refit_ece']:.4f}.",
        ],
    )
    return metrics


def _write(model_dir: Path, combiner: Combiner, metrics: dict[str, float]) -> None:
    target = model_dir / COMBINER_FILE
    tmp = target.with_name(f".{COMBINER_FILE}.tmp{os.getpid()}")
    tmp.write_text(
        combiner.to_json({k: round(v, 4) for k, v in metrics.items() if np.isfinite(v)}), encoding="utf-8"
    )
    os.replace(tmp, target)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Fit the verdict combiner on held-out training-side pairs.")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--model", type=Path, default=Path(__file__).resolve().parents[1] / "models" / "verifier"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--direction-symmetric",
        action="store_true",
        help="fit on (and have the verifier use) each claim read both ways: as written and direction-reversed",
    )
    args = recipe.parse(parser, argv)
    metrics = fit_combiner(args.data, args.model, seed=args.seed, direction_symmetric=args.direction_symmetric)
    for name, value in metrics.items():
        print(f"{name:20s} {value:.4f}")
    return 0

