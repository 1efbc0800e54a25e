"""NOT ENOUGH INFO pairs from topically close evidence that belongs to other claims."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from factcheck.training.tfidf import TfidfIndex
from factcheck.training.types import NEI, Pair

# Another claim whose wording is this close probably states the same fact, so its gold evidence
# could well support this claim too and would make a wrong NOT ENOUGH INFO example.
NEAR_DUPLICATE_CLAIM = 0.5
CANDIDATES = 8
_NUMBER = re.compile(r"\d+")


def nearest_non_gold(pairs: Sequence[Pair], source: str) -> tuple[Pair, ...]:
    """For each distinct claim, the most similar evidence text that is gold for no near-duplicate claim."""
    if not pairs:
        return ()
    evidence = sorted({pair.evidence for pair in pairs})
    position = {text: i for i, text in enumerate(evidence)}
    claims = list(dict.fromkeys(pair.claim for pair in pairs))
    claim_row = {claim: i for i, claim in enumerate(claims)}
    gold: dict[int, set[int]] = {}
    owners: dict[int, set[int]] = {}
    for pair in pairs:
        gold.setdefault(claim_row[pair.claim], set()).add(position[pair.evidence])
        owners.setdefault(position[pair.evidence], set()).add(claim_row[pair.claim])
    index = TfidfIndex(evidence)
    claim_vectors = index.vectors(claims)
    top = index.nearest(claims, CANDIDATES)
    mined = []
    for row, claim in enumerate(claims):
        for candidate in top[row]:
            if candidate < 0 or int(candidate) in gold[row]:
                continue
            text = evidence[int(candidate)]
            numbers = set(_NUMBER.findall(claim))
            if numbers and numbers <= set(_NUMBER.findall(text)):
                # The text states the claim's own figures, so it most likely speaks to the claim.
                continue
            others = sorted(owners[int(candidate)])
            similarity = (claim_vectors[others] @ claim_vectors[row].T).toarray().max()
            if similarity < NEAR_DUPLICATE_CLAIM:
                mined.append(Pair(claim, text, NEI, source))
                break
    return tuple(mined)


def distractor_pairs(
    distractors: dict[str, tuple[str, ...]], claims: Sequence[str], seed: int
) -> tuple[Pair, ...]:
    """FM2: one retrieved-but-not-gold sentence from the claim's own page per claim."""
    rng = random.Random(seed)
    return tuple(
        Pair(claim, rng.choice(distractors[claim]), NEI, "fm2/distractor")
        for claim in claims
        if distractors.get(claim)
    )
