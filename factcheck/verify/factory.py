"""Which verifier a run uses, picked by the `verifier` setting."""

from __future__ import annotations

from pathlib import Path

from factcheck.config import Settings
from factcheck.errors import ConfigError
from factcheck.verify.base import Verifier


def make_verifier(settings: Settings) -> Verifier:
    if settings.verifier == "heuristic":
        from factcheck.verify.heuristic import HeuristicVerifier

        return HeuristicVerifier(settings)
    from factcheck.verify.model import ModelVerifier

    if settings.verifier == "model":
        return ModelVerifier(settings)
    if settings.verifier == "fast":
        from factcheck.verify.crossencoder import FAST_MODEL

        return ModelVerifier(settings, FAST_MODEL)
    if settings.verifier == "base":
        from factcheck.verify.adapter import shipped_base_verifier

        return ModelVerifier(settings, shipped_base_verifier())
    path = Path(settings.verifier).expanduser()
    if not path.is_dir():
        raise ConfigError(
            f"verifier {settings.verifier!r} is neither 'model', 'fast', 'base', 'heuristic' nor a model folder; "
            "train one with `factcheck train verifier` or pick a built-in"
        )
    from factcheck.verify.adapter import require_base

    require_base(path)
    return ModelVerifier(settings, path)
