"""Knowledge distillation: a shallower copy of the verifier, trained to answer as the verifier does.

    factcheck train distill --teacher factcheck/models/verifier --layers 0,2,4 \\
        --extra build/verifier/hard-negatives.jsonl --out factcheck/models/verifier-fast

A cross-encoder's cost is almost all in its transformer layers, so keeping 3 of MiniLM's 6 halves the
time per pair (on this project's 2-core machine about 50 -> 100 SciFact pairs/s at batch 32). Cut
layers alone lose most of what the model learned; the student starts from the kept layers (and the
teacher's embeddings, pooler and head) and is fine-tuned on the teacher's training pairs against the
teacher's own probabilities as well as the gold labels. The teacher's split is rebuilt with its seed, so
the held-out pairs the student is calibrated and judged on are ones neither model trained on.

Keeping every layer (``--layers 0,1,2,3,4,5``) is self-distillation ("born-again networks", Furlanello et
al. 2018): a student of the teacher's own size, which is how the shipped verifier 1.2 was made from 1.1.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from factcheck.training import recipe
from factcheck.training.errors import TrainingError
from factcheck.training.loop import (
    DEVICES,
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

WEIGHTS_FILE = "model.safetensors"
DEFAULT_LAYERS = (0, 2, 4)


def student_of(model: Any, layers: tuple[int, ...]) -> Any:
    """A copy of a BERT sequence classifier that keeps only the encoder ``layers`` (in that order)."""
    import torch

    encoder = model.base_model.encoder
    count = len(encoder.layer)
    if not layers or any(not 0 <= i < count for i in layers) or list(layers) != sorted(set(layers)):
        raise TrainingError(f"layers {list(layers)} must be increasing, distinct and within 0..{count - 1}")
    student = copy.deepcopy(model)
    student.base_model.encoder.layer = torch.nn.ModuleList([student.base_model.encoder.layer[i] for i in layers])
    student.config.num_hidden_layers = len(layers)
    if getattr(student.config, "layer_types", None):
        student.config.layer_types = [student.config.layer_types[i] for i in layers]
    return student


@dataclass(frozen=True)
class DistillSettings:
    """How a student is distilled (the recipe file holds the values the shipped verifiers used)."""

    layers: tuple[int, ...] = DEFAULT_LAYERS
    extra: Path | None = None  # more {claim, evidence, label} pairs (.jsonl)
    seed: int = 13
    size: int | None = None  # train pairs of the standard recipe (None: the teacher's draw)
    epochs: float = 2.0
    learning_rate: float = 1e-4
    weight: float = 0.5  # share of the teacher term in the loss
    temperature: float = 2.0  # softmax temperature of the teacher term
    threads: int | None = None
    model_id: str | None = None
    max_steps: int | None = None  # cap on optimiser steps (smoke runs)
    evaluate: bool = True
    why: str = ""  # why this student is used, for the model card
    device: str = "cpu"


def distill(
    teacher: Path, out: Path, data: Path, settings: DistillSettings | None = None, log: Log = print
) -> dict[str, Any]:
    """Write the distilled model to ``out`` (atomically), calibrated, benchmarked and with its combiner."""
    settings = settings or DistillSettings()
    layers, extra, seed, size = settings.layers, settings.extra, settings.seed, settings.size
    epochs, learning_rate, weight, temperature = (
        settings.epochs, settings.learning_rate, settings.weight, settings.temperature
    )
    import torch

    from factcheck.training.combine import fit_combiner
    from factcheck.training.dataset import DEFAULT_SIZE, build_training_set, draw_size, held_out_by, titles_of
    from factcheck.training.modelcard import write_model_card
    from factcheck.training.sources import read_user_pairs
    from factcheck.training.text import claim_key
    from factcheck.training.train import (
        UnderTest,
        benchmark_metrics,
        calibrate,
        environment,
        replace_folder,
        seed_everything,
        staging_for,
    )
    from factcheck.training.types import TrainingSet
    from factcheck.verify.crossencoder import CrossEncoderModel

    started = time.monotonic()
    for name in (WEIGHTS_FILE, "training.json"):
        if not (teacher / name).is_file():
            raise TrainingError(f"{teacher} holds no {name}: pass a verifier folder made by factcheck training")
    if extra is not None and not extra.is_file():
        raise TrainingError(f"{extra} does not exist: pass a .jsonl of claim/evidence/label lines, or no --extra")
    if not 0.0 <= weight <= 1.0 or temperature <= 0 or epochs <= 0:
        raise TrainingError("weight must be within 0..1, temperature and epochs above 0")
    seed_everything(seed, settings.threads)
    where = resolve_device(settings.device)

    teacher_record = json.loads((teacher / "training.json").read_text(encoding="utf-8"))
    hp = replace(
        HyperParameters(**teacher_record["hyper_parameters"]),
        learning_rate=learning_rate, epochs=epochs, second_stage_epochs=0.0, max_steps=settings.max_steps,
    )  # fmt: skip
    # The split follows the teacher's seed whatever --seed says: another draw would put pairs the teacher
    # trained on among the held-out pairs the student is calibrated and judged on.
    by = held_out_by(teacher)
    # So does the draw: the default size would hand a teacher trained on more pairs a smaller, other sample.
    size = draw_size(teacher) if size is None else size
    titles = titles_of(teacher)  # and the way SciFact evidence was written
    training = build_training_set(
        data, seed=int(teacher_record.get("seed", seed)), size=size, held_out_by=by, scifact_titles=titles, log=log
    )
    pairs = list(training.train)
    dropped = 0
    if extra is not None:
        held_claims = {claim_key(p.claim) for p in training.held_out}
        extra_pairs = [replace(p, source=f"extra:{extra.name}") for p in read_user_pairs(extra)]
        kept = [p for p in extra_pairs if claim_key(p.claim) not in held_claims]
        dropped = len(extra_pairs) - len(kept)
        pairs += kept
    log(f"distilling on {len(pairs)} pairs ({dropped} extra pairs of held-out claims dropped)")

    model, tokenizer = load_model(teacher)
    model.to(where)
    ids = label_ids(model)
    pad_id = int(tokenizer.pad_token_id or 0)
    encoded = encode(tokenizer, pairs, hp.max_length, ids)
    clock = time.monotonic()
    teacher_logits = predict_logits(model, encoded, pad_id)
    teacher_seconds = round(time.monotonic() - clock, 1)
    log(f"teacher scored {len(pairs)} pairs in {teacher_seconds / 60:.1f} min")
    teacher_layers = int(model.config.num_hidden_layers)
    student = student_of(model, layers)
    del model
    stage = Stage("distill", learning_rate, epochs, seed, teacher_logits, weight, temperature)
    stats = fit(student, encoded, pad_id, hp, stage, log)

    out_arg = out
    out, staging = staging_for(out)
    try:
        save_model(student, tokenizer, staging, hp.max_length)
        labels = tuple(str(student.config.id2label[i]) for i in range(student.config.num_labels))
        tested = UnderTest(student, tokenizer, labels, hp, pad_id)
        calibration, metrics = calibrate(tested, training.held_out, seed)
        if settings.evaluate:
            metrics.update(benchmark_metrics(tested, data, calibration["temperature"]))
        used = TrainingSet(tuple(pairs), training.held_out, seed, training.excluded)
        record = {
            "model_id": settings.model_id or f"{teacher_record['model_id']}-{len(layers)}layer",
            "version": teacher_record.get("version"),
            "labels": list(labels),
            "seed": seed,
            "init_from": f"encoder layers {', '.join(map(str, layers))} of the {teacher_layers} of "
            f"{teacher_record['model_id']} ({teacher}), with its embeddings, pooler and head",
            "data": str(data),
            "recipe": "distilled",
            "counts": used.counts(),
            "excluded_leaking_pairs": training.excluded,
            "hyper_parameters": asdict(hp),
            "stages": {"distill": stats},
            "distillation": {
                "teacher": str(teacher),
                "teacher_model_id": teacher_record["model_id"],
                "teacher_weights": CrossEncoderModel(teacher).model_hash,
                "teacher_layers": teacher_layers,
                "teacher_soup": teacher_record.get("soup"),
                "out": str(out_arg),
                "layers": list(layers),
                "extra": str(extra) if extra is not None else None,
                "extra_dropped_held_out": dropped,
                "weight": weight,
                "temperature": temperature,
                "teacher_scoring_seconds": teacher_seconds,
                "chosen_by": settings.why,
            },
            "metrics": metrics,
            "calibration": calibration,
            "wall_time_s": 0.0,
            "threads": torch.get_num_threads(),
            "device": where,
            "environment": environment(),
            **({"held_out_by": by} if by != "claim" else {}),
            **({"size": size} if size != DEFAULT_SIZE else {}),
            **({"scifact_titles": True} if titles else {}),
        }
        record["wall_time_s"] = round(time.monotonic() - started, 1)
        (staging / "calibration.json").write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
        (staging / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        write_model_card(staging, record, data)
        fit_combiner(data, staging, seed=seed, pairs=training.held_out)
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"wrote {out}: {len(layers)} layers, temperature {calibration['temperature']:.3f}")
    return record


def _layers(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--layers takes comma-separated layer numbers, got {text!r}") from exc


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Distil the verifier into a model with fewer layers.")
    parser.add_argument("--teacher", type=Path, required=True, help="verifier folder to imitate")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--layers", type=_layers, default=DEFAULT_LAYERS, help="teacher layers to keep, e.g. 0,2,4")
    parser.add_argument("--extra", type=Path, default=None, help="more {claim, evidence, label} pairs (.jsonl)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--size", type=int, default=None, help="train pairs of the standard recipe (default: the teacher's draw)"
    )
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--weight", type=float, default=0.5, help="share of the teacher term in the loss")
    parser.add_argument("--temperature", type=float, default=2.0, help="softmax temperature of the teacher term")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--device", choices=DEVICES, default="cpu", help="cpu (reproducible), cuda or auto")
    parser.add_argument("--max-steps", type=int, default=None, help="cap on optimiser steps (smoke runs)")
    parser.add_argument("--model-id", default=None)
    parser.add_argument("--no-eval", action="store_true", help="skip SciFact dev / FEVER Symmetric scoring")
    parser.add_argument("--why", default="", help="why this student is used, for the model card")
    args = recipe.parse(parser, argv, frozenset({"verifier_settings"}))

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    try:
        settings = DistillSettings(
            layers=args.layers, extra=args.extra, seed=args.seed, size=args.size, epochs=args.epochs,
            learning_rate=args.learning_rate, weight=args.weight, temperature=args.temperature, threads=args.threads,
            model_id=args.model_id, max_steps=args.max_steps, evaluate=not args.no_eval, why=args.why,
            device=args.device,
        )  # fmt: skip
        distill(args.teacher, args.out, args.data, settings, log=log)
        chosen = getattr(args, "verifier_settings", None)
        if chosen:  # the student's own retrieval and threshold settings, read by factcheck/config.py
            (args.out / "settings.json").write_text(json.dumps(chosen) + "\n", encoding="utf-8")
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0

