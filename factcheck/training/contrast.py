"""Contrast pairs: the same claim with its direction word reversed ("increases" -> "decreases").

    factcheck train contrast --pairs IN.jsonl --out OUT.jsonl

Scientific claims are refuted by an effect in the other direction far more often than by a changed
number or a "not": of SciFact's 173 contradicted train claims, 125 carry a direction word. A claim
supported by its evidence becomes refuted by the same evidence once its one direction word flips,
and a claim its evidence says nothing about stays NOT ENOUGH INFO. Pairs already REFUTED are left
out by default: reversing a claim that was refuted on some other ground ("X increases Y" when X has
no effect) does not make it supported. ``--reverse-refuted`` turns them into SUPPORTED pairs, for
data whose refuted claims were written as reversals of true ones (SciFact's contradicted claims
were made by negating a claim an abstract supports). The output is the input pairs followed by the
contrast pairs, in the user format ``factcheck train`` reads.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable
from pathlib import Path

from factcheck.training import recipe
from factcheck.training.errors import TrainingError
from factcheck.training.sources import read_user_pairs
from factcheck.training.types import NEI, REFUTED, SUPPORTED, Pair
from factcheck.verify.directions import reverse_direction


def contrast_pairs(pairs: Iterable[Pair], seed: int = 13, *, reverse_refuted: bool = False) -> tuple[Pair, ...]:
    """For each claim with a direction word, one reversed claim (the same draw for all its pairs):
    SUPPORTED pairs become REFUTED, NOT ENOUGH INFO pairs stay NOT ENOUGH INFO, REFUTED pairs are
    dropped, or become SUPPORTED with ``reverse_refuted``."""
    rng = random.Random(seed)
    reversed_claims: dict[str, str | None] = {}
    made = []
    flipped = {SUPPORTED: REFUTED, NEI: NEI, REFUTED: SUPPORTED}
    for pair in pairs:
        if pair.label == REFUTED and not reverse_refuted:
            continue
        if pair.claim not in reversed_claims:
            reversed_claims[pair.claim] = reverse_direction(pair.claim, rng)
        claim = reversed_claims[pair.claim]
        if claim is None:
            continue
        made.append(Pair(claim, pair.evidence, flipped[pair.label], f"{pair.source}/contrast_direction"))
    return tuple(made)


def write_pairs(pairs: Iterable[Pair], out: Path) -> None:
    """Write user-format JSONL atomically: a failed run leaves no half-written file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.tmp")
    with staging.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            row = {"claim": pair.claim, "evidence": pair.evidence, "label": pair.label}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    staging.replace(out)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Add direction-reversed contrast pairs to a {claim, evidence, label} .jsonl.",
    )
    parser.add_argument("--pairs", type=Path, required=True, help="input .jsonl of claim/evidence/label lines")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl: the input pairs, then the new ones")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--reverse-refuted",
        action="store_true",
        help="also turn REFUTED pairs into SUPPORTED ones (when refuted claims are reversals of true ones)",
    )
    args = recipe.parse(parser, argv)
    try:
        if not args.pairs.is_file():
            raise TrainingError(f"{args.pairs} is not a file: pass a .jsonl of claim/evidence/label lines")
        pairs = read_user_pairs(args.pairs)
        made = contrast_pairs(pairs, args.seed, reverse_refuted=args.reverse_refuted)
        write_pairs((*pairs, *made), args.out)
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = {label: sum(p.label == label for p in made) for label in (SUPPORTED, REFUTED, NEI)}
    print(f"wrote {args.out}: {len(pairs)} pairs and {len(made)} contrast pairs {counts}")
    return 0

