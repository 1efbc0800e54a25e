"""Words made with a hyphenated prefix stay one token: "re-elected", "co-founded", "ex-minister".

spaCy's English tokenizer splits every hyphen between letters, and the small pipeline then parses "was re -
elected" as a verb "re" with "elected" hanging off it: "The senator was re-elected in 2018." gave no claim at
all, and "Macron was re-elected" gave a second, false one ("Macron was elected in April 2022"). Kept whole, the
word is tagged as the participle it is. Other hyphens ("well-known", "1,340-kilometre") split as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from claims.lexicon import words

if TYPE_CHECKING:
    from spacy.language import Language

PREFIXES = words(
    "re co pre non anti ex self post mid multi semi sub inter over under counter cross de dis mis out un vice"
)


def keep_prefix_hyphens(nlp: Language) -> None:
    """Make ``nlp``'s tokenizer leave a hyphen alone when all before it in the chunk is a prefix."""
    split: Callable[[str], Any] = nlp.tokenizer.infix_finditer

    def infixes(text: str) -> list[Any]:
        return [m for m in split(text) if not (m.group() == "-" and text[: m.start()].lower() in PREFIXES)]

    nlp.tokenizer.infix_finditer = infixes
