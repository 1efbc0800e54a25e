"""Weight interpolation ("model soup", WiSE-FT) between a verifier and a fine-tuned copy of it.

    factcheck train soup --base factcheck/models/verifier --tuned DIR --alpha 0.5 --out OUT

A short fine-tuning stage on narrow data (retrieved hard negatives of one corpus, say) moves the weights
towards that data and away from what the base model reads well. Both models start from the same
weights, so the straight line between them stays in one basin: ``(1 - alpha) * base + alpha * tuned``
keeps much of each at no inference cost. The result is recalibrated like the standard recipe (its
temperature fitted on the standard held-out pairs) and gets its own combiner, because the mixed
model's probabilities are neither model's.

``--tuned`` may be given several times: fine-tuned copies from the same base that differ only in their
seed are averaged uniformly first (a "uniform soup"), so the result does not hang on one seed's draw.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.training import recipe
from factcheck.training.errors import TrainingError
from factcheck.training.loop import HyperParameters, Log, load_model, save_model

WEIGHTS_FILE = "model.safetensors"


def mixed_state(base: Path, tuned: Path | Sequence[Path], alpha: float) -> dict[str, Any]:
    """``(1 - alpha) * base + alpha * tuned`` for every tensor, in fp32, where ``tuned`` is the uniform
    average of the tuned folders given; refuses models that differ in shape."""
    import torch
    from safetensors.torch import load_file

    if not 0.0 <= alpha <= 1.0:
        raise TrainingError(f"alpha {alpha} is outside 0..1: pass the share of the tuned model's weights")
    tuned = [tuned] if isinstance(tuned, Path) else list(tuned)
    if not tuned:
        raise TrainingError("no tuned model to mix: pass at least one --tuned folder")
    first = load_file(str(base / WEIGHTS_FILE))
    average: dict[str, Any] = {}
    for folder in tuned:
        other = load_file(str(folder / WEIGHTS_FILE))
        if first.keys() != other.keys() or any(first[k].shape != other[k].shape for k in first):
            raise TrainingError(f"{base} and {folder} are not the same architecture: soup only fine-tuned copies")
        for name, tensor in first.items():
            if not tensor.is_floating_point():  # ids and counters cannot be averaged, only shared
                if not torch.equal(tensor, other[name]):
                    raise TrainingError(
                        f"{base} and {folder} differ in the integer tensor {name}: not fine-tuned copies"
                    )
                continue
            share = other[name].to(torch.float32) / len(tuned)
            average[name] = share if name not in average else average[name] + share
    return {
        name: torch.lerp(tensor.to(torch.float32), average[name], alpha) if name in average else tensor
        for name, tensor in first.items()
    }


@dataclass(frozen=True)
class SoupSettings:
    """The mix and what the model card says about it (the recipe file holds the shipped values)."""

    alpha: float  # share of the tuned weights, 0..1
    seed: int = 13
    why: str = ""  # how alpha was chosen
    model_id: str | None = None  # default: the base's id + '-soup'
    what: str = ""  # what the tuned stage trained on
    made_by: tuple[str, ...] = ()  # the commands that made the tuned folders, in order


def soup(
    base: Path, tuned: Path | Sequence[Path], out: Path, data: Path, settings: SoupSettings, log: Log = print
) -> dict[str, Any]:
    """Write the interpolated model to ``out`` (atomically), calibrated and with its combiner fitted."""
    from factcheck.training.combine import fit_combiner
    from factcheck.training.dataset import held_out_by, held_out_pairs, titles_of
    from factcheck.training.modelcard import write_model_card
    from factcheck.training.train import UnderTest, benchmark_metrics, calibrate, replace_folder, staging_for

    alpha, seed, made_by = settings.alpha, settings.seed, settings.made_by
    started = time.monotonic()
    tuned = [tuned] if isinstance(tuned, Path) else list(tuned)
    for folder in (base, *tuned):
        for name in (WEIGHTS_FILE, "training.json"):
            if not (folder / name).is_file():
                raise TrainingError(f"{folder} holds no {name}: pass two verifier folders made by factcheck training")
    base_record = json.loads((base / "training.json").read_text(encoding="utf-8"))
    hp = HyperParameters(**base_record["hyper_parameters"])
    model, tokenizer = load_model(base)
    missing, unexpected = model.load_state_dict(mixed_state(base, tuned, alpha), strict=False)
    if unexpected or any("position_ids" not in name for name in missing):
        raise TrainingError(f"weights of {tuned} do not fit the model of {base}: {missing or unexpected}")
    labels = tuple(str(model.config.id2label[i]) for i in range(model.config.num_labels))
    pad_id = int(tokenizer.pad_token_id or 0)

    out_arg = out
    out, staging = staging_for(out)
    try:
        save_model(model, tokenizer, staging, hp.max_length)
        held = held_out_pairs(data, seed=seed, held_out_by=held_out_by(base), scifact_titles=titles_of(base))
        tested = UnderTest(model, tokenizer, labels, hp, pad_id)
        calibration, metrics = calibrate(tested, held, seed)
        metrics.update(benchmark_metrics(tested, data, calibration["temperature"]))
        tuned_records = [json.loads((folder / "training.json").read_text(encoding="utf-8")) for folder in tuned]
        tuned_record = tuned_records[0]
        record = {
            **base_record,
            "model_id": settings.model_id or f"{base_record['model_id']}-soup",
            "recipe": "soup",
            "soup": {
                "alpha": alpha,
                "base": str(base),
                "tuned": str(tuned[0]) if len(tuned) == 1 else [str(folder) for folder in tuned],
                **({"tuned_seeds": [r.get("seed") for r in tuned_records]} if len(tuned) > 1 else {}),
                "tuned_data": tuned_record.get("data"),
                "tuned_stages": tuned_record.get("stages"),
                "tuned_epochs": tuned_record.get("hyper_parameters", {}).get("epochs"),
                "base_model_id": base_record["model_id"],
                "out": str(out_arg),
                "chosen_by": settings.why,
                **({"what": settings.what} if settings.what else {}),
                **({"tuned_commands": list(made_by)} if made_by else {}),
                # A soup whose base is itself a soup keeps that stage's record, so the card can tell both.
                **({"base_soup": base_record["soup"]} if base_record.get("soup") else {}),
            },
            "metrics": metrics,
            "calibration": calibration,
        }
        # The base's wall time and threads stay: the card's Training section describes the base run.
        record["soup"]["wall_time_s"] = round(time.monotonic() - started, 1)
        (staging / "calibration.json").write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
        (staging / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        write_model_card(staging, record, data)
        fit_combiner(data, staging, seed=seed, pairs=held)
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"wrote {out}: alpha {alpha}, temperature {calibration['temperature']:.3f}")
    return record


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Interpolate a verifier with a fine-tuned copy of it.")
    parser.add_argument("--base", type=Path, required=True, help="model folder the tuned one started from")
    parser.add_argument(
        "--tuned", type=Path, action="append", required=True,
        help="fine-tuned model folder; repeat it for copies that differ in seed, averaged uniformly first",
    )  # fmt: skip
    parser.add_argument("--alpha", type=float, required=True, help="share of the tuned weights, 0..1")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--why", default="", help="how alpha was chosen, for the model card")
    parser.add_argument("--model-id", default=None, help="id of the result (default: the base's id + '-soup')")
    parser.add_argument("--what", default="", help="what the tuned stage trained on, for the model card")
    parser.add_argument(
        "--made-by", action="append", default=[], help="a command that made the tuned folder (repeat, in order)"
    )
    args = recipe.parse(parser, argv)
    try:
        settings = SoupSettings(
            args.alpha, seed=args.seed, why=args.why, model_id=args.model_id, what=args.what,
            made_by=tuple(args.made_by),
        )  # fmt: skip
        soup(args.base, args.tuned, args.out, args.data, settings)
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0

