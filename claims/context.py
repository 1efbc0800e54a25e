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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claims.lexicon import (
    FIRST_TIME_VERBS,
    GPE_HEADS,
    KIND_NAME_WORDS,
    LOOSE_ORG_HEADS,
    NOT_A_REFERENT,
    ORG_HEADS,
    ORG_NAME_WORDS,
    OTHER_WORDS,
    PARTITIVES,
    PERSON_NOUN_ENDINGS,
    PERSON_NOUNS,
    PLACE_NOUNS,
    REPORTING,
    ROLE_NOUNS,
    ROLE_VERBS,
    SPEECH,
    SPEECH_HINTS,
    STRICT_KINDS,
    SUBORDINATORS,
    THEN_PREPOSITIONS,
    THING_NOUNS,
    TITLE_WORDS,
)
from claims.render import Replacement, mid_sentence_word, render, without_brackets

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_PERSON_PRONOUNS = {"he": False, "him": False, "his": True, "she": False, "her": None, "hers": False}
_IT = {"it": False, "its": True}
_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_THEY = {"they": False, "them": False, "their": True}
_CLAUSE_LINKS = frozenset({"conj", "advcl", "ccomp", "xcomp", "relcl", "acl", "parataxis", "pcomp"})
_PRONOUN_WORDS = re.compile(r"\b(?:he|him|his|she|her|hers|it|its)\b", re.I)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


@dataclass(slots=True)
class _Referent:
    text: str
    plural: bool
    person: bool
    kind: str = ""  # entity label of the subject's head ("ORG", "GPE"), "" when not an entity
    # a name, a reference resolved to one, or a body that owns things ("the company"); not "the setback"
    owner: bool = True


def _possessive(text: str) -> str:
    # "the Flames'" rather than "the Flames's"; "NATO's", "Russia's"; "the athletes'" but "the virus's"
    last = text.split()[-1] if text.split() else text
    name = last[:1].isupper() and not last.isupper()
    plural = last[:1].islower() and last.endswith("s") and not last.endswith(("ss", "us", "is"))
    return text + "'" if (last.endswith("s") and name) or plural else text + "'s"


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
    for token in head.subtree:
        # "people familiar with the plans, who asked not to be named": an aside deeper in the phrase goes too
        if token.dep_ == "relcl" and _aside(token) and token.i not in drop:
            drop.update(t.i for t in token.subtree)
            if token.doc[token.left_edge.i - 1].text == ",":
                drop.add(token.left_edge.i - 1)
    drop |= dateline(sentence)
    depth = 0
    for token in head.subtree:  # "The Bus Workers' Guild (BWG)": the short form in brackets is no part of the name
        if token.text in ("(", "["):
            depth += 1
        if depth:
            drop.add(token.i)
        if token.text in (")", "]") and depth:
            depth -= 1
    tokens = [t.i for t in head.subtree if t.i not in drop and sentence.start <= t.i < sentence.end]
    text = render(head.doc, tokens, replacements, finish=False)
    first = head.doc[tokens[0]] if tokens else None
    if first is not None and first.i not in replacements and mid_sentence_word(first) != first.text:
        text = text[:1].lower() + text[1:]  # "Local politicians" named inside a claim: "local politicians"
    elif text[:4] in ("The ", "This", "That") and head.i != sentence.start:
        text = text[0].lower() + text[1:]
    elif text.startswith("The "):
        text = "the " + text[4:]
    return text


def _introduced(head: Token, sentence: Span, replacements: dict[int, Replacement]) -> str | None:
    """ "a packaging plant in Millbrook" as what a later "the plant" stands for: "the packaging plant in
    Millbrook", when a name or a place among its words says which one (None otherwise)."""

    def names(token: Token) -> bool:
        return any(t.pos_ == "PROPN" and t.ent_type_ not in ("NORP", "DATE") for t in token.subtree)

    described = head
    while described.dep_ == "conj":
        described = described.head
    if described.dep_ in ("attr", "appos", "oprd", "npadvmod"):
        return None  # "Harbin Ridge is an observatory in Canada" describes a thing named already
    drop: set[int] = set()
    for child in head.children:
        after = child.i > head.i
        clause = child.dep_ in ("relcl", "acl", "appos", "cc", "conj", "punct", "advmod")
        if after and (clause or (child.dep_ == "prep" and not names(child))):
            drop.update(t.i for t in child.subtree)
    tokens = [t for t in head.subtree if t.i not in drop and sentence.start <= t.i < sentence.end]
    if not any(t.pos_ == "PROPN" and t.ent_type_ not in ("NORP", "DATE") for t in tokens) or len(tokens) > 8:
        return None
    if tokens[0].lower_ not in ("a", "an") or any(t.is_punct for t in tokens):
        return None
    return "the " + render(head.doc, [t.i for t in tokens[1:]], replacements, finish=False)


def _whole_name(head: Token, sentence: Span, replacements: dict[int, Replacement]) -> str:
    """The name ending in ``head``; "the Dunmore Folk and Roots Festival" is one name although the parser
    coordinates "Folk" and "Festival" (the entity that holds both says so)."""
    if head.dep_ == "conj" and head.head.pos_ == "PROPN":
        for ent in ents_in(sentence):
            if ent.start <= head.head.i and head.i < ent.end:
                text = ent.text
                return "the " + text[4:] if text.startswith("The ") else text
    return noun_phrase(head, sentence, replacements)


def _aside(child: Token) -> bool:
    """A non-restrictive clause or apposition after its noun, set off by a comma."""
    before = child.left_edge.i - 1
    return (
        child.dep_ in ("relcl", "acl", "appos")
        and child.i > child.head.i
        and before >= 0
        and child.doc[before].text == ","
    )


def _partitive(head: Token) -> bool:
    """A part of a plural group: "half of the respondents", "most of the members"."""
    groups = (g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children)
    return head.lemma_.lower() in PARTITIVES and any(g.dep_ == "pobj" and g.tag_ in ("NNS", "NNPS") for g in groups)


