"""Words made with a hyphenated prefix stay one token: "re-elected", "co-founded", "ex-minister".

spaCy's English tokenizer splits every hyphen between letters, and the small pipeline then parses "was re -
elected" as a verb "re" with "elected" hanging off it: "The senator was re-elected in 2018." gave no claim at
all, and "Macron was re-elected" gave a second, false one ("Macron was elected in April 2022"). Kept whole, the
word is tagged as the participle it is. Other hyphens ("well-known", "1,340-kilometre") split as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claims.lexicon import PREFIXES


def prefix_infixes(split: Callable[[str], Any]) -> Callable[[str], list[Any]]:
    """An infix finder like ``split`` that leaves a hyphen alone when all before it in the chunk is a prefix."""

    def infixes(text: str) -> list[Any]:
        return [m for m in split(text) if not (m.group() == "-" and text[: m.start()].lower() in PREFIXES)]

    return infixes
