"""Atomic claims from one parsed sentence, by rules over spaCy's dependency parse.

A sentence is taken apart along the joints the parse shows:

- coordinated clauses ("NATO suspended A but has kept B") become one claim each, the
  second borrowing the subject (and auxiliaries) of the first;
- finite temporal or causal subordinate clauses ("after the alliance expelled eight") and
  participle clauses ("describing them as ...") become claims of their own;
- relative clauses, participle modifiers, appositions and dash or bracket insertions are cut
  out of the clause and restated about the noun they describe ("the mission was established
  in 2002");
- coordinated objects ("the liaison mission and information office in Moscow") give one claim
  per conjunct, a place or date attached to the last conjunct being shared by all;
- reported speech gives the attributed claim ("Lavrov said that ...") plus the embedded
  facts, marked with the speaker; a sentence that is mostly a direct quotation stays whole.

Clauses and reported speech are handled here; the modifier rules live in ``claims.modifiers`` and
the coordinated objects in ``claims.coordination``, both mixed into the one decomposer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from claims.context import SUBJECTS, dateline, ents_in, noun_phrase, subject_of, titled_name
from claims.coordination import CoordinationRules
from claims.drafts import Draft, Lead
from claims.inflect import copula, is_irregular_past, past, present
from claims.lexicon import (
    BARE_AUXILIARIES,
    DANGLING,
    DISCOURSE,
    FINITE_WORDS,
    INFERENCE,
    JOINERS,
    NOT_A_REFERENT,
    NOT_PARTICIPLES,
    READINGS,
    REPORTING,
    SPEECH,
    SPLIT_MARKS,
    TITLE_WORDS,
)
from claims.modifiers import ModifierRules
from claims.render import BRACKETS, Replacement, cut, mid_sentence_word, render, without_brackets
from claims.repair import noun_predicate
from claims.types import ClaimKind
from claims.withheld import leaves_open, negated, open_question, withholds_comment

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

QUOTE_SHARE = 0.5
# A main clause left with fewer words than this keeps its subordinate clauses.
MIN_MAIN_WORDS = 5


_Pending = tuple["Token", Lead, "dict[int, Replacement] | None"]


_subject = subject_of
_QUOTE_MARKS = frozenset({'"', "“", "”"})


def _is_past(verb: Token) -> bool:
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if auxiliaries:
        # "has had" is present perfect even when the tagger calls "had" VBD
        return any(a.tag_ == "VBD" for a in auxiliaries)
    return verb.tag_ == "VBD"


def _markers(clause: Token) -> list[Token]:
    """Subordinators of a clause: "that", "after", and "when" or a stray "that" parsed as adverbs."""
    left = min(t.i for t in clause.subtree)
    found = [
        c
        for c in clause.children
        if c.dep_ == "mark"
        or (c.dep_ == "advmod" and c.tag_ in ("WRB", "WDT") and c.i == left and clause.dep_ in ("advcl", "ccomp"))
    ]
    first = clause.doc[left]
    if first.lower_ == "that" and first.tag_ == "IN" and first.dep_ == "det" and clause.dep_ in ("conj", "ccomp"):
        found.append(first)  # "said that A but that further claims could ...": the second "that" read as "that claim"
    return found


_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _has_finite_verb(doc: Doc, pieces: Sequence[int | str], reps: dict[int, Replacement]) -> bool:
    """A finite verb among the claim's tokens, or one the rules wrote ("is", "called" for "calling")."""
    for piece in pieces:
        rep = reps.get(piece) if isinstance(piece, int) else None
        if isinstance(piece, str) or (rep is not None and doc[piece].pos_ in ("VERB", "AUX")):
            written = piece if isinstance(piece, str) else rep.text  # type: ignore[union-attr]
            words = [w.lower() for w in written.split()]
            if any(w in FINITE_WORDS or w.endswith(("ed", "s")) or is_irregular_past(w) for w in words):
                return True
        elif doc[piece].tag_ in _FINITE_TAGS:
            return True
        elif doc[piece].tag_ == "VBN" and any(c.dep_ == "nsubj" for c in doc[piece].children):
            return True  # "Talks between them stalled": a past tense the small tagger calls a participle
    return False


def _a_reading(subject: Token) -> bool:
    """ "the results", "the data", "the figures": a thing that can suggest but says nothing, unlike a person,
    an organisation or a document that states ("a review by the council suggested")."""
    return subject.pos_ == "NOUN" and subject.lemma_.lower() in READINGS