def _is_plural(head: Token) -> bool:
    if _org_name(head) and not any(c.dep_ == "conj" for c in head.children):
        return False  # "Velmora Foods said it ...": one company, whatever the tagger makes of "Foods"
    return head.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in head.children)


def _clause_of(token: Token) -> Token:
    node = token
    while node.dep_ not in _CLAUSE_LINKS and node.dep_ != "ROOT" and node.head is not node:
        node = node.head
    return node


def subject_of(verb: Token) -> Token | None:
    """The subject of ``verb``; of two ("The planet, WASP-39b, orbits"), the name."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECTS]
    if len(subjects) == 2 and subjects[0].i in dateline(verb.sent):
        return subjects[1]  # "HARBRIDGE, England, April 13 (Wire) - Adaeze Okonjo rose": not the dateline
    if len(subjects) == 2:
        first, second = subjects
        between = [t.text for t in verb.doc[max(t.i for t in first.subtree) + 1 : min(t.i for t in second.subtree)]]
        if between == [","] and first.pos_ == "NOUN" and second.pos_ == "PROPN":
            return second
        if not between and first.pos_ == "NOUN" and first.tag_ == "NN" and second.pos_ == "PROPN":
            return second  # "The engineering group Brennwald said": a description the parser made a subject
    return subjects[0] if subjects else None


_subject = subject_of


def _written_whole(token: Token, name: str) -> bool:
    """The words before ``token`` already make up the rest of the full ``name`` ("Spirited Away", whose
    "Spirited" the tagger took for an adjective): the name is written whole, nothing to fill in."""
    words = name.split()
    start = token.i - (len(words) - 1)
    return start >= 0 and [t.text for t in token.doc[start : token.i + 1]] == words


def _event_it(token: Token) -> bool:
    """ "It was Benedetti's 11th goal": an "It" that someone's thing describes is the event just told, not the
    last sentence's subject."""
    verb = token.head
    if token.dep_ != "nsubj" or verb.lemma_ != "be":
        return False
    attrs = [c for c in verb.children if c.dep_ == "attr" and c.pos_ == "NOUN"]
    return any(c.dep_ == "poss" for attr in attrs for c in attr.children)


def _described_as_org(name: Token) -> bool:
    """ "The engineering group Brennwald said": the noun right before the name says it is an organisation,
    whatever the recogniser made of the name."""
    return any(
        c.dep_ in SUBJECTS and c.pos_ == "NOUN" and c.right_edge.i == name.left_edge.i - 1
        and c.lemma_.lower() in ORG_HEADS
        for c in name.head.children
    )  # fmt: skip
_ENTS_KEY = "claims.ents"


def _joined_possessive_names(ents: Sequence[Span]) -> tuple[Span, ...]:
    """ "St Columba's" + "General Hospital" is one name, "St Columba's General Hospital", though the recogniser
    splits it at the possessive; left split, "the hospital" would become "General Hospital"."""
    joined: list[Span] = []
    for ent in ents:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.end == ent.start
            and last.label_ == ent.label_ == "ORG"
            and ent.doc[last.end - 1].lower_ in ("'s", "’s")
            and ent.doc[ent.start].pos_ == "PROPN"
        ):
            joined[-1] = ent.doc[last.start : ent.end]
            joined[-1].label_ = ent.label_
            continue
        joined.append(ent)
    return tuple(_with_coordinated_front(ent) for ent in joined)


def _with_coordinated_front(ent: Span) -> Span:
    """ "the Harrowfield and Vale Health Trust" is one organisation, though the recogniser tags "Harrowfield"
    as a place and only "Vale Health Trust" as the name: the parser hangs "Harrowfield and" on its head."""
    if ent.label_ != "ORG":
        return ent
    front = [
        c for c in ent.root.lefts
        if c.pos_ == "PROPN" and c.dep_ in ("nmod", "compound") and c.i < ent.start
        and any(g.dep_ == "cc" for g in c.children) and c.right_edge.i == ent.start - 1
    ]  # fmt: skip
    if not front:
        return ent
    whole = ent.doc[front[0].left_edge.i : ent.end]
    whole.label_ = ent.label_
    return whole


