"""The combination of the cross-encoder's probabilities, the typed checks and retrieval similarity.

A small multinomial logistic regression over per-pair features, fitted on held-out training-side
pairs (never on benchmark data) by ``factcheck.training.combine``, and stored as plain JSON
(``combiner.json`` in the model folder): no pickles, readable in review. A combiner fitted on
direction-symmetric probabilities (each claim also read with its direction word reversed, see
``factcheck.verify.directions``) says so in that file, so the verifier feeds it the same kind.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck.errors import FactcheckError
from factcheck.types import CheckResult

FEATURES: tuple[str, ...] = (
    "log_p_supported",
    "log_p_refuted",
    "log_p_nei",
    "similarity",
    "year_conflict",
    "number_conflict",
    "name_conflict",
    "negation_conflict",
    "missing_share",
    "anchored",
)
COMBINER_FILE = "combiner.json"


def pair_features(
    probs: np.ndarray, labels: Sequence[str], checks: Sequence[CheckResult], similarity: float, anchored: bool
) -> np.ndarray:
    """One feature row; ``probs`` follows ``labels`` (the model's own order)."""
    p = {label: float(probs[i]) for i, label in enumerate(labels)}
    conflict = {c.name for c in checks if c.outcome == "conflict"}
    values = [c for c in checks if c.name != "negation"]
    missing = sum(1 for c in values if c.outcome == "missing") / max(1, len(values))
    return np.array(
        [
            np.log(max(p["SUPPORTED"], 1e-6)),
            np.log(max(p["REFUTED"], 1e-6)),
            np.log(max(p["NOT ENOUGH INFO"], 1e-6)),
            similarity,
            float("year" in conflict and anchored),
            float("number" in conflict and anchored),
            float("name" in conflict and anchored),
            float("negation" in conflict),
            missing,
            float(anchored),
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True, slots=True)
class Combiner:
    labels: tuple[str, ...]
    features: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    direction_symmetric: bool = False

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros((0, len(self.labels)))
        return softmax(rows @ self.coef.T + self.intercept)

    def to_json(self, metrics: dict[str, float] | None = None) -> str:
        data = {
            "labels": list(self.labels),
            "features": list(self.features),
            "coef": [[round(float(x), 8) for x in row] for row in self.coef],
            "intercept": [round(float(x), 8) for x in self.intercept],
            "metrics": metrics or {},
            "direction_symmetric": self.direction_symmetric,
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def load(cls, path: Path) -> Combiner:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            combiner = cls(
                tuple(data["labels"]), tuple(data["features"]),
                np.asarray(data["coef"], dtype=np.float64), np.asarray(data["intercept"], dtype=np.float64),
                bool(data.get("direction_symmetric", False)),
            )
        except FileNotFoundError:
            raise FactcheckError(
                f"{path} is missing: fit it with `make verifier` (factcheck train combine)"
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FactcheckError(f"{path} is not a combiner file ({exc}): refit it with `make verifier`") from None
        if combiner.features != FEATURES or combiner.coef.shape != (len(combiner.labels), len(FEATURES)):
            raise FactcheckError(f"{path} was fitted for other features: refit it with `make verifier`")
        return combiner


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit(
    rows: np.ndarray,
    gold: np.ndarray,
    labels: Sequence[str],
    *,
    l2: float = 1e-3,
    steps: int = 3000,
    prior: Combiner | None = None,
) -> Combiner:
    """Multinomial logistic regression by full-batch gradient descent with L2 (features are few,
    pairs a few thousand: this converges in well under a second and needs nothing beyond numpy).

    With a ``prior`` (a combiner fitted elsewhere, same labels) the fit starts from it and the L2 term,
    intercepts included, pulls towards it instead of towards zero: a few hundred pairs of a user's own
    corpus then adjust the shipped combination rather than replace it.
    """
    n, f = rows.shape
    k = len(labels)
    mean, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-9
    x = (rows - mean) / scale
    onehot = np.eye(k)[gold]
    if prior is None:
        w0, b0 = np.zeros((k, f)), np.zeros(k)
        b_l2 = 0.0
    else:
        if tuple(prior.labels) != tuple(labels) or prior.coef.shape != (k, f):
            raise ValueError(f"prior combiner has labels {prior.labels}, expected {tuple(labels)}")
        # The prior in the standardised space: coef = w / scale, intercept = b - sum(w * mean / scale).
        w0 = prior.coef * scale
        b0 = prior.intercept + (prior.coef * mean).sum(axis=1)
        b_l2 = l2
    w, b = w0.copy(), b0.copy()
    lr = 0.5 / max(1.0, l2)  # a larger step would overshoot the L2 pull and diverge
    for _ in range(steps):
        p = softmax(x @ w.T + b)
        grad = (p - onehot) / n
        w -= lr * (grad.T @ x + l2 * (w - w0))
        b -= lr * (grad.sum(axis=0) + b_l2 * (b - b0))
    # Fold the standardisation into the weights so inference needs no extra statistics.
    coef = w / scale
    intercept = b - (w * mean / scale).sum(axis=1)
    return Combiner(tuple(labels), FEATURES, coef, intercept, prior.direction_symmetric if prior else False)
