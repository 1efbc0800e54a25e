"""Contrast pairs: the same claim with its direction word reversed ("increases" -> "decreases").

    python -m factcheck.training.contrast --pairs IN.jsonl --out OUT.jsonl

Scientific claims are refuted by an effect in the other direction far more often than by a changed
number or a "not": of SciFact's 173 contradicted train claims, 125 carry a direction word. A claim
supported by its evidence becomes refuted by the same evidence once its one direction word flips,
and a claim its evidence says nothing about stays NOT ENOUGH INFO. Pairs already REFUTED are left
out: reversing a claim that was refuted on some other ground does not make it supported. The output
is the input pairs followed by the contrast pairs, in the user format ``factcheck train`` reads.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from factcheck.training.errors import TrainingError
from factcheck.training.sources import read_user_pairs
from factcheck.training.types import NEI, REFUTED, SUPPORTED, Pair

# Each row reverses the direction of an effect, a comparison or a requirement. The forms are listed
# rather than stemmed, so every replacement is a real word in the same inflection.
_OPPOSITE_GROUPS: tuple[tuple[str, str, bool], ...] = (
    # (forms, their opposites in the same order, whether the opposite maps back)
    ("increase increases increased increasing", "decrease decreases decreased decreasing", True),
    ("reduce reduces reduced reducing", "increase increases increased increasing", False),
    ("enhance enhances enhanced enhancing", "impair impairs impaired impairing", True),
    ("promote promotes promoted promoting", "inhibit inhibits inhibited inhibiting", True),
    ("activate activates activated activating", "inhibit inhibits inhibited inhibiting", False),
    ("suppress suppresses suppressed suppressing", "promote promotes promoted promoting", False),
    ("stimulate stimulates stimulated stimulating", "suppress suppresses suppressed suppressing", False),
    ("improve improves improved improving", "worsen worsens worsened worsening", True),
    ("accelerate accelerates accelerated accelerating", "slow slows slowed slowing", True),
    ("upregulate upregulates upregulated upregulation",
     "downregulate downregulates downregulated downregulation", True),
    ("up-regulate up-regulates up-regulated up-regulation",
     "down-regulate down-regulates down-regulated down-regulation", True),
    # "lower" is mostly the comparative ("lower levels"), so it turns into "higher", not "raise".
    ("raises raised raising", "lowers lowered lowering", True),
    ("raise", "lower", False),
    ("rise rises rose risen", "fall falls fell fallen", True),
    ("higher high more greater larger longer better faster stronger strong",
     "lower low less smaller smaller shorter worse slower weaker weak", True),
    ("fewer elevated activation gain positive positively effective beneficial",
     "more reduced inhibition loss negative negatively ineffective harmful", True),
    ("required essential dependent sensitive sensitivity before above",
     "dispensable dispensable independent resistant resistance after below", True),
    # "minor" names things ("the minor allele"), so only "important" turns into it.
    ("important", "minor", False),
)  # fmt: skip


def _opposites() -> dict[str, str]:
    table: dict[str, str] = {}
    for forms, opposites, both_ways in _OPPOSITE_GROUPS:
        for word, opposite in zip(forms.split(), opposites.split(), strict=True):
            table.setdefault(word, opposite)
            if both_ways:
                table.setdefault(opposite, word)
    return table


OPPOSITES = _opposites()
# Longest first, so "up-regulated" wins over "regulated"-free shorter forms and no form is cut short.
_WORD = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(OPPOSITES, key=len, reverse=True)) + r")(?![\w])",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"\b(an?)(\s+)$", re.IGNORECASE)
# After "than", a negation or "without", or inside a hyphenated name, the word is not the claim's
# direction: "does not increase" and "does not decrease" can both be true.
_SKIP_AFTER = re.compile(r"\b(?:than|no|not|without)\s+$", re.IGNORECASE)


def direction_words(text: str) -> list[re.Match[str]]:
    """The direction words of ``text`` that can be reversed, in order."""
    return [m for m in _WORD.finditer(text) if not _SKIP_AFTER.search(text[: m.start()])]


def reverse_direction(text: str, rng: random.Random) -> str | None:
    """``text`` with one direction word (drawn with ``rng``) replaced by its opposite, or None when it
    has none. Case follows the original word, and an "a"/"an" before it follows the new word."""
    matches = direction_words(text)
    if not matches:
        return None
    match = rng.choice(matches)
    word = match.group(0)
    opposite = OPPOSITES[word.lower()]
    if word.isupper() and len(word) > 1:
        opposite = opposite.upper()
    elif word[0].isupper():
        opposite = opposite[0].upper() + opposite[1:]
    before = text[: match.start()]
    article = _ARTICLE.search(before)
    if article:
        wanted = "an" if opposite[0].lower() in "aeiou" else "a"
        if article.group(1)[0].isupper():
            wanted = wanted.capitalize()
        before = before[: article.start(1)] + wanted + article.group(2)
    return before + opposite + text[match.end() :]


def contrast_pairs(pairs: Iterable[Pair], seed: int = 13) -> tuple[Pair, ...]:
    """For each claim with a direction word, one reversed claim (the same draw for all its pairs):
    SUPPORTED pairs become REFUTED, NOT ENOUGH INFO pairs stay NOT ENOUGH INFO, REFUTED pairs are dropped."""
    rng = random.Random(seed)
    reversed_claims: dict[str, str | None] = {}
    made = []
    for pair in pairs:
        if pair.label == REFUTED:
            continue
        if pair.claim not in reversed_claims:
            reversed_claims[pair.claim] = reverse_direction(pair.claim, rng)
        claim = reversed_claims[pair.claim]
        if claim is None:
            continue
        label = REFUTED if pair.label == SUPPORTED else NEI
        made.append(Pair(claim, pair.evidence, label, f"{pair.source}/contrast_direction"))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m factcheck.training.contrast",
        description="Add direction-reversed contrast pairs to a {claim, evidence, label} .jsonl.",
    )
    parser.add_argument("--pairs", type=Path, required=True, help="input .jsonl of claim/evidence/label lines")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl: the input pairs, then the new ones")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    try:
        if not args.pairs.is_file():
            raise TrainingError(f"{args.pairs} is not a file: pass a .jsonl of claim/evidence/label lines")
        pairs = read_user_pairs(args.pairs)
        made = contrast_pairs(pairs, args.seed)
        write_pairs((*pairs, *made), args.out)
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = {label: sum(p.label == label for p in made) for label in (REFUTED, NEI)}
    print(f"wrote {args.out}: {len(pairs)} pairs and {len(made)} contrast pairs {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