def ents_in(span: Span) -> list[Span]:
    """``span.ents`` without its cost: spaCy rebuilds every entity of the whole Doc on each call,
    which made long paragraphs quadratic. The Doc's entities are listed once and bisected."""
    doc = span.doc
    cached = doc.user_data.get(_ENTS_KEY)
    if cached is None:
        ents = _joined_possessive_names(doc.ents)
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
    # Surnames shared by two people ("Emma Smith", "John Smith"): a bare "Smith" is left as written.
    shared_surnames: set[str] = field(default_factory=set)
    # The person a later "he" or "she" may stand for when the previous sentence named nobody: set
    # only when that was certain, cleared when a sentence named several people and none was sure.
    last_person: str | None = None
    # The first person the article makes the subject of a sentence: its topic ("Heath Ledger was").
    topic: str | None = None
    # The people the previous sentence named or pointed at, and which of them was its subject.
    previous_people: tuple[str, ...] = ()
    topic_before_subject: bool = False
    previous_subject_person: str | None = None
    # The previous sentence's subject was a "he" or "she" left as written.
    previous_subject_unknown: bool = False
    # People this sentence pointed at with a pronoun, by token index (filled by ``resolve``).
    _pointed: dict[int, str] = field(default_factory=dict)
    _sentences: int = 0
    _shared_heads: set[str] = field(default_factory=set)
    orgs: Counter[str] = field(default_factory=Counter)
    gpes: Counter[str] = field(default_factory=Counter)
    last_subject: _Referent | None = None
    fuller: dict[str, str] = field(default_factory=dict)
    # The one year the previous sentence named, if it named exactly one.
    last_year: str | None = None
    # What an encyclopedic article is about when that is a thing ("Kestrel Works is a Japanese animation
    # film studio ..."): its name, and for each noun that first sentence called it, the words that came
    # with that noun ("studio" -> {"japanese", "animation", "film"}).
    thing_topic: str | None = None
    topic_kinds: dict[str, frozenset[str]] = field(default_factory=dict)
    # "he" or "she" for the people a pronoun certainly stood for; a later pronoun of the other gender
    # is never resolved to them.
    genders: dict[str, str] = field(default_factory=dict)
    # How often the whole article says "he"/"she"/"his"/"her" and "it"/"its": an article about a person
    # calls it "he" or "she", one about a thing "it", whatever the entity recogniser thinks its name is.
    person_pronouns: int = 0
    thing_pronouns: int = 0
    # Heads whose one full name in ``fuller`` carries a proper name: what "the council" may stand for.
    named_heads: set[str] = field(default_factory=set)
    _said_with_the: set[str] = field(default_factory=set)
    _order: int = 0
    _recency: dict[str, int] = field(default_factory=dict)

    # -- proposing replacements ------------------------------------------------------------------
    def resolve(self, sent: Span, quoted: Sequence[bool]) -> dict[int, Replacement]:
        reps: dict[int, Replacement] = {}
        taken: set[int] = set()
        self._pointed = {}
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
            if (
                token.pos_ == "PROPN"
                and token.text in self.surnames
                and token.text not in self.shared_surnames
                and not _in_name(token)
                and not _written_whole(token, self.surnames[token.text])
            ):
                add(Replacement(token.i, token.i + 1, self.surnames[token.text]))
                self._pointed[token.i] = self.surnames[token.text]
            elif token.pos_ == "PRON" and low in _PERSON_PRONOUNS:
                outside = {t.i for t, q in zip(sent, quoted, strict=True) if not q}
                self._person_pronoun(token, sent, outside, add)
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
                if before.lower_ in THEN_PREPOSITIONS and token.head.i == before.i:
                    add(Replacement(token.i, token.i + 1, self.last_year))
        return reps

    def _person_pronoun(self, token: Token, sent: Span, outside: set[int], add) -> None:  # type: ignore[no-untyped-def]
        """ "he" or "she" as the person it certainly stands for; left as written when in doubt.

        Without gender, certainty means one candidate: the one person named (or pointed at) earlier in
        the sentence, else the one person of the previous sentence. Of several, only the subject of the
        previous sentence when it is also the article's topic ("Heath Ledger appeared with Johnny
        Depp. He was found dead ..." is about Ledger); otherwise a wrong name would put words in the
        article's mouth, which costs more than an unresolved pronoun.
        """
        possessive = token.tag_ == "PRP$" or token.dep_ == "poss" or (_PERSON_PRONOUNS[token.lower_] is True)
        # '"... what Corvane knew ...," she said': a name inside the quotation is the speaker's word, not the speaker
        speaking = token.dep_ == "nsubj" and token.head.lemma_ in SPEECH and token.i in outside
        named = [p for p in persons_in(sent) if p.head.i < token.i and (not speaking or p.head.i in outside)]
        relative = next((a for a in token.ancestors if a.dep_ == "relcl"), None)
        inside = [p for p in named if relative is not None and p.head == relative.head]
        if inside:
            named = inside  # "Borker, who said his store ...": "his" is Borker's
        earlier = {self._full(p.name): p.head.i for p in named}
        if not inside:
            for index, name in self._pointed.items():
                if index < token.i:
                    earlier.setdefault(name, index)
        gender = _GENDER.get(token.lower_)
        if gender is not None:
            # "Corley married Katherine Wynn in 1987. She ... He ...": a name once "she" is never a "he"
            earlier = {n: i for n, i in earlier.items() if self.genders.get(n, gender) == gender}
        name: str | None = None
        antecedent: int | None = None
        if not earlier and any(
            t.dep_ in SUBJECTS and t.pos_ == "NOUN" and t.i < token.i and t.ent_type_ == "" and t.i in outside
            for t in sent
        ):
            # "One retired teacher said she ...": she is the teacher, whom no name fits. The subjects of a
            # quotation ('"The system was coming," she said') are the speaker's words, never the speaker.
            return
        unnamed = [
            t
            for t in sent
            if t.dep_ in SUBJECTS
            and t.pos_ == "PROPN"
            and t.i < token.i
            and t.i in outside
            and t.ent_type_ not in ("ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "WORK_OF_ART")
            and t.i not in {p.head.i for p in persons_in(sent)}
            and t.i not in self._pointed
        ]
        if len(earlier) == 1 and unnamed:
            return  # "Price, the Rovers captain, sent Lindqvist the wrong way, her 14th goal": Price is a person too
        if len(earlier) == 1 and any(
            p.head.dep_ == "compound" and p.head.head.pos_ == "NOUN" for p in named if self._full(p.name) in earlier
        ):
            return  # "the Redhallow defence": a name that only says whose a thing is may be a team, not a person
        if len(earlier) == 1:
            name, antecedent = next(iter(earlier.items()))
        elif not earlier and self.previous_subject_unknown:
            # "She is best known for playing Carrie Hale. She starred in ...": the "she" before was left as
            # written, so this one continues a person nobody named, not the one named in passing
            return
        elif not earlier:
            people = self.previous_people
            opens = token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "ROOT"
            if len(people) == 1:
                name = people[0]
            elif people and self.previous_subject_person == self.topic:
                name = self.topic
            elif people and opens and self.previous_subject_person and not self.topic_before_subject:
                # "Reyes said ... Velmora would ask .... She said ...": a subject picks up the last subject
                name = self.previous_subject_person
            elif not people:
                name = self.last_person
        if name is not None and gender is not None and self.genders.get(name, gender) != gender:
            return
        if name is None:
            return
        if gender is not None and (len(earlier) == 1 or len(self.previous_people) <= 1):
            self.genders.setdefault(name, gender)  # one candidate: the pronoun says which gender the name has
        if antecedent is not None and antecedent not in self._pointed:
            add(Replacement(token.i, token.i + 1, _possessive(name) if possessive else name, antecedent=antecedent))
        else:
            add(Replacement(token.i, token.i + 1, _possessive(name) if possessive else name))
        self._pointed[token.i] = name

    @staticmethod
    def _its_subject_follows(token: Token, clause: Token) -> bool:
        """ "In its quarterly forecast, the bank trimmed ...": an "its" before its clause's subject is the subject's."""
        verb = clause if clause.pos_ in ("VERB", "AUX") else clause.head
        subject = _subject(verb)
        if subject is None or subject.i < token.i or subject.pos_ not in ("NOUN", "PROPN") or _is_plural(subject):
            return False
        if token.i in {t.i for t in subject.subtree} or subject.ent_type_ == "PERSON" or _person_description(subject):
            return False  # "Its body colour is ...": the subject's own "its" points back, not forward
        opening = next((a for a in token.ancestors if a.dep_ == "prep" and a.left_edge.i == a.sent.start), None)
        named = subject.ent_type_ == "ORG" or any(c.dep_ == "det" and c.lower_ == "the" for c in subject.children)
        return opening is not None and named

    def _short_org_name(self, subject: Token) -> bool:
        """ "Brennick cut its forecast" after "Brennick Home Systems": a company's short name that the recogniser
        took for a person."""
        return len(list(subject.subtree)) == 1 and any(
            name.split()[0] == subject.text and len(name.split()) > 1 for name in self.orgs
        )

    def _thing_name(self, token: Token) -> bool:
        """A proper noun "it" can stand for: an organisation or place, or a one-word name no person has."""
        if token.pos_ != "PROPN":
            return False
        if token.ent_type_ in ("ORG", "GPE"):
            return True
        people = {w for name in (*self.surnames.values(), *self.previous_people) for w in name.split()}
        return not any(c.dep_ == "compound" for c in token.children) and token.text not in people

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
            if token.dep_ == "nsubj" and head.lemma_ in FIRST_TIME_VERBS and any(
                c.dep_ in ("attr", "dobj") and c.lemma_ == "time" for c in head.children
            ):
                return  # "It is (marks) the first time that ...": the "it" stands for an event, never a name
        object_it = not possessive and token.dep_ in ("dobj", "pobj", "dative")
        clause = _clause_of(token)
        if possessive and self._its_subject_follows(token, clause):
            return  # left as written: the subject it belongs to follows in the same claim
        # "NATO suspended cooperation with Russia after it annexed Crimea": the subordinate
        # clause's subject is the other actor of the main clause when there is exactly one.
        verb = token.head
        mark = next((c for c in verb.children if c.dep_ in ("mark", "advmod") and c.i < token.i), None)
        if token.dep_ == "nsubj" and verb.dep_ == "advcl" and mark is not None and mark.lower_ in SUBORDINATORS:
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
            owners = [c for c in (main_subject.children if main_subject is not None else ()) if c.dep_ == "poss"]
            if not others and len(owners) == 1 and self._thing_name(owners[0]):
                # "Baxter's profits fell after it lost a contract": the owner of the main subject
                owner = owners[0]
                others = [sent.doc[min(t.i for t in owner.subtree) : owner.i + 1]]
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
                and subject.i not in dateline(sent)
                and subject.i < token.i
                and token.i not in {t.i for t in subject.subtree}
                and not _is_plural(subject)
                and (subject.ent_type_ != "PERSON" or self._short_org_name(subject) or _described_as_org(subject))
                and not _person_description(subject)  # "A spokesman for the company said it ...": not him
                and not any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in subject.children)
            )
            # "she seemed to prefer it", "Russia had violated it": an object "it" is never the subject of a clause
            # it sits in, and rarely of one beyond (that would be "itself", or a situation)
            if usable and subject is not None and subject.pos_ in ("NOUN", "PROPN") and not object_it:
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
        if clause.dep_ != "ROOT":
            return  # "Baxter's profits fell after it lost a contract": the sentence's own names are nearer
        ref = self.last_subject
        topic = self.thing_topic
        if topic is not None and (ref is None or ref.plural or ref.person or ref.text == topic):
            # an encyclopedic article's "It" is what it is about, unless another thing was just the subject
            add(Replacement(token.i, token.i + 1, _possessive(topic) if possessive else topic))
        elif (
            topic is None
            and ref is not None
            and not ref.plural
            and not ref.person
            and not _event_it(token)
            and (ref.owner or not possessive)  # "The setback is a blow. X was its best product": not the setback's
        ):
            add(Replacement(token.i, token.i + 1, _possessive(ref.text) if possessive else ref.text))

    def _topic_kind(self, token: Token, det: Token) -> bool:
        """ "The studio", "the Japanese animation film studio": a noun the first sentence called the topic.

        Only with words that first sentence gave that noun, and only while no other name of the article
        has that head ("the novel" in an article on one novel that also names another is either).
        """
        allowed = self.topic_kinds.get(token.lemma_.lower())
        if allowed is None or token.tag_ != "NN" or token.lemma_.lower() in self._shared_heads:
            return False
        words = [t for t in token.subtree if t.i != token.i and t.i != det.i]
        if any(t.i > token.i for t in words):
            return False  # "the studio of his father", "the film that ...": says which one
        return all(t.lower_ in allowed or t.is_punct for t in words)

    def _fuller(self, head: str) -> str | None:
        """The full name for "the <head>", with the article a name of the form "X of Y" takes in a sentence."""
        name = self.fuller.get(head)
        if name is not None and " of " in name and name[:1].isupper() and not name.lower().startswith("the "):
            return "the " + name  # "the Kingdom of England"
        return name

    def _named_kind(self, head: str, orgs: Counter[str]) -> str | None:
        """ "the court" after "Harwick Crown Court"; "the company" after "Velmora Foods": the one organisation
        whose name says it is of that kind, or of several the clearly most named."""
        kind_words = KIND_NAME_WORDS.get(head, frozenset()) | {head}
        named = [(n, c) for n, c in orgs.items() if any(w.lower().strip(".,") in kind_words for w in n.split()[1:])]
        if not named:
            return None
        named.sort(key=lambda nc: (nc[1], self._recency.get(nc[0], 0)), reverse=True)
        if len(named) > 1 and named[0][1] < 2 * named[1][1]:
            return None
        if any(count > named[0][1] for count in orgs.values()):
            return None  # "Lumora ... its adviser Sentinel Partners": "the company" is the one named most
        name = named[0][0]
        return "the " + name if " of " in name or name in self._said_with_the else name

    def _they(self, token, sent, reps, add) -> None:  # type: ignore[no-untyped-def]
        possessive = token.lower_ == "their"
        node = _clause_of(token)
        while True:
            verb = node if node.pos_ in ("VERB", "AUX") else node.head
            if verb.dep_ == "parataxis" and verb.lemma_ in REPORTING:
                return  # "..., the researchers found, while their recall ...": those reported on, not the reporters
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
            # a counted plural ("expelled eight diplomats, calling them spies"); but "their" after an object ("rose
            # above two defenders to win their semi-final") is as often someone else's
            counted = (
                other.tag_ == "NNS"
                and any(c.dep_ == "nummod" for c in other.children)
                and other.ent_type_ not in ("MONEY", "PERCENT", "QUANTITY")  # "520,000 dollars" are never "they"
            )
            if counted and (other.dep_ in SUBJECTS or not possessive):
                text = noun_phrase(other, sent, reps)
                add(Replacement(token.i, token.i + 1, _possessive(text) if possessive else text, antecedent=other.i))
                return
        own = _subject(_clause_of(token))
        if possessive and own is not None and own.i < token.i:
            return  # "Redmere sold their best players": a team's own "their", as likely as the last sentence's subject
        ref = self.last_subject
        if ref is not None and ref.plural and token.dep_ != "dobj":
            # "Politicians seized on the findings. X called them ...": an object "them" is as often what the
            # last sentence's subject did or found as the subject itself
            add(Replacement(token.i, token.i + 1, _possessive(ref.text) if possessive else ref.text))

    def _definite(self, token, sent, reps, orgs, gpes, add) -> None:  # type: ignore[no-untyped-def]
        # "The plant, which is owned by X, ...": a clause set off by a comma says more, not which plant
        children = [c for c in token.children if not _aside(c)]
        det = next((c for c in children if c.dep_ == "det" and c.i < token.i), None)
        if det is None or det.lower_ != "the" or token.ent_type_:
            return
        if self._topic_kind(token, det):
            add(Replacement(det.i, token.i + 1, self.thing_topic or ""))
            return
        if token.tag_ == "NN" and all(c.dep_ in ("det", "case", "punct") for c in children):
            # the one full name the article gave this very head ("the Eastfield residents group") comes first
            named = self._fuller(token.lemma_.lower()) if token.lemma_.lower() in self.named_heads else None
            named = named or self._named_kind(token.lemma_.lower(), orgs)
            if named is not None:
                add(Replacement(det.i, token.i + 1, named))
                return
        if any(c.dep_ in ("prep", "relcl", "acl", "compound", "nmod") for c in children):
            return
        if any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in token.children):
            return  # "the alliance, NATO,": already named
        if any(c.dep_ == "amod" and c.tag_ not in ("JJ", "VBN") for c in children):
            return  # "the sending organisation" is a role, not a name for the one above

        start, end = det.i, token.i + 1
        lemma = token.lemma_.lower()
        plural = token.tag_ == "NNS"
        kind = "ORG" if lemma in ORG_HEADS else "GPE" if lemma in GPE_HEADS else ""
        counts = orgs if kind == "ORG" else gpes if kind == "GPE" else None
        if counts and not plural and lemma not in self.named_heads and lemma not in LOOSE_ORG_HEADS:
            ranked = sorted(counts.items(), key=lambda kv: (kv[1], self._recency.get(kv[0], 0)), reverse=True)
            best, count = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0
            # only a clearly dominant name: "the alliance" in an article about NATO; in an article about a
            # thing, never another name than the thing's ("the nation" on the Isle of Man is not the UK)
            # "the union" is never the rail operator most named: a head that says what kind of body it is
            # (union, court, party, agency) takes only a name of that kind
            strict = lemma in STRICT_KINDS and not any(
                w.lower().strip(".,") in KIND_NAME_WORDS[lemma] for w in best.split()[1:]
            )
            if count >= 2 and count >= 2 * runner_up and self.thing_topic in (None, best) and not strict:
                add(Replacement(start, end, best))
                return
        if kind:
            if not all(c.dep_ in ("det", "case", "punct") for c in children):
                return  # "the Baltic countries" says which ones: not a pointer back
            # "Finland joined NATO. The country shares ...": the subject just named, when it is of the
            # kind the head names, agrees in number, and nothing of that kind came between
            ref = self.last_subject
            between = any(e.label_ == kind and e.root.i < token.i for e in ents_in(sent))
            loose = lemma in LOOSE_ORG_HEADS
            if (
                ref is not None
                and ref.kind == kind
                and ref.plural == plural
                and not ref.person
                and not between
                and not loose
            ):
                add(Replacement(start, end, ref.text))
            return
        if plural:
            return
        only_det = all(c.dep_ in ("det", "case", "appos", "punct") for c in children)
        name = self._fuller(lemma) if only_det and lemma in self.fuller else None
        if name is not None and not any(w[:1].isupper() for w in name.removeprefix("the ").split()):
            return  # "the county elections office" names no one office: "the office" may be the mayor's
        if name is not None and any(c.dep_ == "case" for c in children) and not name.lower().endswith(token.lower_):
            return  # "the island's parliament" never becomes "the island in the Irish Sea's parliament"
        if name is not None:
            add(Replacement(start, end, name))

    # -- taking note ------------------------------------------------------------------------------
    def observe(self, sent: Span, quoted: Sequence[bool], reps: dict[int, Replacement], heading: bool = False) -> None:
        inside = {t.i for t, q in zip(sent, quoted, strict=True) if q}
        years = {
            year
            for ent in ents_in(sent)
            if ent.label_ == "DATE" and ent.root.i not in inside
            for year in _YEAR.findall(ent.text)
        }
        self.last_year = years.pop() if len(years) == 1 else None
        mentions = [p for p in persons_in(sent) if p.head.i not in inside]
        root = sent.root
        if self._sentences == 0 and not heading:
            opening = _subject(root)
            if opening is not None and opening.i not in inside:
                self._thing_topic(root, opening, sent, reps)
            if self.thing_topic is not None and opening is not None:
                # "Harbin Ridge Observatory is an observatory": the recogniser's PERSON is wrong
                mentions = [p for p in mentions if p.head.i != opening.i]
        for mention in mentions:
            words = mention.name.split()
            if len(words) >= 2:
                known = self.surnames.setdefault(words[-1], mention.name)
                if not _same_person(known, mention.name):
                    self.shared_surnames.add(words[-1])
        person_heads = {p.head.i for p in mentions}
        tagged = {t.i for ent in ents_in(sent) for t in ent}
        for token in sent:
            if token.i not in tagged and token.i not in inside and _org_name(token):
                name = " ".join(t.text for t in token.subtree if t.i <= token.i and t.pos_ == "PROPN")
                self.orgs[name] += 1
                self._order += 1
                self._recency[name] = self._order
        for ent in ents_in(sent):
            if ent.root.i in inside or ent.root.i in person_heads:
                continue
            name = _clean_name(ent.text)
            self._order += 1
            if ent.label_ in ("ORG", "GPE"):
                (self.orgs if ent.label_ == "ORG" else self.gpes)[name] += 1
                if ent.text.lower().startswith("the ") or (ent.start > 0 and ent.doc[ent.start - 1].lower_ == "the"):
                    self._said_with_the.add(name)  # "the Cutter Fire", "the Bank of Norvania"
                self._recency[name] = self._order
        subject = _subject(root)
        label = root.i + 1 < sent.end and root.doc[root.i + 1].text in (":", "-", "–", "—")
        if subject is None and root.pos_ in ("NOUN", "PROPN") and not label:
            # "Finland, which ..., applied ...": the parser made the name the root; but "Administrative division:
            # 210 communities" is a label, not what a later "it" means
            subject = root
        if subject is not None and not heading and subject.i in dateline(sent):
            # "LINDHOLM, June 18 - The Bank of Norvania raised ...": the parser makes the dateline the subject
            # and the real one its apposition
            subject = next((c for c in subject.children if c.dep_ == "appos" and c.i not in dateline(sent)), None)
        if subject is not None and (heading or subject.i in dateline(sent)):
            subject = None  # a headline's or a dateline's first noun is not what "it" later means
        subject_person: str | None = None
        if subject is not None and subject.i not in inside:
            rep = reps.get(subject.i)
            text = rep.text if rep is not None else _coordinated(subject, sent, reps)
            as_person = next((p for p in mentions if p.head.i == subject.i), None)
            is_person = as_person is not None or (rep is not None and rep.text in self.surnames.values())
            # "The judge rejected that argument": a person nobody named, whom a later "it" never means
            described_person = rep is None and _person_description(subject)
            is_person = is_person or described_person
            if as_person is not None:
                subject_person = self._full(as_person.name)
            elif is_person and rep is not None:
                subject_person = rep.text
            quantified = any(c.dep_ == "det" and c.lower_ in NOT_A_REFERENT for c in subject.children)
            if quantified:
                self.last_subject = None  # "Neither bank would say ...": no bank for a later "its"
            elif subject.pos_ in ("NOUN", "PROPN") or rep is not None:
                kind = subject.ent_type_ if rep is None and subject.ent_type_ in ("ORG", "GPE") else ""
                lemma = subject.lemma_.lower()
                named = (  # "Tellbrook" tagged NOUN is a name all the same
                    subject.pos_ == "PROPN"
                    or subject.ent_type_ in ("ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART")
                    or any(t.i in reps for t in subject.subtree)
                )
                owner = named or lemma in ORG_HEADS or lemma in GPE_HEADS
                self.last_subject = _Referent(text, _is_plural(subject), is_person, kind, owner)
        if subject_person is None and subject is not None and subject.i in self._pointed:
            subject_person = self._pointed[subject.i]
        if (
            subject_person is None
            and self.thing_topic is None
            and self._sentences == 0
            and subject is not None
            and _name_like(subject)
        ):
            # "Heath Ledger was an Australian actor.": an encyclopedic first sentence names its topic,
            # whom the small model often does not tag as a person
            subject_person = " ".join(t.text for t in subject.subtree if t.i <= subject.i and t.pos_ == "PROPN")
            self.topic = subject_person
        self._sentences += 1
        if subject_person and self.topic is None:
            self.topic = subject_person
        named = (self._full(m.name) for m in mentions)
        people = list(dict.fromkeys([*named, *self._pointed.values(), *([subject_person] if subject_person else [])]))
        self.previous_people = tuple(people)
        self.previous_subject_person = subject_person
        # "His early film work includes ..., Brock Hudson in She's All That": a subject found after the topic's
        # own mention is a misparsed title's, not the sentence's
        topic_at = [m.head.i for m in mentions if self._full(m.name) == self.topic]
        topic_at += [i for i, name in self._pointed.items() if name == self.topic]
        self.topic_before_subject = bool(
            subject is not None
            and subject_person != self.topic
            and any(i < subject.left_edge.i for i in topic_at)  # "Lambrecht's deputy, Anouk Peeters" is hers
        )
        self.previous_subject_unknown = (
            subject is not None and subject.lower_ in ("he", "she") and subject.i not in self._pointed
        )
        if len(people) == 1 and (subject_person or self._pointed):
            self.last_person = people[0]
        elif len(people) == 1:
            # one person named only in passing ("the villages of Pell"): not whom a later "she" means
            self.last_person = None
        elif people:
            sure = subject_person is not None and subject_person == self.topic
            self.last_person = subject_person if sure else None
        for token in sent if not heading else ():
            # a headline's noun phrases are clipped ("central bank raises rates, signals pause"): they name
            # people and places for later sentences, never what "the bank" stands for
            if token.i in inside:
                continue
            named = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
            if token.pos_ == "NOUN" and token.dep_ == "appos" and token.head.pos_ == "PROPN" and token.i > token.head.i:
                # "Lumora, the fast-growing payments company, ...": a later "the company" is Lumora
                definite = any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
                if token.head.dep_ in ("nsubj", "nsubjpass") and definite and not _another(token):
                    self._name_for(token.lemma_.lower(), _whole_name(token.head, sent, reps))
                    if token.lemma_.lower() in self.fuller:
                        self.named_heads.add(token.lemma_.lower())
                    continue
            if token.pos_ == "NOUN" and named is not None and _another(token):
                continue  # "his previous novel, Dombey and Son": not what a later "the novel" means
            if token.pos_ == "NOUN" and named is not None:
                # "The planet, WASP-39b, ...": later "the planet" is WASP-39b
                self._name_for(token.lemma_.lower(), noun_phrase(named, sent, reps))
                continue
            if token.pos_ == "PROPN" and token.dep_ != "compound" and token.ent_type_ not in ("GPE", "LOC", "DATE"):
                # "The James Webb Space Telescope": later "the telescope"; "the Bank of Norvania": "the bank"
                parts = [t for t in token.subtree if t.dep_ == "compound" and t.pos_ == "PROPN" and t.i < token.i]
                of_name = any(
                    c.dep_ == "prep" and c.lower_ == "of" and any(g.pos_ == "PROPN" for g in c.children)
                    for c in token.children
                )
                if (parts or of_name) and token.text[:1].isupper():
                    self._name_for(token.lower_, _whole_name(token, sent, reps))
                    if token.lower_ in self.fuller:
                        self.named_heads.add(token.lower_)
                continue
            if token.pos_ != "NOUN" or token.tag_ != "NN":
                continue
            mods = [c for c in token.children if c.dep_ in ("amod", "compound", "poss", "prep", "nmod")]
            det = next((c for c in token.children if c.dep_ in ("det", "poss")), None)
            if mods and det is not None and det.lower_ not in ("a", "an", "any", "some", "no", "every", "each"):
                self._name_for(token.lemma_.lower(), noun_phrase(token, sent, reps))
                if det.lower_ == "the" and any(
                    t.pos_ == "PROPN" and t.ent_type_ != "NORP" for t in token.subtree if t.i < token.i
                ):
                    # "the Aldermoor city council" names one council; "the English club", "her company" do not
                    self.named_heads.add(token.lemma_.lower())
            elif mods and det is not None and det.lower_ in ("a", "an") and det.i == token.left_edge.i:
                # "A fire gutted a packaging plant in Millbrook. The plant ...": a place or a name introduces
                # the one plant the article then calls "the plant"
                phrase = _introduced(token, sent, reps)
                if phrase is not None:
                    self._name_for(token.lemma_.lower(), phrase)

    def _thing_topic(self, root: Token, subject: Token, sent: Span, reps: dict[int, Replacement]) -> None:
        """ "Kestrel Works is a Japanese animation film studio": the article is about Kestrel Works, a studio."""
        if root.lemma_ != "be" or subject.pos_ not in ("PROPN", "NOUN") or _is_plural(subject):
            return
        if subject.pos_ == "NOUN" and not any(c.lower_ == "the" for c in subject.children):
            return  # "A panda is ...": a kind, not the one thing the article is about
        attrs = [c for c in root.children if c.dep_ == "attr" and c.pos_ == "NOUN"]
        if not attrs or subject.ent_type_ == "NORP" or attrs[0].lemma_.lower() in PERSON_NOUNS:
            return
        # "Edda Marn is a Canadian criminal. She ...": a person all the same; "an airliner" ends like
        # "a footballer", so a noun of that ending takes an article that says "it" more than "he" or "she"
        person_like = attrs[0].lemma_.lower().endswith(PERSON_NOUN_ENDINGS)
        surely_thing = attrs[0].lemma_.lower() in THING_NOUNS
        outnumbered = self.person_pronouns > self.thing_pronouns
        if not surely_thing and (outnumbered or (person_like and self.person_pronouns == self.thing_pronouns)):
            return
        name = noun_phrase(subject, sent, reps)
        if not 1 <= len(name.split()) <= 6 or any(ch in name for ch in '()[]:;"') or name in self.surnames.values():
            return
        self.thing_topic = name
        for attr in [attrs[0], *(c for c in attrs[0].children if c.dep_ == "conj" and c.pos_ == "NOUN")]:
            before = frozenset(
                t.lower_
                for t in attr.subtree
                if t.i < attr.i and t.dep_ in ("amod", "compound", "npadvmod", "hmod", "punct")
            )
            self.topic_kinds[attr.lemma_.lower()] = before
            self.fuller.setdefault(attr.lemma_.lower(), self.thing_topic)

    def _name_for(self, head: str, name: str) -> None:
        """``name`` is what "the <head>" stands for, unless two names of the article share that head."""
        if head in self._shared_heads:
            return
        known = self.fuller.setdefault(head, name)
        if known.lower().removeprefix("the ") != name.lower().removeprefix("the "):
            # "the Port Ellis museum" and "the Harbour museum": "the museum" could be either
            self._shared_heads.add(head)
            self.named_heads.discard(head)
            del self.fuller[head]


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
    if not all(doc[t].text[:1].isupper() for t in name):
        return None  # "the health minister visit Castleford": a verb is no one's first name
    if len(name) == 1 and doc[name[0]].ent_type_ != "PERSON":
        return None  # "the Queen Mother", "Prime Minister Office": one word no model calls a person is no name
    return left, name


