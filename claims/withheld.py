"""Clauses that report a source withholding comment ("declined to comment", "gave no further details")
or that nobody knows something yet ("it was unclear whether the talks would resume").

They describe the reporting, not the world: a corpus never settles them, and a verifier reads their
negation as a contradiction of whatever the source did say (the seed article's "Stoltenberg gave no
more details over the move" came out REFUTED). Such a clause yields no claim; the clauses joined to it
still do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.lexicon import (
    ASKED_WHEN_NEGATED,
    KNOWN,
    MORE,
    NOBODY,
    OFFERS,
    QUESTION_WORDS,
    REFUSALS,
    SILENT_WHEN_NEGATED,
    UNKNOWN,
    WITHHELD_ACTS,
    WITHHELD_THINGS,
)

if TYPE_CHECKING:
    from spacy.tokens import Token


def negated(verb: Token) -> bool:
    return any(child.dep_ == "neg" or child.lower_ == "never" for child in verb.children)


def open_question(clause: Token) -> bool:
    """``clause`` is an indirect question: "how many jobs would be cut", "whether talks resume"."""
    first = min(clause.subtree, key=lambda token: token.i)
    return first.lower_ in QUESTION_WORDS or any(
        child.dep_ == "mark" and child.lower_ in ("whether", "if") for child in clause.children
    )


def withholds_comment(verb: Token) -> bool:
    """The clause headed by ``verb`` says only that its subject did not comment or give details."""
    lemma = verb.lemma_.lower()
    if lemma in REFUSALS:
        return any(c.dep_ == "xcomp" and c.lemma_.lower() in WITHHELD_ACTS for c in verb.children)
    is_negated = negated(verb)
    if is_negated and lemma in SILENT_WHEN_NEGATED:
        return True
    if is_negated and lemma in ASKED_WHEN_NEGATED:
        complements = [c for c in verb.children if c.dep_ in ("ccomp", "dobj")]
        return not complements or all(c.dep_ == "ccomp" and open_question(c) for c in complements)
    if lemma == "reach" and is_negated and any(c.dep_ == "auxpass" for c in verb.children):
        return True  # "could not be reached for comment"
    if lemma in OFFERS:
        for obj in (c for c in verb.children if c.dep_ == "dobj"):
            none_given = is_negated or any(c.lower_ == "no" for c in obj.children)
            thing = obj.lemma_.lower()
            more = any(c.lower_ in MORE for c in obj.children)
            if none_given and (thing in WITHHELD_THINGS or (thing == "information" and more)):
                return True
    return False


def leaves_open(verb: Token) -> bool:
    """The clause headed by ``verb`` only says that an open question is not settled yet."""
    lemma = verb.lemma_.lower()
    if lemma == "remain":  # "it remains to be seen whether the ceasefire will hold"
        return any(c.dep_ == "xcomp" and c.lemma_.lower() == "see" for c in verb.children)
    if not any(c.dep_ in ("ccomp", "advcl", "csubj") and open_question(c) for c in verb.children):
        return False
    if lemma == "be":
        for adjective in (c for c in verb.children if c.dep_ == "acomp"):
            word = adjective.lemma_.lower()
            if word in UNKNOWN or (word in KNOWN and negated(verb)):
                return True
        return False
    if lemma == "know":
        subject_nobody = any(c.dep_ == "nsubj" and c.lower_ in NOBODY for c in verb.children)
        no_one = any(
            c.dep_ == "nsubj" and c.lower_ == "one" and any(d.lower_ == "no" for d in c.children) for c in verb.children
        )
        return negated(verb) or subject_nobody or no_one
    return False
