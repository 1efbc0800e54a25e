"""The torch side of training: load, tokenise, batch by length, fit, score, save (torch imported on use)."""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evidence.offline import offline
from factcheck.training.checkpoint import Checkpoints, fingerprint
from factcheck.training.errors import TrainingError
from factcheck.training.types import LABELS, Pair

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class HyperParameters:
    """Settings of one training run; all of them are written to training.json.

    bf16 autocast is off by default: on CPUs without AVX-512 BF16 (this project's machines) its
    backward pass measured about 15x slower than fp32.
    """

    max_length: int = 128
    batch_size: int = 16
    learning_rate: float = 8e-5
    epochs: float = 1.0
    warmup: float = 0.06
    weight_decay: float = 0.01
    second_stage_epochs: float = 1.5
    second_stage_learning_rate: float = 2e-5
    second_stage_replay: float = 0.25
    freeze_word_embeddings: bool = True
    bf16: bool = False
    max_steps: int | None = None


@dataclass(frozen=True, slots=True)
class Encoded:
    """Token ids of pairs, unpadded, with their label ids."""

    input_ids: tuple[tuple[int, ...], ...]
    token_type_ids: tuple[tuple[int, ...], ...]
    labels: tuple[int, ...]


DEVICES = ("cpu", "cuda", "auto")


def resolve_device(name: str) -> str:
    """"cpu", "cuda" or "auto" (a GPU when torch sees one). The CPU is the default everywhere: the
    shipped recipe is reproduced there bit for bit, and a GPU's kernels round differently."""
    import torch

    if name not in DEVICES:
        raise TrainingError(f"device {name!r} is not one of {', '.join(DEVICES)}")
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise TrainingError(
            "--device cuda, but torch sees no GPU (this torch build may be CPU-only): use --device cpu"
        )
    return name


def _device_of(model: Any) -> Any:
    return next(model.parameters()).device


def load_model(init_from: Path) -> tuple[Any, Any]:
    """A sequence classifier and its tokenizer; a model already trained with our labels keeps its head,
    anything else (the plain MiniLM encoder) gets a fresh 3-way head in ``LABELS`` order."""
    offline()
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if not (init_from / "config.json").is_file():
        raise TrainingError(f"{init_from} holds no config.json: pass a model folder as init_from")
    config = AutoConfig.from_pretrained(init_from)
    known = {str(name) for name in (getattr(config, "id2label", None) or {}).values()}
    if known == set(LABELS):
        model = AutoModelForSequenceClassification.from_pretrained(init_from, dtype=torch.float32)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(
            init_from,
            num_labels=len(LABELS),
            id2label=dict(enumerate(LABELS)),
            label2id={label: i for i, label in enumerate(LABELS)},
            dtype=torch.float32,
        )
    tokenizer = AutoTokenizer.from_pretrained(init_from)
    return model, tokenizer


def label_ids(model: Any) -> dict[str, int]:
    return {str(name): int(i) for i, name in model.config.id2label.items()}


def encode(tokenizer: Any, pairs: Sequence[Pair], max_length: int, ids: dict[str, int]) -> Encoded:
    batch = tokenizer(
        [p.claim for p in pairs],
        [p.evidence for p in pairs],
        truncation="longest_first",
        max_length=max_length,
        return_token_type_ids=True,
    )
    return Encoded(
        tuple(tuple(x) for x in batch["input_ids"]),
        tuple(tuple(x) for x in batch["token_type_ids"]),
        tuple(ids[p.label] for p in pairs),
    )


def length_batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: pairs are shuffled, sorted by length inside windows of 50
    batches, cut into batches, and the batches shuffled; padding then costs little."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def collate(encoded: Encoded, indices: Sequence[int], pad_id: int) -> dict[str, Any]:
    import torch

    width = max(len(encoded.input_ids[i]) for i in indices)
    ids = torch.full((len(indices), width), pad_id, dtype=torch.long)
    types = torch.zeros((len(indices), width), dtype=torch.long)
    mask = torch.zeros((len(indices), width), dtype=torch.long)
    for row, i in enumerate(indices):
        n = len(encoded.input_ids[i])
        ids[row, :n] = torch.tensor(encoded.input_ids[i])
        types[row, :n] = torch.tensor(encoded.token_type_ids[i])
        mask[row, :n] = 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


@dataclass(frozen=True)
class Stage:
    """One pass of ``fit``: its name (in logs and records), rate, length and seed, and an optional teacher."""

    name: str
    learning_rate: float
    epochs: float
    seed: int
    teacher_logits: np.ndarray | None = None
    distill_weight: float = 0.5
    distill_temperature: float = 2.0
    # Saved every ``checkpoints.every`` steps and at the end; a rerun continues from the newest one.
    checkpoints: Checkpoints | None = None