def persons_in(sent: Span) -> list[PersonMention]:
    """People a sentence names: titled names, PERSON entities, proper-noun subjects of "said"."""
    found: dict[int, PersonMention] = {}
    for ent in ents_in(sent):
        if _role(ent.root):
            continue
        name = _clean_name(ent.text)
        # the small model calls many things PERSON; a name is made of capitalised words ("WASP-39b" is not)
        looks_like_name = all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in name.split())
        # "St Elowen, a village on the north Cornish coast": a name its own aside calls a place is no person
        placed = any(c.dep_ == "appos" and c.lemma_ in PLACE_NOUNS for c in ent.root.children)
        if ent.label_ == "PERSON" and ent.root.pos_ == "PROPN" and looks_like_name and not placed:
            found[ent.root.i] = PersonMention(ent.root, name, 1)
    for token in sent:
        titled = titled_name(token)
        if titled is not None:
            name = " ".join(token.doc[i].text for i in titled[1])
            found[token.i] = PersonMention(token, name, 3)
        elif _name_like_any(token) and any(_person_description(c) for c in token.children if c.dep_ == "appos"):
            # "Marcus Feld, a lawyer at the Housing Law Project,": a person, whatever the entity recogniser says
            found[token.i] = PersonMention(token, " ".join(t.text for t in [*_name_before(token), token]), 2)
        elif token.lemma_ in SPEECH_HINTS:
            subject = _subject(token)
            if (
                subject is not None
                and subject.pos_ == "PROPN"
                and not subject.text.isupper()  # "NATO said" is not a person
                and not _org_name(subject)  # nor is "Velmora Foods said"
                and subject.ent_type_ in ("", "PERSON", "ORG")
                and subject.i not in found
            ):
                name = " ".join(t.text for t in [*_name_before(subject), subject])
                found[subject.i] = PersonMention(subject, name, 2)
    return sorted(found.values(), key=lambda p: p.head.i)


