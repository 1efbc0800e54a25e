"""Records of the training room: labelled pairs, the split set and the report of a run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# The one place that fixes the label order of a model we train; it is written into the model's
# config.json, and everything downstream reads it back from there.
LABELS: tuple[str, ...] = ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO")
SUPPORTED, REFUTED, NEI = LABELS

LABEL_SYNONYMS: dict[str, str] = {
    "SUPPORTED": SUPPORTED,
    "SUPPORTS": SUPPORTED,
    "SUPPORT": SUPPORTED,
    "REFUTED": REFUTED,
    "REFUTES": REFUTED,
    "CONTRADICT": REFUTED,
    "NOT ENOUGH INFO": NEI,
    "NOT ENOUGH": NEI,
    "NEI": NEI,
}


@dataclass(frozen=True, slots=True)
class Pair:
    """One (claim, evidence) example; ``source`` names the dataset and how the pair was made."""

    claim: str
    evidence: str
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Pairs to train on and pairs held out (never trained on) for calibration and evaluation.

    ``excluded`` counts pairs dropped because their claim is a SciFact dev or FEVER Symmetric claim.
    """

    train: tuple[Pair, ...]
    held_out: tuple[Pair, ...]
    seed: int
    excluded: int = 0

    def counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """Pairs per split, source and label, for the training report and the model card."""
        return {"train": count_pairs(self.train), "held_out": count_pairs(self.held_out)}


def count_pairs(pairs: tuple[Pair, ...]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = {}
    for pair in pairs:
        table.setdefault(pair.source, Counter())[pair.label] += 1
    return {source: dict(sorted(labels.items())) for source, labels in sorted(table.items())}


@dataclass(frozen=True, slots=True)
class TrainReport:
    """What a training run produced: where the model is and the figures written to training.json."""

    out: Path
    model_id: str
    seed: int
    train_pairs: int
    held_out_pairs: int
    temperature: float
    metrics: dict[str, dict[str, float]]
    wall_time_s: float
    fine_tuned: bool = False  # False: the weights are the starting model's, only recalibrated
