"""Direction words of a claim ("increases", "higher", "required") and their opposites.

A claim whose one direction word is reversed says the opposite: what supports "X increases Y"
refutes "X decreases Y". Training uses this to make contrast pairs (``factcheck.training.contrast``)
and the verifier to read each claim both ways (``direction_symmetric_proba``): the model recognises
support far better than contradiction, so the support it finds for the reversed claim is evidence
of contradiction for the original.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

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


def reverse_direction(text: str, rng: random.Random | None = None) -> str | None:
    """``text`` with one direction word replaced by its opposite (drawn with ``rng``; the first one
    without), or None when it has none. Case follows the original word, and an "a"/"an" before it
    follows the new word."""
    matches = direction_words(text)
    if not matches:
        return None
    match = matches[0] if rng is None else rng.choice(matches)
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


def read_pairs(model: Any, pairs: Sequence[tuple[str, str]], *, direction_symmetric: bool) -> np.ndarray:
    """``model``'s probabilities for ``pairs``, read as its combiner was fitted: plainly or both ways. The
    verifier and the combiner's fit both call this, so the combiner always sees what it was fitted on."""
    if direction_symmetric:
        return direction_symmetric_proba(model.predict_proba, model.labels, pairs)
    return model.predict_proba(pairs)


def direction_symmetric_proba(
    predict_proba: Callable[[Sequence[tuple[str, str]]], np.ndarray],
    labels: Sequence[str],
    pairs: Sequence[tuple[str, str]],
) -> np.ndarray:
    """The model's probabilities for ``pairs``, averaged, for every claim with a direction word, with
    those of its reversed claim read the other way (SUPPORTED and REFUTED swapped). One model call."""
    reversed_claims = [reverse_direction(claim) for claim, _ in pairs]
    extra = [(r, evidence) for r, (_, evidence) in zip(reversed_claims, pairs, strict=True) if r is not None]
    probs = predict_proba([*pairs, *extra])
    out, flipped = probs[: len(pairs)].copy(), probs[len(pairs) :]
    swap = [labels.index({"SUPPORTED": "REFUTED", "REFUTED": "SUPPORTED"}.get(label, label)) for label in labels]
    rows = [i for i, r in enumerate(reversed_claims) if r is not None]
    if rows:
        out[rows] = (out[rows] + flipped[:, swap]) / 2.0
    return out
