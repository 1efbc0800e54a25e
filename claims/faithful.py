"""The last check on every claim: each of its words is the article's.

A claim is built from its sentence's words, the names its references resolve to, and the few words the rules
write themselves ("is", "was born in", a verb put in the clause's tense). A word from anywhere else means a rule
went wrong, and the claim would say something the article did not: such a draft is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from claims.inflect import past, present
from claims.lexicon import JOINING_WORDS, RULE_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Span

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words_of(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def vocabulary(sentence: Span, names: Iterable[str]) -> set[str]:
    """The words a claim of ``sentence`` may use: its own, the names its references took, and the forms the
    rules inflect its verbs into."""
    allowed = words_of(sentence.text) | set(RULE_WORDS)
    for name in names:
        allowed |= words_of(name)
    for token in sentence:
        if token.pos_ in ("VERB", "AUX"):
            lemma = token.lemma_.lower()
            allowed |= {lemma, past(lemma), present(lemma, True), present(lemma, False)}
    return allowed


def foreign_words(claim: str, allowed: set[str]) -> list[str]:
    """Words of ``claim`` that are neither in ``allowed`` nor a form of one (empty for a faithful claim)."""
    return [w for w in _WORD.findall(claim) if w.lower() not in allowed]


def content_words(text: str) -> frozenset[str]:
    """The words of ``text`` that carry its meaning: lower case, without the rules' own function words."""
    return frozenset(words_of(text) - RULE_WORDS - JOINING_WORDS)
