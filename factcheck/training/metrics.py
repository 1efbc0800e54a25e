"""Scores for a 3-way verifier: accuracy, macro-F1, confusion matrix, calibration error, temperature."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ECE_BINS = 15


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def classification_report(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, object]:
    """Accuracy, macro-F1 over ``labels`` present in gold or predictions, per-label precision/recall,
    and the confusion matrix (rows gold, columns predicted, both in ``labels`` order)."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g], index[p]] += 1
    total = int(matrix.sum())
    per_label: dict[str, dict[str, float]] = {}
    f1s = []
    for label, i in index.items():
        tp, gold_n, pred_n = matrix[i, i], matrix[i].sum(), matrix[:, i].sum()
        if gold_n == 0 and pred_n == 0:
            continue
        precision = float(tp / pred_n) if pred_n else 0.0
        recall = float(tp / gold_n) if gold_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": precision, "recall": recall, "f1": f1, "support": int(gold_n)}
        f1s.append(f1)
    return {
        "n": total,
        "accuracy": float(np.trace(matrix) / total) if total else 0.0,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "per_label": per_label,
        "confusion": matrix.tolist(),
        "labels": list(labels),
    }


def reliability(probs: np.ndarray, gold: np.ndarray, bins: int = ECE_BINS) -> list[tuple[float, float, int]]:
    """Per equal-width confidence bin: (mean confidence, accuracy, count) of the top prediction."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for b in range(bins):
        upper = confidence <= edges[b + 1] if b == bins - 1 else confidence < edges[b + 1]
        inside = (confidence >= edges[b]) & upper
        count = int(inside.sum())
        rows.append(
            (
                float(confidence[inside].mean()) if count else 0.0,
                float(correct[inside].mean()) if count else 0.0,
                count,
            )
        )
    return rows


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE over ``bins`` equal-width bins of top-label confidence."""
    total = len(gold)
    if total == 0:
        return 0.0
    return float(sum(count / total * abs(conf - acc) for conf, acc, count in reliability(probs, gold, bins)))


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of ``gold`` (scipy imported on use)."""
    from scipy.optimize import minimize_scalar

    if len(gold) == 0:
        return 1.0

    def nll(log_t: float) -> float:
        probs = softmax(logits, float(np.exp(log_t)))
        return float(-np.log(np.clip(probs[np.arange(len(gold)), gold], 1e-12, None)).mean())

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


def cross_fitted_ece(logits: np.ndarray, gold: np.ndarray, seed: int, bins: int = ECE_BINS) -> float:
    """ECE after temperature scaling, each half scored with the temperature fitted on the other half,
    so the figure is not measured on the pairs it was fitted to."""
    order = np.random.default_rng(seed).permutation(len(gold))
    halves = (order[: len(order) // 2], order[len(order) // 2 :])
    probs = np.zeros_like(logits, dtype=np.float64)
    for scored, fitted in (halves, halves[::-1]):
        probs[scored] = softmax(logits[scored], fit_temperature(logits[fitted], gold[fitted]))
    return expected_calibration_error(probs, gold, bins)
