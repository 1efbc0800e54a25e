"""Mending mistakes of the small parser before any rule reads the tree.

"The plant, which is owned by Corrigan Packaging, opened in 2019": the parser hangs "opened" on the
aside's last noun ("Packaging, opened in 2019") and leaves the sentence without a verb, so a rule
would say that Corrigan Packaging was opened. The verb after the aside's closing comma is the
predicate of the sentence's subject.

"pointing out that several complaints posted on the database dated back to 2022": the parser makes
"complaints" the whole that-clause and "dated" a participle of "database", so a rule would say the
database was dated back to 2022. The last past-tense verb that closes the clause is its predicate.

"had hired a firm to investigate and had informed the authority": the parser coordinates "informed" with
the infinitive; its own "had" says it goes with "hired".

'The exhibition, "Agnes Thornbury: The Light Returned," brings together ...': the parser reads the quoted
title as a clause of its own ("The Light Returned") and the sentence loses its predicate's subject. A quoted
span in title case after a noun and a comma is one name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claims.context import subject_of
from claims.inflect import past

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_SUBJECT_OR_AUX = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "expl"})
_QUOTE_MARKS = frozenset({'"', "“", "”"})
# Words a title leaves in lower case ("The Light of the North", "Songs for a Winter").
_TITLE_SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)
_TITLE_MOST_WORDS = 12


def mend(sent: Span) -> None:
    """Reattach predicates the parser hung on a noun inside their own clause."""
    _predicate_after_aside(sent)
    _quoted_titles(sent)
    for token in sent:
        if token.dep_ == "ccomp" and token.pos_ in ("NOUN", "PROPN"):
            _verbless_that_clause(token)
        elif token.dep_ == "conj" and token.pos_ == "VERB":
            _finite_verb_under_infinitive(token)


def _finite_verb_under_infinitive(verb: Token) -> None:
    """ "had hired a firm to investigate and had informed the authority": a verb with its own finite auxiliary
    is coordinated with the finite verb above the infinitive, not with the infinitive."""
    infinitive = verb.head
    finite_aux = any(c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in verb.children)
    to = any(c.dep_ == "aux" and c.lower_ == "to" for c in infinitive.children)
    if finite_aux and to and infinitive.dep_ == "xcomp" and infinitive.head.pos_ in ("VERB", "AUX"):
        verb.head = infinitive.head
        for cc in [c for c in infinitive.children if c.dep_ == "cc" and c.i < verb.i]:
            cc.head = infinitive.head


def _verbless_that_clause(noun: Token) -> None:
    mark = next((c for c in noun.children if c.dep_ == "mark" and c.lower_ == "that"), None)
    if mark is None:
        return
    last = noun.right_edge
    while last.is_punct and last.i > noun.i:
        last = last.doc[last.i - 1]
    verb = next(
        (
            t
            for t in reversed(list(noun.subtree))
            if t.dep_ == "acl"
            and t.tag_ in ("VBD", "VBN")
            and t.lower_ == past(t.lemma_)
            and t.right_edge.i == last.i
            and t.head.i != noun.i
            and t.doc[t.i - 1].pos_ in ("NOUN", "PROPN", "NUM")
            and not any(c.dep_ in _SUBJECT_OR_AUX for c in t.children)
        ),
        None,
    )
    if verb is None:
        return
    verb.head = noun.head
    verb.dep_ = "ccomp"
    verb.tag_ = "VBD"
    noun.head = verb
    noun.dep_ = "nsubj"
    mark.head = verb


def _predicate_after_aside(sent: Span) -> None:
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

    def finite(c: Token) -> bool:
        # "Thornbury, who ..., studied in London and spent four years in Paris": a "participle" coordinated with a
        # past tense is that tense too
        past_pair = c.tag_ == "VBN" and any(d.dep_ == "conj" and d.tag_ == "VBD" for d in c.children)
        helped = any(d.dep_ in ("aux", "auxpass") for d in c.children)
        return c.tag_ in ("VBD", "VBZ", "VBP") or (past_pair and not helped)

    clauses = [c for c in root.children if c.dep_ in ("acl", "relcl") and c.i > root.i]
    return next((c for c in clauses if finite(c) and subject_of(c) is None), None)


def _quoted_titles(sent: Span) -> None:
    """Make a quoted title after "<noun>," one subtree, hung on the noun as its apposition."""
    doc = sent.doc
    opened: int | None = None
    for token in sent:
        if token.text not in _QUOTE_MARKS:
            continue
        if opened is None:
            opened = token.i
            continue
        start, end, opened = opened + 1, token.i, None
        if start - 3 < sent.start or doc[start - 2].text != "," or doc[start - 3].pos_ not in ("NOUN", "PROPN"):
            continue
        inside = [t for t in doc[start:end] if not (t.is_punct and t.i == end - 1)]
        words = [t for t in inside if t.is_alpha]
        if not 2 <= len(words) <= _TITLE_MOST_WORDS or not words[0].is_title:
            continue
        if any(not w.is_title and w.lower_ not in _TITLE_SMALL_WORDS for w in words):
            continue  # a quoted remark, not a title
        if any(t.text in (".", "!", "?") for t in inside):
            continue
        span = {t.i for t in doc[start:end]}
        loose = [t for t in doc[start:end] if t.head.i not in span]
        if len(loose) < 2:
            continue  # already one name
        noun = doc[start - 3]
        title = next((t for t in loose if t.dep_ == "appos" and t.head.i == noun.i), None)
        if title is None:
            continue
        moves = {}
        for t in sent:
            if t.i in span or t.head.i not in span:
                continue
            # "The exhibition" read as the subject of "Returned": it goes to what "Returned" hung on
            above = t.head
            while above.i in span and above.head.i != above.i:
                above = above.head
            moves[t] = above
        if any(above.i in span or above.i == t.i for t, above in moves.items()):
            continue  # the title holds the sentence's root: no reading to mend it into
        for t, above in moves.items():
            t.head = above
        # "flat": a part of the one name, which no rule reads as a clause, an aside or a list
        for t in loose:
            if t.i != title.i:
                t.head, t.dep_ = title, "flat"
        for t in doc[start : end + 1]:
            if t.pos_ in ("VERB", "AUX"):
                t.pos_, t.tag_ = "PROPN", "NNP"  # a word of the title, not a predicate
            if t.i > title.i and t.is_punct:
                closing = t.i == end or (t.i == end - 1 and t.text == ",")
                # the colon inside is part of the name; the comma and the quotation mark that close it are not
                t.head, t.dep_ = title, "punct" if closing else "flat"
