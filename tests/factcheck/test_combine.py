"""The combiner's fit and file format, on synthetic features (the shipped fit is tested end to end)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from factcheck.errors import FactcheckError
from factcheck.types import CheckResult
from factcheck.verify.combine import FEATURES, Combiner, fit, pair_features

LABELS = ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO")


def test_features_follow_the_models_own_label_order() -> None:
    checks = (CheckResult("year", "conflict", "2019", "2021"), CheckResult("name", "missing", "webb"))
    a = pair_features(np.array([0.7, 0.2, 0.1]), LABELS, checks, 0.8, anchored=True)
    b = pair_features(np.array([0.2, 0.1, 0.7]), ("REFUTED", "NOT ENOUGH INFO", "SUPPORTED"), checks, 0.8, True)
    assert np.allclose(a, b)
    named = dict(zip(FEATURES, a, strict=True))
    assert named["year_conflict"] == 1.0 and named["missing_share"] == 0.5 and named["similarity"] == 0.8


def test_fit_learns_a_separable_rule_and_round_trips(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, len(FEATURES)))
    gold = np.where(x[:, 4] > 0.5, 1, np.where(x[:, 3] > 0, 0, 2))
    combiner = fit(x, gold, LABELS)
    assert np.mean(combiner.predict_proba(x).argmax(1) == gold) > 0.9
    path = tmp_path / "combiner.json"
    path.write_text(combiner.to_json({"accuracy": 0.9}), encoding="utf-8")
    again = Combiner.load(path)
    assert np.allclose(again.predict_proba(x), combiner.predict_proba(x), atol=1e-6)


def test_bad_combiner_files_say_how_to_refit(tmp_path: Path) -> None:
    with pytest.raises(FactcheckError, match="make verifier"):
        Combiner.load(tmp_path / "missing.json")
    bad = tmp_path / "combiner.json"
    bad.write_text('{"labels": ["A"], "features": ["x"], "coef": [[1.0]], "intercept": [0.0]}', encoding="utf-8")
    with pytest.raises(FactcheckError, match="other features"):
        Combiner.load(bad)


def _prior() -> Combiner:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2000, len(FEATURES)))
    gold = np.where(x[:, 4] > 0.5, 1, np.where(x[:, 3] > 0, 0, 2))
    return fit(x, gold, LABELS)


def test_fit_with_a_prior_stays_near_it_on_little_data_and_follows_plenty() -> None:
    prior = _prior()
    rng = np.random.default_rng(2)
    # A corpus where NOT ENOUGH INFO is far more common than the prior expects, whatever the features say.
    x = rng.normal(size=(60, len(FEATURES)))
    gold = np.where(rng.random(60) < 0.85, 2, np.where(x[:, 3] > 0, 0, 1))
    strong = fit(x, gold, LABELS, l2=10.0, prior=prior)
    weak = fit(x, gold, LABELS, l2=1e-4, prior=prior)
    probe = rng.normal(size=(500, len(FEATURES)))
    base = prior.predict_proba(probe)
    assert np.abs(strong.predict_proba(probe) - base).max() < np.abs(weak.predict_proba(probe) - base).max()
    assert np.abs(strong.predict_proba(probe) - base).mean() < 0.05
    # Little pull: the NOT ENOUGH INFO share moves towards the corpus's own rate.
    assert weak.predict_proba(probe)[:, 2].mean() > base[:, 2].mean() + 0.2


def test_fit_refuses_a_prior_with_other_labels() -> None:
    prior = _prior()
    x = np.random.default_rng(3).normal(size=(30, len(FEATURES)))
    with pytest.raises(ValueError, match="labels"):
        fit(x, np.zeros(30, dtype=int), ("REFUTED", "SUPPORTED", "NOT ENOUGH INFO"), prior=prior)
