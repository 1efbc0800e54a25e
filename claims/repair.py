"""Mending a mistake of the small parser before any rule reads the tree.

"The plant, which is owned by Corrigan Packaging, opened in 2019": the parser hangs "opened" on the
aside's last noun ("Packaging, opened in 2019") and leaves the sentence without a verb, so a rule
would say that Corrigan Packaging was opened. The verb after the aside's closing comma is the
predicate of the sentence's subject.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.context import subject_of
from claims.inflect import past

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_SUBJECT_OR_AUX = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "expl"})


def mend(sent: Span) -> None:
    """Reattach a predicate the parser hung inside a non-restrictive clause of the subject."""
    root = sent.root
    if root.pos_ not in ("NOUN", "PROPN") or noun_predicate(root) is not None:
        return
    words = [t for t in sent if not t.is_punct and not t.is_space]
    if not words:
        return
    doc = sent.doc
    for aside in root.children:
        opened = aside.left_edge.i - 1
        if aside.dep_ != "relcl" or aside.i < root.i or opened < sent.start or doc[opened].text != ",":
            continue
        for verb in aside.subtree:
            if verb.i == aside.i or verb.dep_ != "acl" or doc[verb.i - 1].text != ",":
                continue
            finite = verb.tag_ in ("VBD", "VBZ", "VBP") or (verb.tag_ == "VBN" and verb.lower_ == past(verb.lemma_))
            if not finite or any(c.dep_ in _SUBJECT_OR_AUX for c in verb.children):
                continue
            if verb.right_edge.i != words[-1].i:
                continue  # the verb's clause must close the sentence, as the main predicate does
            verb.head = root
            if verb.tag_ == "VBN":
                verb.tag_ = "VBD"
            return


def noun_predicate(root: Token) -> Token | None:
    """ "Finland, which ..., applied for membership": the parser made the name the root and the real
    predicate a clause hanging on it (a finite verb after the name with no subject of its own)."""
    if root.pos_ not in ("NOUN", "PROPN"):
        return None
    return next(
        (
            c
            for c in root.children
            if c.dep_ in ("acl", "relcl") and c.i > root.i and c.tag_ in ("VBD", "VBZ", "VBP") and subject_of(c) is None
        ),
        None,
    )