def _marker(clause: Token) -> str:
    markers = _markers(clause)
    return markers[0].lower_ if markers else ""


class _Decomposer(ModifierRules, CoordinationRules):
    def __init__(self, sent: Span, quoted: Sequence[bool], reps: dict[int, Replacement]) -> None:
        self.sent = sent
        self.doc = sent.doc
        self.quoted = {t.i for t, q in zip(sent, quoted, strict=True) if q}
        self.reps = reps
        self.inside = set(range(sent.start, sent.end)) - dateline(sent)
        self.drafts: list[Draft] = []
        self.shared: dict[int, set[int]] = {}
        self.seen_roots: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------------
    def subtree(self, token: Token) -> set[int]:
        return {t.i for t in token.subtree if t.i in self.inside}

    def emit(
        self,
        pieces: Iterable[int | str],
        kind: ClaimKind,
        attributed_to: str,
        local: dict[int, Replacement] | None = None,
    ) -> None:
        pieces = list(pieces)
        stray = self._stray_conjuncts({p for p in pieces if isinstance(p, int)})
        pieces = [p for p in pieces if p not in stray]
        reps = self.reps if not local else {**self.reps, **local}
        text = render(self.doc, pieces, reps)
        words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
        if len(words) < 3 or any(ch in text for ch in "|={}<>[]"):
            return  # too short to check, or wiki and HTML markup that slipped through
        used = {p for p in pieces if isinstance(p, int)}
        if not used:
            return
        if words[-1].strip(".!?\"”’'").lower() in DANGLING and kind is not ClaimKind.QUOTE and self._lost_object(used):
            return  # "The treaty forms the legal basis of.": what it governed was cut away
        if kind is not ClaimKind.QUOTE and not _has_finite_verb(self.doc, pieces, reps):
            return  # "The first film praising the performances.": a fragment states nothing checkable
        if words[-1].strip(".!?").lower() in BARE_AUXILIARIES:
            return  # "The Supreme Court did.": an ellipsis says nothing without the clause it echoes
        if any(self._orphan_relative(i, used, reps) for i in used):
            return  # "He for which he was nominated": the relative pronoun lost the noun it stands for
        for piece in list(used):
            rep = reps.get(piece)
            if rep is not None:
                used.update(rep.source)
        tokens = tuple(sorted(used))
        self.drafts.append(Draft(text, tokens, kind, attributed_to))

    def _orphan_relative(self, i: int, used: set[int], reps: dict[int, Replacement]) -> bool:
        token = self.doc[i]
        if token.tag_ not in ("WDT", "WP", "WP$") or i in reps:
            return False
        if token.dep_ == "pobj" and token.lower_ in ("which", "whom") and token.head.i - 1 not in used:
            return True  # "for which he was nominated" with nothing before it that it could stand for
        # the clause this pronoun opens: its verb, or the verb of its preposition ("for which he was nominated")
        clause = token.head.head if token.head.dep_ == "prep" else token.head
        while clause.dep_ == "conj" and clause.head.i != clause.i:
            clause = clause.head  # "a decision that will cost jobs and which leaders described as ...": the second
        if clause.dep_ != "relcl":
            return False
        return clause.head.i not in used and clause.head.i not in reps

    def np_tokens(self, head: Token) -> list[int]:
        """``head``'s noun phrase: no clauses, appositions, coordinated nouns, edge punctuation."""
        keep = self.subtree(head)
        for child in head.children:
            infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children)
            clause = child.dep_ == "acl" and not infinitive
            aside = (
                child.dep_ == "appos"
                and min(t.i for t in child.subtree) - 1 >= 0
                and (self.doc[min(t.i for t in child.subtree) - 1].text in BRACKETS)
            )
            if child.dep_ in ("relcl", "conj", "cc", "parataxis") or clause or aside:
                keep -= self.subtree(child)
            elif child.dep_ == "punct" and child.i > head.i:
                keep.discard(child.i)
        keep |= self.shared.get(head.i, set())
        ordered = sorted(keep)
        while ordered and self.doc[ordered[0]].is_punct:
            ordered.pop(0)
        while ordered and self.doc[ordered[-1]].is_punct:
            ordered.pop()
        return ordered

    def definite(self, phrase: Sequence[int]) -> dict[int, Replacement]:
        """Restating "a council meant to ..." as a claim about it: "The council is meant to ..."."""
        if phrase and self.doc[phrase[0]].lower_ in ("a", "an") and self.doc[phrase[0]].dep_ == "det":
            return {phrase[0]: Replacement(phrase[0], phrase[0] + 1, "the")}
        return {}

    def speaker(self, verb: Token, lead: Lead) -> str:
        return without_brackets(self._speaker(verb, lead))

    def _speaker(self, verb: Token, lead: Lead) -> str:
        subject = _subject(verb) or lead.subject
        if subject is None or any(c.dep_ == "det" and c.lower_ in NOT_A_REFERENT for c in subject.children):
            return ""  # "Neither bank would say ...": nobody said it
        rep = self.reps.get(subject.i)
        if rep is not None:
            return rep.text
        titled = titled_name(subject)
        if titled is not None:
            return " ".join(self.doc[i].text for i in titled[1])
        for ent in ents_in(self.sent):
            # the name that is the subject, not one inside its aside ("Velmora Foods, the maker of Crispin crisps")
            aside = ent.root.dep_ == "appos" and ent.root.i in self.subtree(subject)
            named = ent.start <= subject.i < ent.end or aside
            if ent.label_ == "PERSON" and named:  # "a spokeswoman, Ingrid Solheim," names her
                return ent.text
        return noun_phrase(subject, self.sent, self.reps)

    # -- the whole sentence ------------------------------------------------------------------------
    def run(self) -> list[Draft]:
        words = [t for t in self.sent if not t.is_punct and not t.is_space]
        self.titles()
        if words and (sum(t.i in self.quoted for t in words) / len(words) > QUOTE_SHARE or self.direct_speech()):
            self.quote()
            return self.drafts
        roots = [t for t in self.sent if t.dep_ == "ROOT" or t.head.i not in self.inside]
        for root in roots:
            verb = noun_predicate(root)
            if verb is None:
                self.clause(root, Lead(), "")
                continue
            rest = self.subtree(root) - self.subtree(verb)
            self.modifiers(rest, _is_past(verb), root.i)
            # a past tense the tagger called a participle is written as it stands, and counts as finite
            local = {verb.i: Replacement(verb.i, verb.i + 1, verb.text)} if verb.tag_ == "VBN" else None
            self.clause(verb, Lead(tuple(self.np_tokens(root)), root), "", local)
        return self.drafts

    def direct_speech(self) -> bool:
        """ "..." said X: a speech verb whose clausal complement is mostly inside quotation marks."""
        for verb in self.sent:
            if verb.lemma_ not in SPEECH or verb.i in self.quoted:
                continue
            for comp in verb.children:
                if comp.dep_ == "ccomp":
                    words = [i for i in self.subtree(comp) if not self.doc[i].is_punct]
                    if words and sum(i in self.quoted for i in words) > QUOTE_SHARE * len(words):
                        return True
        return False

    def quote(self) -> None:
        speaker = ""
        for token in self.sent:
            if token.i not in self.quoted and token.lemma_ in SPEECH and _subject(token) is not None:
                speaker = self.speaker(token, Lead())
                break
        for part in self.quoted_sentences():
            self.emit(part, ClaimKind.QUOTE, speaker)
        # "..., said Natalie Batalha, an astronomer at ...": the speaker's description is a fact
        for token in self.sent:
            if token.dep_ == "appos" and token.i not in self.quoted and token.head.i not in self.quoted:
                self.apposition(token, set(self.subtree(token.head)))

    def quoted_sentences(self) -> list[list[int | str]]:
        """ "It's one goal. The fans are right to expect more," he said: one quote claim per sentence said, each
        in its own quotation marks, so that a claim is one sentence."""
        parts: list[list[int]] = [[]]
        for token in self.sent:
            if token.is_sent_start and parts[-1] and token.i != self.sent.start:
                parts.append([])
            if not token.is_space:
                parts[-1].append(token.i)
        pieces: list[list[int | str]] = []
        for part in [p for p in parts if p]:
            marks = sum(self.doc[i].text in _QUOTE_MARKS for i in part)
            inside = all(i in self.quoted for i in part if not self.doc[i].is_punct)
            if marks == 0 and inside and len(parts) > 1:
                pieces.append(['"', *part, '"'])  # a sentence in the middle of the quotation (marks of either style)
            elif marks % 2 == 0 or len(parts) == 1:
                pieces.append(list(part))
            elif self.doc[part[0]].text in _QUOTE_MARKS:
                pieces.append([*part, "”" if self.doc[part[0]].text == "“" else '"'])  # it goes on after this sentence
            else:
                closing = next(self.doc[i].text for i in part if self.doc[i].text in _QUOTE_MARKS)
                pieces.append(["“" if closing == "”" else '"', *part])  # it began in the sentence before
        return pieces

    def titles(self) -> None:
        """ "NATO Secretary General Jens Stoltenberg" also says who holds which office."""
        for token in self.sent:
            titled = titled_name(token)
            if titled is None or token.i in self.quoted:
                continue
            title, name = titled
            if all(self.doc[t].lower_ in TITLE_WORDS for t in title):
                continue  # "Mayor Bridget Callan": "Bridget Callan is the Mayor" never says of what
            possessed = any(self.doc[t].dep_ == "case" for t in title)
            self.emit([*name, "is" if possessed else "is the", *title], ClaimKind.FACT, "")

    # -- one clause --------------------------------------------------------------------------------
    def clause(
        self, verb: Token, lead: Lead | None, attributed_to: str, local: dict[int, Replacement] | None = None
    ) -> None:
        outer = self.speaking
        self.speaking = attributed_to
        try:
            self._clause(verb, lead, attributed_to, local)
        finally:
            self.speaking = outer

    def _clause(
        self, verb: Token, lead: Lead | None, attributed_to: str, local: dict[int, Replacement] | None = None
    ) -> None:
        if verb.i in self.seen_roots:
            return
        self.seen_roots.add(verb.i)
        lead = lead or Lead()
        subject = _subject(verb)
        prefix: list[int | str] = [] if subject is not None else list(lead.pieces)
        selected = self.subtree(verb)
        for other in (c for c in verb.children if c.dep_ in SUBJECTS and subject is not None and c != subject):
            set_off = any(self.doc[i].text == "," for i in range(other.right_edge.i + 1, subject.left_edge.i))
            if other.pos_ == "NOUN" and subject.pos_ == "PROPN" and other.i < subject.i and set_off:
                # "The planet, WASP-39b, orbits": two subjects where one was an apposition
                cut(selected, self.subtree(other), self.doc)
                for i in range(max(self.subtree(subject)) + 1, verb.i):
                    if self.doc[i].text == ",":
                        selected.discard(i)
        markers = _markers(verb)
        for marker in markers:
            selected.discard(marker.i)
        for child in verb.children if markers and verb.dep_ == "advcl" else ():
            if child.i < markers[0].i and child.dep_ in ("npadvmod", "advmod"):
                # "comes three weeks after Rovers sold ...": how long after belongs to the main clause
                cut(selected, self.subtree(child), self.doc)
        pending = self.coordinated_clauses(verb, subject, lead, selected)
        tag = self.reporting_tag(verb, selected)
        if tag is not None and not attributed_to:
            # "X remembered more, the researchers found, while Y barely changed": the tag reports the whole
            # sentence; what hangs on it ("while ...") is part of the report
            cut(selected, self.subtree(tag), self.doc)
            attributed_to = self.speaker(tag, Lead())
            for adv in tag.children:
                if adv.dep_ == "advcl" and _subject(adv) is not None:
                    pending.append((adv, Lead(), None))
        ccomps = [c for c in verb.children if c.dep_ == "ccomp" and c.i in self.inside and _clausal(c)]
        # "declined to comment", "said it was unclear whether": nothing about the world is stated
        if (
            withholds_comment(verb)
            or leaves_open(verb)
            or (verb.lemma_ in SPEECH and ccomps and all(withholds_comment(c) or leaves_open(c) for c in ccomps))
        ):
            for clause, clause_lead, clause_local in pending:
                self.clause(clause, clause_lead, attributed_to, {**(local or {}), **(clause_local or {})})
            return
        for token in list(selected):
            word = self.doc[token]
            # "also", "however" on the clause go; "too" on an adjective ("too expensive") is meaning
            if word.lower_ in DISCOURSE and word.dep_ == "advmod" and word.head.pos_ in ("VERB", "AUX"):
                selected.discard(token)
                commas = [i for i in (token - 1, token + 1) if i in selected and self.doc[i].text == ","]
                if len(commas) == 2:  # "The plan, however, was rejected": its commas go with it
                    selected.difference_update(commas)

        if verb.lemma_ in INFERENCE and verb.tag_ == "VBG" and subject is None and ccomps:
            # "the yield rose, suggesting that traders ...": an inference, not a report; the rise is the claim
            for clause, clause_lead, clause_local in pending:
                self.clause(clause, clause_lead, attributed_to, {**(local or {}), **(clause_local or {})})
            return
        if verb.lemma_ in INFERENCE and ccomps and subject is not None and _a_reading(subject):
            # "Loy said the results suggested that the brain ...": a reading of the results, not their report;
            # the whole clause is the claim, said by whoever reports it
            self.emit([*prefix, *sorted(selected)], ClaimKind.ATTRIBUTED, attributed_to, local)
            for clause, clause_lead, clause_local in pending:
                self.clause(clause, clause_lead, attributed_to, {**(local or {}), **(clause_local or {})})
            return
        if verb.lemma_ in SPEECH and ccomps and (subject is not None or lead.subject is not None):
            speaker = self.speaker(verb, lead)
            complement = set().union(*(self.subtree(c) for c in ccomps)) & selected
            outside = selected - complement
            self.modifiers(outside, _is_past(verb), verb.i)
            embedded = [c for c in ccomps if self.checkable_report(verb, c)]
            if not embedded:
                # nothing in it stands alone as a fact, so the report of it is the claim
                self.emit([*prefix, *sorted(outside | complement)], ClaimKind.ATTRIBUTED, speaker, local)
            before = len(self.drafts)
            for comp in embedded:
                # each embedded fact once, with its speaker in ``attributed_to``: "Lavrov said that ..."
                # beside it would be a near-duplicate that can get the opposite verdict
                self.clause(comp, Lead(), speaker)
            if embedded and len(self.drafts) == before:
                self.emit([*prefix, *sorted(outside | complement)], ClaimKind.ATTRIBUTED, speaker, local)
            for clause, clause_lead, clause_local in pending:
                self.clause(clause, clause_lead, attributed_to, {**(local or {}), **(clause_local or {})})
            return

        pending += self.subordinate_clauses(verb, subject, lead, selected)
        groups = self.coordination(selected)
        self.modifiers(selected, _is_past(verb), verb.i)
        self.summary_appositions(verb, selected)
        self.brackets(selected)
        # a clause with no subject of its own or borrowed ("Joined as West Germany.") is no claim, nor
        # one whose complement is a bare modal ("Analysts expect it will.")
        elliptical = any(c.dep_ == "ccomp" and c.i in selected and _bare_modal(c) for c in verb.children)
        # "There are about 2,060 wild giant pandas": the expletive stands where the subject would
        existential = any(c.dep_ == "expl" and c.lower_ == "there" for c in verb.children)
        if (subject is not None or prefix or existential) and not elliptical:
            for variant in self.variants(selected, groups):
                self.emit([*prefix, *sorted(variant)], ClaimKind.FACT, attributed_to, local)
        for clause, clause_lead, clause_local in pending:
            self.clause(clause, clause_lead, attributed_to, {**(local or {}), **(clause_local or {})})

    def checkable_report(self, verb: Token, comp: Token) -> bool:
        """Whether what a source said in ``comp`` can be checked as a fact of its own."""
        words = [i for i in self.subtree(comp) if not self.doc[i].is_punct]
        quoted = sum(i in self.quoted for i in words) > QUOTE_SHARE * len(words)
        # "they argued that the money should be spent on roads": a view, not a fact to check
        modal = any(self.doc[i].lower_ in ("should", "must", "ought") for i in words)
        # An open question ("asked whether the talks would resume") asserts nothing, and
        # nobody asserted what a source "did not say"
        return not quoted and not modal and not open_question(comp) and not negated(verb)

    def summary_appositions(self, verb: Token, selected: set[int]) -> None:
        """Cut "..., a move that would cost billions" after a clausal complement: the parser hangs the
        summarising noun on the verb as its object, which left claims ending "at the latest, a move.".
        Its relative clause is a claim of its own already."""
        for child in verb.children:
            before = child.left_edge.i - 1
            if (
                child.dep_ == "npadvmod"
                and child.pos_ == "NOUN"
                and child.i > verb.i
                and before >= 0
                and self.doc[before].text == ","
                and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in child.children)
                and any(c.dep_ == "relcl" for c in child.children)
            ):
                # "... by the end of next year, a decision that will cost 1,150 jobs": the same summary, hung
                # on the verb as an adverbial noun
                cut(selected, [*self.subtree(child), before], self.doc)
        complements = [c for c in verb.children if c.dep_ == "ccomp"]
        if not complements:
            return
        end = max(t.i for c in complements for t in c.subtree)
        for child in verb.children:
            before = child.left_edge.i - 1
            if child.dep_ == "dobj" and child.i > end and before >= 0 and self.doc[before].text == ",":
                cut(selected, [*self.subtree(child), before], self.doc)

    def coordinated_clauses(self, verb: Token, subject: Token | None, lead: Lead, selected: set[int]) -> list[_Pending]:
        """Cut "and"/"but" clauses out of ``selected``; they come back as clauses of their own."""
        ccs = [c for c in verb.children if c.dep_ in ("cc", "preconj")]
        alternatives = any(c.lower_ in ("or", "nor") for c in ccs)
        conjs = [
            c
            for c in verb.children
            if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.i in self.inside and not alternatives
        ]
        # "founded in 1985 by director and screenwriter X": a bare infinitive coordinated with a participle or a
        # past tense is a noun the tagger took for a verb; split there, the first claim ends "by director"
        finite = verb.tag_ in ("VBN", "VBD", "VBZ")
        nouns = {c.left_edge.i for c in conjs if finite and c.tag_ == "VB" and not _has_aux(c)}
        conjs = [c for c in conjs if c.left_edge.i not in nouns]
        # "rise to 11th in the world rankings when ...": a verb joined with no "and" and no comma before it is a
        # noun the tagger misread, part of the clause before
        misread = [c for c in conjs if self.misread_noun(c)]
        nouns |= {c.left_edge.i for c in misread}
        conjs = [c for c in conjs if c not in misread]
        conjs += [c for c in verb.children if self.spliced(verb, c)]
        pending: list[_Pending] = []
        complements = ("dobj", "attr", "acomp", "ccomp", "xcomp", "prep", "dative", "oprd", "prt", "agent")
        passive = any(c.dep_ == "auxpass" for c in verb.children)  # "is owned by X and employs Y": owns no Y
        for conj in conjs:
            cut(selected, self.subtree(conj), self.doc)
            pending.append((conj, self.conj_lead(verb, conj, self.true_subject(verb, conj, subject), lead), None))
            obj = next((c for c in conj.children if c.dep_ == "dobj"), None)
            if (
                conj is conjs[0]
                and obj is not None
                and not passive
                and not any(c.dep_ in complements for c in verb.children)
            ):
                # "She directed and created many works for X": the first verb shares what follows the second
                for child in conj.children:
                    if child.i >= obj.i and child.dep_ in ("dobj", "prep", "advmod", "npadvmod"):
                        selected |= self.subtree(child)
        for cc in ccs:
            if cc.i + 1 in nouns:
                continue  # "the witch and antagonist fairy": the "and" of the nouns stays
            if cc.i in selected and (conjs or cc.i < verb.i):
                cut(selected, [cc.i], self.doc)
        return pending

    def _stray_conjuncts(self, used: set[int]) -> set[int]:
        """Nouns the parser coordinated across another clause: in "cut 1,100 jobs and close a mine ..., blaming
        weaker prices, higher costs and lower grades", "costs" hangs on "cut" as a second object. With the clauses
        between cut, the claim would list them as cut too; they and their comma or "and" go."""
        stray: set[int] = set()
        for i in sorted(used):
            token = self.doc[i]
            if token.pos_ not in ("NOUN", "PROPN") or token.head.i not in used:
                continue
            if token.dep_ == "conj":
                anchor = token.head
                own = {t.i for t in anchor.subtree} - {t.i for t in token.subtree}
            elif token.dep_ in ("dobj", "attr"):
                # a second object of the same verb is a coordinated noun the parser lost track of
                anchor = next((c for c in token.head.children if c.dep_ == token.dep_ and c.i < token.i), None)
                if anchor is None or anchor.i not in used:
                    continue
                own = {t.i for t in anchor.subtree}
            else:
                continue
            gap = [
                j
                for j in range(anchor.i + 1, token.left_edge.i)
                if j not in used and j not in own and not self.doc[j].is_punct
            ]
            if gap:
                stray |= {t.i for t in token.subtree} | {
                    j for j in range(token.left_edge.i - 2, token.left_edge.i) if self.doc[j].dep_ in ("cc", "punct")
                }
        return stray & used

    def _lost_object(self, used: set[int]) -> bool:
        """Whether the claim's last word lost what followed it (not a preposition the article strands in a relative
        clause: "the list they expected to be tested on")."""
        words = [i for i in used if not self.doc[i].is_punct]
        if not words:
            return True
        token = self.doc[max(words)]
        objects = [c for c in token.children if c.dep_ in ("pobj", "pcomp")]
        stranded = token.dep_ in ("prep", "prt") and not objects and any(a.dep_ == "relcl" for a in token.ancestors)
        return not stranded

    def reporting_tag(self, verb: Token, selected: set[int]) -> Token | None:
        """ "..., the researchers found, ...": a speech verb with a subject and nothing reported of its own, hung on
        the clause it reports as an aside."""
        for child in verb.children:
            if child.dep_ != "parataxis" or child.i not in selected or child.lemma_ not in REPORTING:
                continue
            own = any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in child.children)
            if _subject(child) is not None and not own and child.i > verb.i:
                return child
        return None

    def true_subject(self, verb: Token, conj: Token, subject: Token | None) -> Token | None:
        """ "the service was slow over the weekend, when the blaze covered 300 hectares and could have been contained":
        the parser hung "contained" on "was", but the "and" before it is the clause of "covered"; that clause's
        subject is the one the second verb shares."""
        if any(c.dep_ == "cc" and c.i < conj.i for c in verb.children):
            return subject
        cc = next((t for t in reversed(self.doc[verb.i : conj.left_edge.i]) if t.dep_ == "cc"), None)
        other = cc.head if cc is not None else None
        if other is None or other.i == verb.i or other.pos_ not in ("VERB", "AUX"):
            return subject
        return _subject(other) or subject

    def misread_noun(self, conj: Token) -> bool:
        """ "the world rankings when they are published": a "verb" straight after a noun, with no "and" or comma
        before it and nothing of a clause of its own (subject, object, preposition), is the noun phrase's head."""
        before = self.doc[conj.left_edge.i - 1] if conj.left_edge.i > 0 else None
        if before is None or before.dep_ in ("cc", "punct") or before.pos_ not in ("NOUN", "PROPN"):
            return False
        own = ("nsubj", "nsubjpass", "dobj", "attr", "prep", "acomp", "xcomp", "ccomp", "dative")
        return conj.tag_ in ("VBZ", "NNS") and not any(c.dep_ in own for c in conj.children)

    def spliced(self, verb: Token, child: Token) -> bool:
        """ "X is the capital, the metropolitan area is one of ...": a clause with its own subject joined by a comma
        after a copula's complement. The parser hangs it on "is" as a complement, but a copula that already has its
        complement reports nothing: it is a second sentence."""
        if child.dep_ != "ccomp" or child.pos_ not in ("VERB", "AUX") or child.i not in self.inside:
            return False
        if verb.lemma_ != "be" or _subject(child) is None or any(c.dep_ == "mark" for c in child.children):
            return False
        start, end = child.left_edge.i, child.right_edge.i
        while start < child.i and self.doc[start].is_punct:  # the comma may hang on either clause
            start += 1
        while end > child.i and self.doc[end].is_punct:
            end -= 1
        if child.i > verb.i:
            complement = any(c.dep_ in ("attr", "acomp") and c.i < start for c in verb.children)
            return complement and start > 0 and self.doc[start - 1].text in (",", ";")
        # the mirror parse: the first clause hung on the second's "is" as if that "is" reported it
        complement = any(c.dep_ in ("attr", "acomp") and c.i > verb.i for c in verb.children)
        return complement and end + 1 < verb.i and self.doc[end + 1].text in (",", ";")

    def subordinate_clauses(self, verb: Token, subject: Token | None, lead: Lead, selected: set[int]) -> list[_Pending]:
        """Temporal or causal clauses and participle clauses, restated on their own.

        They leave the main clause only when enough of it remains to say something ("The
        latest row comes" is not a claim, so that sentence keeps its "after" clause).
        """
        pending: list[_Pending] = []
        taken: set[int] = set()
        for adv in [c for c in verb.children if c.dep_ == "advcl" and c.i in selected]:
            adv_subject = _subject(adv)
            region = self.subtree(adv)
            if adv.lower_ in ("followed", "preceded") and any(i not in selected for i in range(verb.i, min(region))):
                # "ranks fifth ..., the main sectors are X, followed by Y": what follows is the other clause's,
                # which was cut away; left on this one it would follow the wrong thing
                cut(selected, region, self.doc)
                continue
            if adv_subject is not None and _marker(adv) in SPLIT_MARKS:
                pending.append((adv, Lead(), None))
                taken |= region
            elif adv_subject is None and adv.tag_ in ("VBD", "VBZ", "VBP"):
                # "comes after NATO stripped ...": the parser made the subject an object of "after"
                prep = next(
                    (
                        c
                        for c in verb.children
                        if c.dep_ == "prep" and c.lower_ in SPLIT_MARKS and c.i < adv.i and c.i in selected
                    ),
                    None,
                )
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
                if obj is not None and obj.i + 1 == min(region):
                    noun = self.np_tokens(obj)
                    pending.append((adv, Lead(tuple(noun), obj), None))
                    taken |= region | self.subtree(prep)
            elif adv_subject is None and self.participle_clause(adv):
                finite = self.finite(adv, verb, subject or lead.subject)
                if finite is not None:
                    pieces = tuple(self.subject_pieces(subject)) if subject is not None else lead.pieces
                    replacement = {adv.i: Replacement(adv.i, adv.i + 1, finite)}
                    for conj in adv.conjuncts:
                        # "..., using X and having Y": every participle in the chain turns finite
                        conj_finite = self.finite(conj, verb, subject or lead.subject)
                        if conj.tag_ == adv.tag_ and conj_finite is not None:
                            replacement[conj.i] = Replacement(conj.i, conj.i + 1, conj_finite)
                    pending.append((adv, Lead(pieces, subject or lead.subject), replacement))
                    taken |= region
        for para in [c for c in verb.children if c.dep_ == "parataxis" and c.i in selected]:
            if _subject(para) is not None:
                pending.append((para, Lead(), None))
                taken |= self.subtree(para)
        remaining = [i for i in selected - taken if not self.doc[i].is_punct]
        if taken and len(remaining) >= MIN_MAIN_WORDS:
            for clause, _, _ in pending:
                cut(selected, self.subtree(clause), self.doc)
            selected -= taken
        return pending

    def subject_pieces(self, subject: Token) -> list[int]:
        return self.np_tokens(subject) if subject.pos_ != "PRON" else [subject.i]

    def conj_lead(self, verb: Token, conj: Token, subject: Token | None, lead: Lead) -> Lead:
        pieces: list[int | str] = list(self.subject_pieces(subject)) if subject is not None else list(lead.pieces)
        own_aux = any(c.dep_ in ("aux", "auxpass") for c in conj.children)
        if not own_aux and conj.tag_ in ("VBG", "VBN", "VB") and conj.tag_ == verb.tag_:
            pieces += [c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg") and c.lower_ != "to"]
        return Lead(tuple(pieces), subject or lead.subject)

    def participle_clause(self, adv: Token) -> bool:
        if adv.tag_ not in ("VBG", "VBN") or adv.lower_ in NOT_PARTICIPLES:
            return False
        return not any(c.dep_ in ("mark", "aux", "auxpass") for c in adv.children)

    def finite(self, adv: Token, verb: Token, subject: Token | None) -> str | None:
        """The participle made finite in the tense of the clause it hangs on, or None."""
        if subject is None:
            return None
        plural = subject.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in subject.children)
        if adv.tag_ == "VBN":
            return f"{copula(_is_past(verb), plural)} {mid_sentence_word(adv)}"
        if verb.tag_ == "VBD":
            return past(adv.lemma_)
        if verb.tag_ in ("VBZ", "VBP"):
            return present(adv.lemma_, plural)
        return None

    # -- modifiers restated as claims of their own --------------------------------------------------


