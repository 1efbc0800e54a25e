"""Whether a stated claim is a fact, a prediction or an opinion.

A prediction says what will or may happen ("the talks will probably resume", "contact could be done
through the embassy", "the mission is likely to close"); an opinion weighs or judges ("the dispute
marks the latest deterioration in ties", "NATO should respond"). Neither can be settled by a corpus
of what has happened, so reports label them and the checker leaves them alone unless asked.

The rules read the claim's own words in the parse: a modal or a hedge on a verb for predictions; a
verb of judgement ("should", "must"), or a verb that interprets ("marks", "signals") or a copula with
an evaluative word for opinions. They prefer missing an opinion to calling a fact one: a claim
wrongly labelled is never checked at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from claims.lexicon import (
    FUTURE_MODALS,
    HEDGE_ADVERBS,
    HEDGE_PREDICATES,
    INTERPRETING,
    JUDGING_WORDS,
    NORMATIVE_MODALS,
)
from claims.types import ClaimKind

if TYPE_CHECKING:
    from spacy.tokens import Token


def claim_kind(tokens: Sequence[Token], kind: ClaimKind = ClaimKind.FACT, *, reported: bool = False) -> ClaimKind:
    """The kind of a claim made of ``tokens`` (the parse's tokens it was built from).

    Only a ``FACT`` can turn out to be a prediction or an opinion; attributions and quotes are facts
    about what someone said and keep their kind. ``reported`` says the claim was taken out of
    reported speech, where "would" is the speaker's future, not the article's guess.
    """
    if kind is not ClaimKind.FACT:
        return kind
    own = {t.i for t in tokens}
    for token in tokens:
        lower = token.lower_
        if token.tag_ == "MD" and token.head.i in own:
            if lower in NORMATIVE_MODALS:
                return ClaimKind.OPINION
            if lower in FUTURE_MODALS or (lower == "would" and not reported):
                return ClaimKind.PREDICTION
        if lower in HEDGE_ADVERBS and token.dep_ == "advmod":
            return ClaimKind.PREDICTION
        if lower in HEDGE_PREDICATES and token.dep_ in ("acomp", "ROOT", "xcomp") and _before_to(token):
            return ClaimKind.PREDICTION
    for token in tokens:
        if token.pos_ == "VERB" and token.lemma_.lower() in INTERPRETING and _judges(token, own):
            return ClaimKind.OPINION
        if token.lemma_.lower() == "be" and token.dep_ == "ROOT" and _judges(token, own):
            return ClaimKind.OPINION
    return ClaimKind.FACT


def _before_to(token: Token) -> bool:
    """ "likely to", "expected to": the hedge governs an infinitive."""
    return any(child.tag_ == "VB" or child.lower_ == "to" for child in token.children) or (
        token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"
    )


def _judges(verb: Token, own: set[int]) -> bool:
    """Whether what the verb says of its subject is an evaluative word (object or complement, with
    the words that narrow it)."""
    for child in verb.children:
        if child.dep_ in ("dobj", "attr", "acomp", "oprd") and child.i in own:
            phrase = [t for t in child.subtree if t.i in own]
            if any(t.lemma_.lower() in JUDGING_WORDS or t.lower_ in JUDGING_WORDS for t in phrase):
                return True
    return False