def _name_before(head: Token) -> list[Token]:
    """The proper-noun words right before ``head`` that are part of its name ("Dr Helena" of "Marsh"); never the
    words of an aside after it ("Marsh, the chief executive of the Vale Health Trust")."""
    words: list[Token] = []
    i = head.i - 1
    while i >= 0 and head.doc[i].pos_ == "PROPN" and head.doc[i].dep_ == "compound" and head.doc[i].head.i >= i:
        words.insert(0, head.doc[i])
        i -= 1
    return words


def _name_like_any(token: Token) -> bool:
    """Two to four capitalised proper-noun words ending in ``token``, whatever entity type they got."""
    parts = [t for t in token.subtree if t.i <= token.i and t.pos_ == "PROPN"]
    return (
        token.pos_ == "PROPN"
        and token.dep_ != "compound"
        and 2 <= len(parts) <= 4
        and all(t.text[:1].isupper() and t.text[1:].islower() and t.text.isalpha() for t in parts)
    )


def _person_description(noun: Token) -> bool:
    """ "a lawyer at ...", "a retired teacher", "its general counsel": a noun that only a person can be."""
    lemma = noun.lemma_.lower()
    if noun.pos_ != "NOUN":
        return False
    if lemma in PERSON_NOUNS or lemma in TITLE_WORDS or lemma.endswith(("ist", "ian", "yer", "woman", "person")):
        return True
    # "-er" and "-or" end as many things as people ("a tower", "a sector"): a person works at or for somewhere
    placed = any(c.dep_ == "prep" and c.lower_ in ("at", "for", "with") for c in noun.children)
    return lemma.endswith(("er", "or")) and placed


