"""What `factcheck train ...` runs: the one way in to training, for users and for the Makefile's recipe."""

from __future__ import annotations

import importlib
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from factcheck.training.combine import fit_combiner, refit_combiner
from factcheck.training.errors import TrainingError
from factcheck.training.loop import HyperParameters, Log
from factcheck.training.train import TrainSettings, train_verifier, user_pairs_not_trained_on
from factcheck.training.types import TrainReport

# `factcheck train STEP ...` runs the main() of these modules: the steps of the recipe after the first.
STEPS = {"soup": "soup", "distill": "distill", "contrast": "contrast", "combine": "combine"}


def hyper_parameters(
    data: Path, epochs: float | None, second_stage_epochs: float | None = None, max_steps: int | None = None
) -> HyperParameters:
    """The standard recipe's settings for a data folder, a gentler fine-tune for a user's .jsonl, then the flags."""
    hp = HyperParameters() if data.is_dir() else HyperParameters(learning_rate=2e-5, epochs=2.0)
    changes: dict[str, object] = {"max_steps": max_steps}
    if epochs is not None:
        changes["epochs"] = epochs
    if second_stage_epochs is not None:
        changes["second_stage_epochs"] = second_stage_epochs
    return replace(hp, **changes)


def train(data: Path, out: Path, settings: TrainSettings, log: Log) -> TrainReport:
    """Train the verifier, then fit its combiner (public datasets) or refit it on the user's pairs."""
    from factcheck.verify.combine import COMBINER_FILE, Combiner
    from factcheck.verify.crossencoder import SHIPPED_MODEL

    report = train_verifier(data, out, settings, log=log)
    if data.is_dir():
        fit_combiner(data, report.out, seed=settings.seed)
        return report
    # The user's corpus gets its own combination of model, checks and similarity, fitted on the pairs
    # fine-tuning did not see (all of them when --epochs 0) and pulled towards the starting one.
    pairs = user_pairs_not_trained_on(data, settings.seed, fine_tuned=report.fine_tuned)
    init = settings.init_from
    start = init if init is not None and (init / COMBINER_FILE).is_file() else SHIPPED_MODEL
    # The starting combiner first, so that an interrupted refit still leaves a usable model folder.
    shutil.copy(start / COMBINER_FILE, report.out / COMBINER_FILE)
    figures = refit_combiner(pairs, report.out, Combiner.load(start / COMBINER_FILE), seed=settings.seed)
    if np.isnan(figures["prior_strength"]):
        log(
            f"combiner: kept the starting one ({len(pairs)} pairs did not improve its held-out log-loss "
            f"{figures['prior_log_loss']:.3f})"
        )
    else:
        log(
            f"combiner: refitted on {len(pairs)} pairs, held-out log-loss {figures['prior_log_loss']:.3f} -> "
            f"{figures['refit_log_loss']:.3f}, accuracy {figures['prior_accuracy']:.3f} -> "
            f"{figures['refit_accuracy']:.3f}"
        )
    return report


def run_step(step: str, args: list[str]) -> int:
    """`factcheck train soup|distill|contrast|combine ARGS`: that step's own flags (`--help` lists them)."""
    module = importlib.import_module(f"factcheck.training.{STEPS[step]}")
    try:
        return int(module.main(args, prog=f"factcheck train {step}"))
    except TrainingError as exc:  # the recipe's own errors; each step reports its work's errors itself
        print(f"error: {exc}", file=sys.stderr)
        return 2
