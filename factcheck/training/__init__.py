"""Training factcheck's own verifier: building the pair set, fine-tuning, calibration, model card.

Nothing on the check path imports it (tests/test_startup.py guards this); ``factcheck.verify.crossencoder``
loads the result. ``factcheck train ...`` is the one way in (``factcheck.training.command``).
Heavy libraries (torch, transformers, spaCy, scikit-learn) are imported inside the functions that use them.
"""

from __future__ import annotations

from factcheck.training.dataset import build_training_set
from factcheck.training.errors import DataFormatError, TrainingError
from factcheck.training.loop import HyperParameters
from factcheck.training.train import TrainSettings, train_verifier
from factcheck.training.types import LABELS, Pair, TrainingSet, TrainReport

__all__ = [
    "LABELS",
    "DataFormatError",
    "HyperParameters",
    "Pair",
    "TrainReport",
    "TrainSettings",
    "TrainingError",
    "TrainingSet",
    "build_training_set",
    "train_verifier",
]
