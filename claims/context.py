"""Decontextualisation: what pronouns, surnames, short references and "since then" stand for.

``Memory`` walks the article in order. For each sentence it proposes replacements (token
ranges and the words that make them self-contained) from what earlier sentences named, then
takes note of what this sentence names. The rules are deliberately conservative: a
reference it cannot resolve confidently is left as written, which keeps the claim faithful
if less self-contained.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claims.lexicon import SPEECH, words
from claims.render import Replacement, render

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_PERSON_PRONOUNS = {"he": False, "him": False, "his": True, "she": False, "her": None, "hers": False}
_IT = {"it": False, "its": True}
_THEY = {"they": False, "them": False, "their": True}
# Heads of definite descriptions that stand for the most talked-about organisation or country.
ORG_HEADS = words(
    """
    alliance bloc organisation organization union coalition company firm group agency party club team
    corporation institution body federation confederation
    """
)
GPE_HEADS = frozenset({"country", "nation", "kingdom", "republic"})
# Temporal and causal subordinators: "X did A after it did B" names two actors more often than one.
_SUBORDINATORS = frozenset({"after", "before", "when", "while", "because", "since", "until", "once", "as"})
_CLAUSE_LINKS = frozenset({"conj", "advcl", "ccomp", "xcomp", "relcl", "acl", "parataxis", "pcomp"})
# "since then", "until then", "by then": "then" points at the time the previous sentence named.
_THEN_PREPOSITIONS = frozenset({"since", "until", "till", "by"})
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


@dataclass(slots=True)
class _Referent:
    text: str
    plural: bool
    person: bool
    kind: str = ""  # entity label of the subject's head ("ORG", "GPE"), "" when not an entity


def _possessive(text: str) -> str:
    # "the Flames'" rather than "the Flames's"; "NATO's", "Russia's"
    return text + "'" if text.endswith("s") and text[:1].isupper() and len(text.split()) == 1 else text + "'s"


def noun_phrase(head: Token, sentence: Span, replacements: dict[int, Replacement]) -> str:
    """The words of ``head``'s noun phrase without clauses, appositions or coordinated nouns.

    "The planet, WASP-39b," is named by its apposition: the name says more.
    """
    name = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if head.pos_ == "NOUN" and name is not None:
        head = name
    drop: set[int] = set()
    for child in head.children:
        detached = child.dep_ == "prep" and child.lower_ != "of"
        if (child.dep_ in ("relcl", "acl", "appos", "cc", "punct", "conj") or detached) and child.i > head.i:
            drop.update(t.i for t in child.subtree)
    tokens = [t.i for t in head.subtree if t.i not in drop and sentence.start <= t.i < sentence.end]
    text = render(head.doc, tokens, replacements, finish=False)
    if text[:4] in ("The ", "This", "That") and head.i != sentence.start:
        text = text[0].lower() + text[1:]
    elif text.startswith("The "):
        text = "the " + text[4:]
    return text


_PARTITIVES = words("half majority most many some third quarter fifth percent all none few several minority share")


def _partitive(head: Token) -> bool:
    """A part of a plural group: "half of the respondents", "most of the members"."""
    groups = (g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children)
    return head.lemma_.lower() in _PARTITIVES and any(g.dep_ == "pobj" and g.tag_ in ("NNS", "NNPS") for g in groups)


def _is_plural(head: Token) -> bool:
    return head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in head.children)


def _clause_of(token: Token) -> Token:
    node = token
    while node.dep_ not in _CLAUSE_LINKS and node.dep_ != "ROOT" and node.head is not node:
        node = node.head
    return node


def subject_of(verb: Token) -> Token | None:
    """The subject of ``verb``; of two ("The planet, WASP-39b, orbits"), the name."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
    if len(subjects) == 2:
        first, second = subjects
        between = [t.text for t in verb.doc[max(t.i for t in first.subtree) + 1 : min(t.i for t in second.subtree)]]
        if between == [","] and first.pos_ == "NOUN" and second.pos_ == "PROPN":
            return second
    return subjects[0] if subjects else None


_subject = subject_of
_ENTS_KEY = "claims.ents"


