"""Checkpoints that let a long training run stop and continue where it stopped, to the same weights.

A checkpoint holds everything the next step depends on: the trained tensors (those with
``requires_grad``; frozen ones are rebuilt from the base), the optimiser and schedule state, the random
generators (dropout draws from torch's) and the position in the stage's batch plan. A stage's plan is
a pure function of its seed, so the position is a step number. Each file carries a fingerprint of the
stage's settings and data: a checkpoint of another recipe is refused, never silently mixed in.
Files are written to a temporary name and renamed, so a kill mid-write leaves the previous one intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.training.errors import TrainingError

KEEP = 2  # checkpoints kept per stage: the newest, and one before it in case the newest is damaged


@dataclass(frozen=True, slots=True)
class Checkpoints:
    folder: Path
    every: int = 200

    def _files(self, stage: str) -> list[Path]:
        return sorted(self.folder.glob(f"{stage}-step-*.pt"))

    def save(self, stage: str, state: dict[str, Any], model: Any, optimizer: Any, schedule: Any) -> None:
        import torch

        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {
            **state,
            "trained": {n: p.detach().cpu().clone() for n, p in model.named_parameters() if p.requires_grad},
            "optimizer": optimizer.state_dict(),
            "schedule": schedule.state_dict(),
            "rng": _rng_state(),
        }
        path = self.folder / f"{stage}-step-{state['step']:07d}.pt"
        partial = path.with_suffix(f".partial-{os.getpid()}")
        torch.save(payload, partial)
        os.replace(partial, path)
        for old in self._files(stage)[:-KEEP]:
            old.unlink()

    def restore(self, stage: str, fingerprint: str, model: Any, optimizer: Any, schedule: Any) -> dict[str, Any]:
        """The newest checkpoint's state ({} when there is none), its tensors loaded into the objects."""
        import torch

        files = self._files(stage)
        if not files:
            return {}
        try:
            payload = torch.load(files[-1], map_location="cpu", weights_only=False)
        except (OSError, RuntimeError, EOFError) as exc:
            raise TrainingError(f"checkpoint {files[-1]} is unreadable ({exc}): delete it to go back one") from None
        if payload.get("fingerprint") != fingerprint:
            raise TrainingError(
                f"checkpoint {files[-1]} belongs to a run with other settings or data: pass the same recipe "
                f"and data, or another --checkpoints folder (or delete {self.folder} to start over)"
            )
        params = dict(model.named_parameters())
        with torch.no_grad():
            for name, value in payload["trained"].items():
                params[name].copy_(value.to(params[name].device))
        optimizer.load_state_dict(payload["optimizer"])
        schedule.load_state_dict(payload["schedule"])
        _set_rng_state(payload["rng"])
        return {k: v for k, v in payload.items() if k not in ("trained", "optimizer", "schedule", "rng")}


def fingerprint(*parts: Any) -> str:
    """A short hash of JSON-able settings and of the batch plan and labels: what must match to resume."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _rng_state() -> dict[str, Any]:
    import torch

    return {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def _set_rng_state(state: dict[str, Any]) -> None:
    import torch

    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
