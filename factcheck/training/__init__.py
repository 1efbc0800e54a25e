"""Training factcheck's own verifier: building the pair set, fine-tuning, calibration, model card.

Nothing here is imported by the pipeline at run time; ``factcheck.verify.crossencoder`` loads the result.
Heavy libraries (torch, transformers, spaCy, scikit-learn) are imported inside the functions that use them.
"""

from __future__ import annotations

from factcheck.training.dataset import build_training_set
from factcheck.training.errors import DataFormatError, TrainingError
from factcheck.training.loop import HyperParameters
from factcheck.training.train import train_verifier
from factcheck.training.types import LABELS, Pair, TrainingSet, TrainReport

__all__ = [
    "LABELS",
    "DataFormatError",
    "HyperParameters",
    "Pair",
    "TrainReport",
    "TrainingError",
    "TrainingSet",
    "build_training_set",
    "train_verifier",
]