def ents_in(span: Span) -> list[Span]:
    """``span.ents`` without its cost: spaCy rebuilds every entity of the whole Doc on each call,
    which made long paragraphs quadratic. The Doc's entities are listed once and bisected."""
    doc = span.doc
    cached = doc.user_data.get(_ENTS_KEY)
    if cached is None:
        ents = tuple(doc.ents)
        cached = doc.user_data[_ENTS_KEY] = (ents, [e.start for e in ents])
    ents, starts = cached
    found = []
    for ent in ents[bisect.bisect_left(starts, span.start) :]:
        if ent.end > span.end:
            break
        found.append(ent)
    return found


@dataclass(slots=True)
class Memory:
    """What the article has named so far."""

    surnames: dict[str, str] = field(default_factory=dict)
    last_person: str | None = None
    orgs: Counter[str] = field(default_factory=Counter)
    gpes: Counter[str] = field(default_factory=Counter)
    last_subject: _Referent | None = None
    fuller: dict[str, str] = field(default_factory=dict)
    # The one year the previous sentence named, if it named exactly one.
    last_year: str | None = None
    _order: int = 0
    _recency: dict[str, int] = field(default_factory=dict)

    # -- proposing replacements ------------------------------------------------------------------
    def resolve(self, sent: Span, quoted: Sequence[bool]) -> dict[int, Replacement]:
        reps: dict[int, Replacement] = {}
        taken: set[int] = set()
        local_orgs = Counter(self.orgs)
        local_gpes = Counter(self.gpes)

        def add(rep: Replacement) -> None:
            span = set(range(rep.start, rep.end))
            if not span & taken and rep.text:
                reps[rep.start] = rep
                taken.update(span)

        for k, token in enumerate(sent):
            if quoted[k]:
                continue
            if token.ent_iob_ == "B" and token.ent_type_ in ("ORG", "GPE"):
                ent = next((e for e in ents_in(sent) if e.start == token.i), None)
                if ent is not None:
                    (local_orgs if token.ent_type_ == "ORG" else local_gpes)[_clean_name(ent.text)] += 1
            low = token.lower_
            if token.pos_ == "PROPN" and token.text in self.surnames and not _in_name(token):
                add(Replacement(token.i, token.i + 1, self.surnames[token.text]))
            elif token.pos_ == "PRON" and low in _PERSON_PRONOUNS:
                self._person_pronoun(token, sent, add)
            elif token.pos_ == "PRON" and low in _IT:
                self._it(token, sent, reps, local_orgs, local_gpes, add)
            elif token.pos_ == "PRON" and low in _THEY:
                self._they(token, sent, reps, add)
            elif token.pos_ == "NOUN" and token.tag_ in ("NN", "NNS"):
                self._definite(token, sent, reps, local_orgs, local_gpes, add)
            elif low == "then" and self.last_year and token.i > sent.start:
                # Only right after the preposition ("since then"), and only from the sentence just before:
                # further back, or with two years to choose from, the time "then" means is a guess.
                before = token.doc[token.i - 1]
                if before.lower_ in _THEN_PREPOSITIONS and token.head.i == before.i:
                    add(Replacement(token.i, token.i + 1, self.last_year))
        return reps

    def _person_pronoun(self, token: Token, sent: Span, add) -> None:  # type: ignore[no-untyped-def]
        possessive = token.tag_ == "PRP$" or (_PERSON_PRONOUNS[token.lower_] is True)
        earlier = [p for p in persons_in(sent) if p.head.i < token.i]
        relative = next((a for a in token.ancestors if a.dep_ == "relcl"), None)
        inside = [p for p in earlier if relative is not None and p.head == relative.head]
        if inside:
            earlier = inside  # "Borker, who said his store ...": "his" is Borker's
        if earlier:
            # a person named earlier in the same sentence: a claim holding that name keeps "he"
            best = max(earlier, key=lambda p: (p.score, -p.head.i))
            name = self._full(best.name)
            add(Replacement(token.i, token.i + 1, _possessive(name) if possessive else name, antecedent=best.head.i))
            return
        if self.last_person:
            add(Replacement(token.i, token.i + 1, _possessive(self.last_person) if possessive else self.last_person))

    def _full(self, name: str) -> str:
        words = name.split()
        return self.surnames.get(words[-1], name) if len(words) == 1 else name

    def _it(self, token, sent, reps, orgs, gpes, add) -> None:  # type: ignore[no-untyped-def]
        possessive = token.lower_ == "its"
        if not possessive:
            if token.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj"):
                return
            head = token.head
            dummy = any(c.dep_ in ("ccomp", "xcomp", "acomp") for c in head.children)
            if token.dep_ == "nsubj" and dummy and head.lemma_ not in SPEECH:
                return  # "it is likely that ...", "it could take days": no referent; "it said that" has one
        clause = _clause_of(token)
        # "NATO suspended cooperation with Russia after it annexed Crimea": the subordinate
        # clause's subject is the other actor of the main clause when there is exactly one.
        verb = token.head
        mark = next((c for c in verb.children if c.dep_ in ("mark", "advmod") and c.i < token.i), None)
        if token.dep_ == "nsubj" and verb.dep_ == "advcl" and mark is not None and mark.lower_ in _SUBORDINATORS:
            main = verb.head
            main_subject = _subject(main)
            inside = {t.i for t in verb.subtree}
            others = [
                e
                for e in ents_in(sent)
                if e.label_ in ("ORG", "GPE")
                and e.root.i not in inside
                and e.root.i < token.i
                and (main_subject is None or e.root.i not in {t.i for t in main_subject.subtree})
                and e.root.head.dep_ != "poss"
            ]
            if len(others) == 1:
                add(
                    Replacement(
                        token.i,
                        token.i + 1,
                        _possessive(others[0].text) if possessive else others[0].text,
                        antecedent=others[0].root.i,
                    )
                )
                return
        node = clause
        while True:
            verb = node if node.pos_ in ("VERB", "AUX") else node.head
            subject = _subject(verb)
            usable = (
                subject is not None
                and subject.i < token.i
                and token.i not in {t.i for t in subject.subtree}
                and not _is_plural(subject)
                and subject.ent_type_ != "PERSON"
            )
            if usable and subject is not None and subject.pos_ in ("NOUN", "PROPN"):
                text = noun_phrase(subject, sent, reps)
                add(Replacement(token.i, token.i + 1, _possessive(text) if possessive else text, antecedent=subject.i))
                return
            if usable and subject is not None and subject.lower_ == "it" and subject.i in reps:
                # "It observes ..., which lets it see": the second "it" is the first one
                text = reps[subject.i].text
                add(Replacement(token.i, token.i + 1, _possessive(text) if possessive else text, antecedent=subject.i))
                return
            if node.dep_ not in _CLAUSE_LINKS or node.head is node:
                break
            node = _clause_of(node.head)
        if token.dep_ in ("dobj", "pobj"):
            return  # an object "it" is as often a situation as a thing named before
        ref = self.last_subject
        if ref is not None and not ref.plural and not ref.person:
            add(Replacement(token.i, token.i + 1, _possessive(ref.text) if possessive else ref.text))

    def _they(self, token, sent, reps, add) -> None:  # type: ignore[no-untyped-def]
        possessive = token.lower_ == "their"
        node = _clause_of(token)
        while True:
            verb = node if node.pos_ in ("VERB", "AUX") else node.head
            subject = _subject(verb)
            partitive = subject is not None and _partitive(subject)
            if (
                subject is not None
                and subject.i < token.i
                and token.i not in {t.i for t in subject.subtree}
                and subject.pos_ in ("NOUN", "PROPN")
                and (_is_plural(subject) or partitive)
            ):
                # "More than half of the 2,000 respondents said they ...": they are the half, not all 2,000
                text = noun_phrase(subject, sent, reps) if partitive else _coordinated(subject, sent, reps)
                add(Replacement(token.i, token.i + 1, _possessive(text) if possessive else text, antecedent=subject.i))
                return
            if node.dep_ not in _CLAUSE_LINKS or node.head is node:
                break
            node = _clause_of(node.head)
        for other in reversed(sent[: token.i - sent.start]):
            if other.tag_ == "NNS" and any(c.dep_ == "nummod" for c in other.children):
                text = noun_phrase(other, sent, reps)
                add(Replacement(token.i, token.i + 1, _possessive(text) if possessive else text, antecedent=other.i))
                return
        ref = self.last_subject
        if ref is not None and ref.plural:
            add(Replacement(token.i, token.i + 1, _possessive(ref.text) if possessive else ref.text))

    def _definite(self, token, sent, reps, orgs, gpes, add) -> None:  # type: ignore[no-untyped-def]
        children = list(token.children)
        det = next((c for c in children if c.dep_ == "det" and c.i < token.i), None)
        if det is None or det.lower_ != "the" or token.ent_type_:
            return
        if any(c.dep_ in ("prep", "relcl", "acl", "compound", "nmod") for c in children):
            return
        if any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in children):
            return  # "the alliance, NATO,": already named
        if any(c.dep_ == "amod" and c.tag_ not in ("JJ", "VBN") for c in children):
            return  # "the sending organisation" is a role, not a name for the one above

        start, end = det.i, token.i + 1
        lemma = token.lemma_.lower()
        plural = token.tag_ == "NNS"
        kind = "ORG" if lemma in ORG_HEADS else "GPE" if lemma in GPE_HEADS else ""
        counts = orgs if kind == "ORG" else gpes if kind == "GPE" else None
        if counts and not plural:
            ranked = sorted(counts.items(), key=lambda kv: (kv[1], self._recency.get(kv[0], 0)), reverse=True)
            best, count = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0
            # only a clearly dominant name: "the alliance" in an article about NATO
            if count >= 2 and count >= 2 * runner_up:
                add(Replacement(start, end, best))
                return
        if kind:
            if not all(c.dep_ in ("det", "case", "punct") for c in children):
                return  # "the Baltic countries" says which ones: not a pointer back
            # "Finland joined NATO. The country shares ...": the subject just named, when it is of the
            # kind the head names, agrees in number, and nothing of that kind came between
            ref = self.last_subject
            between = any(e.label_ == kind and e.root.i < token.i for e in ents_in(sent))
            if ref is not None and ref.kind == kind and ref.plural == plural and not ref.person and not between:
                add(Replacement(start, end, ref.text))
            return
        if plural:
            return
        only_det = all(c.dep_ in ("det", "case", "appos", "punct") for c in children)
        if only_det and lemma in self.fuller:
            add(Replacement(start, end, self.fuller[lemma]))

    # -- taking note ------------------------------------------------------------------------------
    def observe(self, sent: Span, quoted: Sequence[bool], reps: dict[int, Replacement]) -> None:
        inside = {t.i for t, q in zip(sent, quoted, strict=True) if q}
        years = {
            year
            for ent in ents_in(sent)
            if ent.label_ == "DATE" and ent.root.i not in inside
            for year in _YEAR.findall(ent.text)
        }
        self.last_year = years.pop() if len(years) == 1 else None
        mentions = [p for p in persons_in(sent) if p.head.i not in inside]
        for mention in mentions:
            words = mention.name.split()
            if len(words) >= 2:
                self.surnames.setdefault(words[-1], mention.name)
        person_heads = {p.head.i for p in mentions}
        for ent in ents_in(sent):
            if ent.root.i in inside or ent.root.i in person_heads:
                continue
            name = _clean_name(ent.text)
            self._order += 1
            if ent.label_ in ("ORG", "GPE"):
                (self.orgs if ent.label_ == "ORG" else self.gpes)[name] += 1
                self._recency[name] = self._order
        root = sent.root
        subject = _subject(root)
        if subject is None and root.pos_ in ("NOUN", "PROPN"):
            subject = root  # "Finland, which ..., applied ...": the parser made the name the root
        subject_person: str | None = None
        if subject is not None and subject.i not in inside:
            rep = reps.get(subject.i)
            text = rep.text if rep is not None else _coordinated(subject, sent, reps)
            as_person = next((p for p in mentions if p.head.i == subject.i), None)
            is_person = as_person is not None or (rep is not None and rep.text in self.surnames.values())
            if as_person is not None:
                subject_person = self._full(as_person.name)
            elif is_person and rep is not None:
                subject_person = rep.text
            if subject.pos_ in ("NOUN", "PROPN") or rep is not None:
                kind = subject.ent_type_ if rep is None and subject.ent_type_ in ("ORG", "GPE") else ""
                self.last_subject = _Referent(text, _is_plural(subject), is_person, kind)
        if subject_person:
            self.last_person = subject_person
        elif mentions:
            self.last_person = self._full(max(mentions, key=lambda p: (p.score, p.head.i)).name)
        for token in sent:
            if token.i in inside:
                continue
            named = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
            if token.pos_ == "NOUN" and named is not None:
                # "The planet, WASP-39b, ...": later "the planet" is WASP-39b
                self.fuller[token.lemma_.lower()] = noun_phrase(named, sent, reps)
                continue
            if token.pos_ == "PROPN" and token.dep_ != "compound" and token.ent_type_ not in ("GPE", "LOC", "DATE"):
                # "The James Webb Space Telescope": later "the telescope"
                parts = [t for t in token.subtree if t.dep_ == "compound" and t.pos_ == "PROPN" and t.i < token.i]
                if len(parts) >= 1 and token.text[:1].isupper():
                    self.fuller.setdefault(token.lower_, noun_phrase(token, sent, reps))
                continue
            if token.pos_ != "NOUN" or token.tag_ != "NN":
                continue
            mods = [c for c in token.children if c.dep_ in ("amod", "compound", "poss", "prep", "nmod")]
            det = next((c for c in token.children if c.dep_ in ("det", "poss")), None)
            if mods and det is not None and det.lower_ not in ("a", "an", "any", "some", "no", "every", "each"):
                self.fuller[token.lemma_.lower()] = noun_phrase(token, sent, reps)