def _has_aux(verb: Token) -> bool:
    return any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _bare_modal(token: Token) -> bool:
    """An elided verb phrase: "it will", "they might"."""
    return token.tag_ == "MD" and not any(
        c.pos_ in ("VERB", "AUX") or c.dep_ in ("acomp", "attr", "xcomp", "dobj") for c in token.children
    )


def _clausal(complement: Token) -> bool:
    """A complement that states something ("said that talks resumed"), not a small clause naming what
    something was declared to be ("declared the outbreak a pandemic", "declared itself independent")."""
    return any(c.dep_ == "mark" for c in complement.children) or any(
        t.pos_ in ("VERB", "AUX") for t in complement.subtree
    )


def decompose(sent: Span, quoted: Sequence[bool], reps: dict[int, Replacement]) -> list[Draft]:
    """The atomic claims of one sentence, in the order they were found."""
    drafts = _Decomposer(sent, quoted, reps).run()
    unique: dict[str, Draft] = {}
    for draft in drafts:
        unique.setdefault(draft.text, draft)
    kept = list(unique.values())
    return [d for d in kept if not _conjunction_of_others(d, kept)]


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?\"'()").lower() for w in text.split()} - {""}


def _conjunction_of_others(draft: Draft, drafts: list[Draft]) -> bool:
    """Whether ``draft`` only joins two or more other claims of its sentence: checking it says nothing more,
    and it can get a verdict that contradicts its parts'."""
    parts = [d for d in drafts if d is not draft and set(d.tokens) < set(draft.tokens)]
    if len(parts) < 2:
        return False
    said = set().union(*(_words(d.text) for d in parts))
    return _words(draft.text) - said <= JOINERS
