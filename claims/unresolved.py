"""What a claim leaves to its article: a pronoun, a bare "the company", a "last year" it could not anchor.

A reference is resolved only when the article makes it certain (``claims.context``); otherwise the claim keeps
the article's words, and ``needs_context`` lists them, so that a report can say which claims a reader must
read in place and a checker knows why evidence may be hard to find.
"""

from __future__ import annotations

import re

from claims.lexicon import BARE_DESCRIPTIONS, POINTING_PRONOUNS, RELATIVE_TIMES

_PRONOUN = re.compile(r"\b(" + "|".join(sorted(POINTING_PRONOUNS)) + r")\b", re.IGNORECASE)
# "the company", "The council's": a bare description, not "the company Velmo" nor "the Harrow council"
_BARE = re.compile(
    r"\b(the (?:" + "|".join(sorted(BARE_DESCRIPTIONS)) + r"))(?:'s)?\b(?-i:(?! of [A-Z]| [A-Z]))", re.IGNORECASE
)
_TIME = re.compile(r"\b(" + "|".join(RELATIVE_TIMES) + r")\b", re.IGNORECASE)
# "it is likely that", "it was unclear whether": an "it" that stands for nothing
_DUMMY_IT = re.compile(
    r"\bit (?:is|was|would be|will be|has been|had been) \w+ (?:that|whether|to|if)\b", re.IGNORECASE
)


def needs_context(text: str, speaker: str = "") -> tuple[str, ...]:
    """The words of ``text`` whose referent or date only the article gives, in order, each once (lower case)."""
    searchable = _DUMMY_IT.sub(" ", text)
    found: list[tuple[int, str]] = []
    for pattern in (_PRONOUN, _BARE, _TIME):
        found += [(m.start(), m.group(1).lower()) for m in pattern.finditer(searchable)]
    if speaker and _PRONOUN.fullmatch(speaker):
        found.append((-1, speaker.lower()))  # "it said": who spoke is a pronoun too
    seen: dict[str, None] = {}
    for _, word in sorted(found):
        seen.setdefault(word, None)
    return tuple(seen)