def fit(model: Any, encoded: Encoded, pad_id: int, hp: HyperParameters, stage: Stage, log: Log) -> dict[str, float]:
    """AdamW with linear warm-up and decay over ``epochs`` passes (fractions allowed).

    With ``teacher_logits`` (one row per pair, the model's label order) the loss is knowledge
    distillation: ``(1 - distill_weight) * CE(gold) + distill_weight * T^2 * KL(teacher_T || student_T)``
    at temperature T = ``distill_temperature`` (Hinton et al. 2015). The teacher's full distribution says
    how close a pair is to the other labels, which a 0/1 gold label cannot; the T^2 keeps the two terms'
    gradients on the same scale whatever T is.
    """
    import torch
    import torch.nn.functional as F

    learning_rate, epochs, teacher_logits = stage.learning_rate, stage.epochs, stage.teacher_logits
    rng = random.Random(stage.seed)
    lengths = [len(x) for x in encoded.input_ids]
    plan: list[list[int]] = []
    for _ in range(max(1, math.ceil(epochs))):
        plan += length_batches(lengths, hp.batch_size, rng)
    steps = max(1, round(len(lengths) * epochs / hp.batch_size))
    if hp.max_steps is not None:
        steps = min(steps, hp.max_steps)
    plan = plan[:steps]
    if hp.freeze_word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": hp.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=learning_rate,
    )
    warm = max(1, int(steps * hp.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    # Training runs where the model is (the caller moves it): batches, labels and teacher follow.
    device = _device_of(model)
    labels = torch.tensor(encoded.labels, dtype=torch.long, device=device)
    if teacher_logits is not None and len(teacher_logits) != len(labels):
        raise TrainingError(f"{len(teacher_logits)} teacher rows for {len(labels)} pairs: score every pair once")
    teacher = None if teacher_logits is None else torch.tensor(teacher_logits, dtype=torch.float32, device=device)
    model.train()
    started, seen, running, done, key = time.monotonic(), 0, 0.0, 0, ""
    if stage.checkpoints is not None:
        key = fingerprint(stage.name, asdict(hp), stage.learning_rate, stage.epochs, stage.seed, plan, encoded)
        state = stage.checkpoints.restore(stage.name, key, model, optimizer, schedule)
        done, seen, running = state.get("step", 0), state.get("seen", 0), state.get("running", 0.0)
        if done:
            log(f"{stage.name}: continuing from step {done}/{len(plan)} of {stage.checkpoints.folder}")
    first_seen = seen
    for step, indices in enumerate(plan, start=1):
        if step <= done:
            continue
        batch = {k: v.to(device) for k, v in collate(encoded, indices, pad_id).items()}
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=hp.bf16):
            if teacher is None:
                loss_value = model(**batch, labels=labels[indices]).loss
            else:
                student = model(**batch).logits.float()
                t = stage.distill_temperature
                soft = F.kl_div(
                    F.log_softmax(student / t, dim=-1),
                    F.log_softmax(teacher[indices] / t, dim=-1),
                    reduction="batchmean",
                    log_target=True,
                )
                hard = F.cross_entropy(student, labels[indices])
                w = stage.distill_weight
                loss_value = (1 - w) * hard + w * t * t * soft
        loss_value.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        seen += len(indices)
        loss = loss_value.item()
        running = 0.98 * running + 0.02 * loss if step > 1 else loss
        if stage.checkpoints is not None and (step % stage.checkpoints.every == 0 or step == len(plan)):
            progress_state = {"step": step, "seen": seen, "running": running, "fingerprint": key}
            stage.checkpoints.save(stage.name, progress_state, model, optimizer, schedule)
        if step % 50 == 0 or step == len(plan):
            elapsed = time.monotonic() - started
            rate = (seen - first_seen) / elapsed
            eta = (len(plan) - step) * hp.batch_size / rate
            progress = f"{stage.name}: step {step}/{len(plan)} loss {running:.3f}"
            log(f"{progress} {rate:.1f} pairs/s eta {eta / 60:.1f} min")
    model.eval()
    elapsed = time.monotonic() - started
    return {"steps": len(plan), "pairs": seen, "seconds": round(elapsed, 1), "final_loss": round(running, 4)}


def predict_logits(model: Any, encoded: Encoded, pad_id: int, batch_size: int = 64) -> np.ndarray:
    """Raw logits in the model's label order, batched by length and returned in input order."""
    import torch

    order = sorted(range(len(encoded.input_ids)), key=lambda i: len(encoded.input_ids[i]))
    out = np.zeros((len(order), model.config.num_labels), dtype=np.float64)
    device = _device_of(model)
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            indices = order[start : start + batch_size]
            batch = {k: v.to(device) for k, v in collate(encoded, indices, pad_id).items()}
            out[indices] = model(**batch).logits.float().cpu().numpy()
    return out


def save_model(model: Any, tokenizer: Any, folder: Path, max_length: int) -> None:
    """Weights in fp16 (half the size; the loader upcasts), config with the label map, tokenizer whose
    ``model_max_length`` is the training length, so inference truncates exactly as training did."""
    import torch

    device = _device_of(model)
    model.to("cpu", torch.float16)
    model.save_pretrained(folder, safe_serialization=True)
    model.to(device, torch.float32)
    tokenizer.model_max_length = max_length
    tokenizer.save_pretrained(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if config.get("id2label", {}) and set(config["id2label"].values()) != set(LABELS):
        raise TrainingError(f"saved config in {folder} lost the label map: report this as a bug")
