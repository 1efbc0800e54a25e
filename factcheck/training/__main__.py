"""``python -m factcheck.training --data path/to/public-data --out factcheck/models/verifier``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from factcheck.training.dataset import DEFAULT_SIZE, HELD_OUT_BY
from factcheck.training.errors import TrainingError
from factcheck.training.loop import DEVICES, HyperParameters
from factcheck.training.train import train_verifier


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m factcheck.training",
        description="Train factcheck's 3-way verifier from the public datasets folder, or fine-tune/recalibrate "
        "the shipped model on a .jsonl of {claim, evidence, label} lines.",
    )
    defaults = HyperParameters()
    parser.add_argument("--data", type=Path, required=True, help="public datasets folder or a .jsonl file")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write (replaced atomically)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--init-from", type=Path, default=None, help="model folder to start from")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="train pairs for the standard recipe")
    parser.add_argument("--epochs", type=float, default=None, help="first-stage epochs (0: recalibrate only)")
    parser.add_argument("--second-stage-epochs", type=float, default=defaults.second_stage_epochs)
    parser.add_argument("--max-steps", type=int, default=None, help="cap on optimiser steps per stage")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (default 1: on shared cores more threads wait on each other and run slower)",
    )
    parser.add_argument(
        "--device", choices=DEVICES, default="cpu", help="cpu (default: the reproducible recipe), cuda or auto"
    )
    parser.add_argument(
        "--held-out-by",
        choices=HELD_OUT_BY,
        default=None,
        help="held-out SciFact train claims drawn one by one (claim, the default) or in groups citing a common "
        "abstract (abstract); a model trained from another follows that model's draw",
    )
    parser.add_argument(
        "--scifact-titles",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="put each SciFact evidence text behind its abstract's title, as factcheck feeds retrieved sentences "
        "(default: off, or as the --init-from model was trained)",
    )
    parser.add_argument("--no-eval", action="store_true", help="skip SciFact dev / FEVER Symmetric scoring")
    args = parser.parse_args(argv)

    standard = HyperParameters() if args.data.is_dir() else HyperParameters(learning_rate=2e-5, epochs=2.0)
    hyper = HyperParameters(
        **{
            **{name: getattr(standard, name) for name in standard.__dataclass_fields__},
            "epochs": standard.epochs if args.epochs is None else args.epochs,
            "second_stage_epochs": args.second_stage_epochs,
            "max_steps": args.max_steps,
        }
    )

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    try:
        report = train_verifier(
            args.data, args.out, seed=args.seed, init_from=args.init_from, size=args.size, hyper=hyper,
            threads=args.threads, evaluate=not args.no_eval, device=args.device, held_out_by=args.held_out_by,
            scifact_titles=args.scifact_titles, log=log,
        )  # fmt: skip
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    log(f"{report.model_id}: temperature {report.temperature:.3f}, {report.wall_time_s / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