def _role(head: Token) -> bool:
    """A character played, not a person of the article: "starred as Temple Ruiz", "the role of Carrie Hale"."""
    if head.dep_ == "pobj" and head.head.lower_ == "as":
        return head.head.head.lemma_ in ROLE_VERBS
    if head.dep_ == "pobj" and head.head.lower_ == "of":
        return head.head.head.lemma_ in ROLE_NOUNS
    if head.dep_ == "appos" or head.dep_ == "compound":
        return head.head.lemma_ in ROLE_NOUNS
    return head.dep_ == "dobj" and head.head.lemma_ in ROLE_VERBS


def _another(noun: Token) -> bool:
    """ "his previous novel", "another film", "her first book": one of several, set apart from the one in view."""
    return any(
        (c.dep_ == "poss" and c.pos_ == "PRON") or (c.dep_ in ("amod", "det") and c.lower_ in OTHER_WORDS)
        for c in noun.children
    )


def _org_name(head: Token) -> bool:
    """ "Velmora Foods", "Harwick Crown Court", "Redmarsh Rovers": a name whose last word makes it an organisation."""
    return (
        head.pos_ == "PROPN"
        and head.lower_ in ORG_NAME_WORDS
        and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in head.children)
    )


def _clean_name(text: str) -> str:
    text = without_brackets(text)
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if text.lower().startswith("the "):
        text = text[4:]
    return text.strip()


