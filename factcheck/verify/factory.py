"""Which verifier a run uses, picked by the `verifier` setting."""

from __future__ import annotations

from factcheck.config import Settings
from factcheck.verify.base import Verifier


def make_verifier(settings: Settings) -> Verifier:
    from factcheck.verify.heuristic import HeuristicVerifier

    return HeuristicVerifier(settings)