_SPEECH_HINTS = frozenset({"say", "tell", "add", "state", "announce", "claim", "note", "warn", "write"})
TITLE_WORDS = words(
    """
    minister president secretary general chancellor ambassador spokesman spokeswoman spokesperson chief
    director head leader governor mayor senator premier king queen envoy commander ceo chairman
    chairwoman chair deputy judge professor prosecutor attorney representative congressman congresswoman
    prince princess emperor pope bishop coach founder editor
    """
)


@dataclass(frozen=True, slots=True)
class PersonMention:
    head: Token
    name: str
    score: int  # how sure: a title says more than a speech verb, which says more than NER alone


def titled_name(head: Token) -> tuple[list[int], list[int]] | None:
    """("Russian Foreign Minister", "Sergey Lavrov") token indices, when a title precedes a name."""
    if head.pos_ != "PROPN" or head.dep_ == "compound":
        return None
    subtree = {t.i for t in head.subtree}
    doc = head.doc
    left: list[int] = []
    i = head.i - 1
    while i >= 0 and i in subtree and doc[i].pos_ in ("PROPN", "NOUN", "ADJ", "PART"):
        left.insert(0, i)
        i -= 1
    name = [head.i]
    while left and doc[left[-1]].pos_ == "PROPN" and doc[left[-1]].lower_ not in TITLE_WORDS:
        name.insert(0, left.pop())
    if not left or not any(doc[t].lower_ in TITLE_WORDS for t in left):
        return None
    return left, name