# "HARROWFIELD, March 4 (Wire) - ", "LONDON (Reuters) — ": where and when a wire story was filed, not a claim
_DATELINE = re.compile(
    r"[A-Z][A-Z .'/-]{1,60}(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)?)?(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?: \([A-Za-z .]{2,30}\))? ?[-–—]{1,2} "
)


def dateline(sent: Span) -> set[int]:
    """The tokens of a wire dateline opening ``sent``, which no claim may use nor point back to."""
    if sent.start != 0:
        return set()
    found = _DATELINE.match(sent.text)
    if found is None:
        return set()
    end = sent.start_char + found.end()
    return {t.i for t in sent if t.idx < end}


def _same_person(first: str, second: str) -> bool:
    """Two full names of one surname are one person when the given names agree ("Sergey"/"Sergei")."""
    a, b = first.split()[0].lower(), second.split()[0].lower()
    return first == second or a[:3] == b[:3]


def pronoun_counts(texts: Iterable[str]) -> tuple[int, int]:
    """How many person pronouns ("he", "her") and thing pronouns ("it", "its") the article uses."""
    persons = things = 0
    for text in texts:
        for word in _PRONOUN_WORDS.findall(text):
            low = word.lower()
            persons += low in _PERSON_PRONOUNS
            things += low in _IT
    return persons, things


def _name_like(token: Token) -> bool:
    """A proper-noun subject of two to four capitalised words that no entity type calls a thing."""
    parts = [t for t in token.subtree if t.i <= token.i and t.pos_ == "PROPN"]
    return (
        token.pos_ == "PROPN"
        and token.ent_type_ in ("", "PERSON")
        and 2 <= len(parts) <= 4
        and all(t.text[:1].isupper() and t.text.replace("-", "").isalpha() for t in parts)
    )


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