def persons_in(sent: Span) -> list[PersonMention]:
    """People a sentence names: titled names, PERSON entities, proper-noun subjects of "said"."""
    found: dict[int, PersonMention] = {}
    for ent in ents_in(sent):
        name = _clean_name(ent.text)
        # the small model calls many things PERSON; a name is made of capitalised words ("WASP-39b" is not)
        looks_like_name = all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in name.split())
        if ent.label_ == "PERSON" and ent.root.pos_ == "PROPN" and looks_like_name:
            found[ent.root.i] = PersonMention(ent.root, name, 1)
    for token in sent:
        titled = titled_name(token)
        if titled is not None:
            name = " ".join(token.doc[i].text for i in titled[1])
            found[token.i] = PersonMention(token, name, 3)
        elif token.lemma_ in _SPEECH_HINTS:
            subject = _subject(token)
            if (
                subject is not None
                and subject.pos_ == "PROPN"
                and not subject.text.isupper()  # "NATO said" is not a person
                and subject.ent_type_ in ("", "PERSON", "ORG")
                and subject.i not in found
            ):
                chain = [t for t in subject.subtree if t.dep_ == "compound" and t.pos_ == "PROPN"]
                name = " ".join(t.text for t in [*chain, subject])
                found[subject.i] = PersonMention(subject, name, 2)
    return sorted(found.values(), key=lambda p: p.head.i)


def _clean_name(text: str) -> str:
    text = text.strip()
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if text.lower().startswith("the "):
        text = text[4:]
    return text.strip()


def _in_name(token: Token) -> bool:
    """Part of a longer name ("Jens Stoltenberg"), so it needs no expanding."""
    return any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.children) or (
        token.dep_ == "compound" and token.head.pos_ == "PROPN"
    )


def _coordinated(head: Token, sent: Span, reps: dict[int, Replacement]) -> str:
    """A noun phrase with its coordinated nouns: "Russia and NATO"."""
    parts = [noun_phrase(head, sent, reps)]
    for child in head.children:
        if child.dep_ == "conj":
            parts.append(noun_phrase(child, sent, reps))
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
