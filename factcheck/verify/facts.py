"""Typed facts read off a sentence: years, numbers with units, named entities, negation.

The verifier compares these between a claim and an evidence sentence; a spaCy pipeline gives the
entities and lemmas, and small rules give the values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from claims.nlp import SPACY_MODEL
from factcheck.errors import FactcheckError

# Entity types that name something; two names can only conflict within one group, because the small
# spaCy model often swaps ORG, FAC and PRODUCT (or GPE and LOC) for the same thing.
NAME_GROUPS = {
    "PERSON": "person",
    "NORP": "group",
    "ORG": "thing", "FAC": "thing", "PRODUCT": "thing",
    "GPE": "place", "LOC": "place",
    "EVENT": "event", "WORK_OF_ART": "event", "LAW": "event",
}
NAME_LABELS = frozenset(NAME_GROUPS)
NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY", "ORDINAL"})
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})s?$")
_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "dozen": 12, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth"})
_NEGATIONS = frozenset({"not", "never", "no", "n't", "neither", "nor", "without"})
# Head nouns that say how much or which aspect, not what ("a total of 1,000 people", "the use of
# aspirin", "AMPK activation"): the subject is then what narrows them, and without that there is none.
_LIGHT_HEADS = frozenset({
    "total", "number", "amount", "level", "rate", "use", "effect", "role", "presence", "absence", "lack",
    "loss", "risk", "increase", "decrease", "reduction", "activation", "expression", "treatment",
    "administration", "exposure", "deficiency", "majority", "proportion", "percentage", "group", "study",
})
_ARTICLES = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str
    text: str


@dataclass(frozen=True, slots=True)
class Rate:
    """A share stated as a percentage ("20%"), a ratio ("one in five", "1/2000") or a rate per so many
    ("493 per million"), as a fraction: 0.2, 0.0005, 0.000493. ``kind`` is which of the three forms."""

    value: float
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class TextFacts:
    text: str
    years: frozenset[str]
    quantities: tuple[Quantity, ...]
    entities: tuple[tuple[str, str], ...]
    negated: bool
    content: frozenset[str]
    # The words of the main clause's grammatical subject ("NATO's liaison mission" -> nato, liaison,
    # mission; lemmas, lowercased); empty for a pronoun, "there" or no subject at all.
    subject: tuple[str, ...] = ()
    rates: tuple[Rate, ...] = ()
    # What the negations deny: the lemma each negation attaches to ("not linked" -> link, "no more
    # details" -> detail), or the complement of a negated copula ("is not a member" -> member).
    negated_words: frozenset[str] = frozenset()


class FactReader:
    """Reads ``TextFacts`` for many texts in one spaCy pass."""

    def __init__(self, model: str = SPACY_MODEL) -> None:
        self.model = model

    def read(self, texts: Sequence[str]) -> tuple[TextFacts, ...]:
        nlp = _load(self.model)
        return tuple(_facts(doc) for doc in nlp.pipe(texts, batch_size=64))


def _load(model: str) -> Any:
    # The parser is needed for negation; the lemmatizer for content words. The claims room loads the same
    # pipeline: one load per process serves both.
    from claims import ModelNotFound
    from claims.nlp import load_pipeline

    try:
        return load_pipeline(model)
    except ModelNotFound as exc:
        raise FactcheckError(f"{exc}") from exc


def _facts(doc: Any) -> TextFacts:
    years: set[str] = set()
    quantities: list[Quantity] = []
    entities: list[tuple[str, str]] = []
    in_number_entity: set[int] = set()
    rates, rate_spans = read_rates(doc.text)

    def in_rate(tok: Any) -> bool:  # "1 in 2000": 2000 is a denominator, not a year
        return any(a <= tok.idx < b for a, b in rate_spans)

    for ent in doc.ents:
        if ent.label_ in NAME_LABELS:
            entities.append((normalise_name(ent.text), NAME_GROUPS[ent.label_]))
        elif ent.label_ == "DATE":
            for tok in ent:
                if _YEAR.match(tok.text) and not in_rate(tok):
                    years.add(tok.text.rstrip("s"))
        elif ent.label_ in NUMBER_LABELS:
            quantity = _quantity(ent)
            if quantity is not None:
                quantities.append(quantity)
            in_number_entity.update(range(ent.start, ent.end))
    named_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    for tok in doc:
        # Proper nouns spaCy did not tag still name something the evidence must mention.
        if tok.pos_ == "PROPN" and tok.i not in named_tokens and not tok.like_num:
            entities.append((normalise_name(tok.text), "PROPN"))
        # Years spaCy did not tag as dates ("in 2002" inside a longer entity, or untagged).
        if (
            _YEAR.match(tok.text)
            and tok.i not in in_number_entity
            and tok.ent_type_ not in NAME_LABELS
            and not in_rate(tok)
        ):
            years.add(tok.text.rstrip("s"))
    negated = any(tok.dep_ == "neg" or tok.lower_ in _NEGATIONS for tok in doc)
    content = frozenset(
        tok.lemma_.lower()
        for tok in doc
        if not tok.is_stop and not tok.is_punct and tok.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
    )
    return TextFacts(
        doc.text, frozenset(years), tuple(quantities), tuple(entities), negated, content, _subject(doc), rates,
        _negated_words(doc),
    )  # fmt: skip


def _negated_words(doc: Any) -> frozenset[str]:
    words = set()
    for tok in doc:
        if not (tok.dep_ == "neg" or tok.lower_ in _NEGATIONS):
            continue
        if tok.lower_ == "without":  # "without side effects": what is denied is the object
            targets = [c for c in tok.children if c.dep_ == "pobj"]
        elif tok.head.lemma_ == "be" or tok.head.pos_ == "AUX":
            targets = [c for c in tok.head.children if c.dep_ in ("attr", "acomp", "oprd")] or [tok.head]
        else:
            # "do not have side effects": a light verb's object says what is denied, so it counts too.
            targets = [tok.head, *(c for c in tok.head.children if c.dep_ in ("dobj", "attr", "acomp"))]
        words.update(t.lemma_.lower() for t in targets if t is not tok)
    return frozenset(words)


def _subject(doc: Any) -> tuple[str, ...]:
    """The subject of the first sentence's root: its head word plus the nouns and names that narrow it
    (compounds and possessors: "liaison" and "NATO" in "NATO's liaison mission"). A proper-noun head is
    a name on its own, so its titles ("NATO Secretary General ...") are left out."""
    root = next((tok for tok in doc if tok.dep_ == "ROOT"), None)
    if root is None:
        return ()
    subjects = ("nsubj", "nsubjpass")
    # The small parser sometimes hangs the clause off a noun ("Russia annexed Ukraine's Crimean
    # Peninsula" parses with "Peninsula" as root): then the first subject anywhere stands in.
    head = next((tok for tok in root.children if tok.dep_ in subjects), None) or next(
        (tok for tok in doc if tok.dep_ in subjects), None
    )
    if head is None or head.pos_ not in ("NOUN", "PROPN"):
        return ()
    words = [] if head.lemma_.lower() in _LIGHT_HEADS else [head]
    if head.pos_ == "NOUN":
        stack = [head]
        while stack:
            tok = stack.pop()
            for child in tok.children:
                if (
                    child.dep_ in ("compound", "poss")
                    and child.pos_ in ("NOUN", "PROPN")
                    and any(ch.isalnum() for ch in child.text)
                ):
                    words.append(child)
                    stack.append(child)
        if not words:  # "the use of aspirin": the object of "of" is what the claim is about
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
                words.append(obj)
    return tuple(sorted({(tok.lemma_ if tok.pos_ == "NOUN" else tok.text).lower() for tok in words}))


def _quantity(ent: Any) -> Quantity | None:
    value: float | None = None
    scale = 1.0
    for tok in ent:
        low = tok.lower_.replace(",", "")
        if low in _SCALES:
            scale *= _SCALES[low]
            continue
        if value is None:
            try:
                value = float(low.rstrip("%"))
            except ValueError:
                value = _WORD_NUMBERS.get(low)
                if value is not None:
                    value = float(value)
    if value is None:
        return None
    if _YEAR.match(ent.text.strip()):
        return None
    # The unit is the noun the number counts: the entity's own head noun ("2.4 metres") or the
    # noun it modifies ("eight diplomats", "more than 3,000 engineers").
    root = ent.root
    unit = ""
    if root.pos_ in {"NOUN", "PROPN"} and not root.like_num:
        unit = root.lemma_.lower()
    elif root.dep_ in {"nummod", "quantmod", "amod", "compound"} and root.head.pos_ in {"NOUN", "PROPN"}:
        unit = root.head.lemma_.lower()
    if ent.label_ == "PERCENT":
        unit = "%"
    return Quantity(value * scale, unit, ent.text)


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SMALL = "|".join(sorted((w for w, v in _WORD_NUMBERS.items() if 1 <= v <= 20 and w not in _ORDINALS), key=len,
                         reverse=True))
_SCALE = r"hundred|thousand|million|billion"
_PERCENT = re.compile(rf"(?<![\w.,])({_NUM})\s*(?:%|percent\b|per\s+cent\b)", re.IGNORECASE)
# "one in five", "1 out of every 3", "2 in 1,000", "one in a million"
_RATIO = re.compile(
    rf"(?<![\w.,])({_NUM}|{_SMALL}|an?)\s+(?:in|out\s+of)\s+(?:every\s+|a\s+)?({_NUM}|{_SMALL}|{_SCALE})"
    rf"(?:\s+({_SCALE}))?\b(?![.,]\d)",
    re.IGNORECASE,
)
# "493 per million", "5.2 per 100,000", "12 per 1,000 births"
_PER = re.compile(
    rf"(?<![\w.,])({_NUM})\s+per\s+(?:one\s+|a\s+)?({_NUM}|{_SCALE})(?:\s+({_SCALE}))?\b(?![.,]\d)",
    re.IGNORECASE,
)
# "1/2000", "3/4"; not dates (no second slash) and not "24/7" (a share is at most one)
_SLASH = re.compile(rf"(?<![\w./,])({_NUM})\s*/\s*({_NUM})(?![\w/]|[.,]\d)")


def read_rates(text: str) -> tuple[tuple[Rate, ...], tuple[tuple[int, int], ...]]:
    """Shares stated in ``text`` (see ``Rate``) and their character spans, in text order. Only shares
    between 0 and 1 count: "24/7" and "5 in 2" are not rates of anything."""
    found: list[tuple[int, int, Rate]] = []
    for match in _PERCENT.finditer(text):
        found.append((match.start(), match.end(), Rate(_number(match.group(1)) / 100, "percent", match.group(0))))
    for pattern, kind in ((_RATIO, "ratio"), (_PER, "per"), (_SLASH, "ratio")):
        for match in pattern.finditer(text):
            numerator = _number(match.group(1))
            denominator = _number(match.group(2)) * (_number(match.group(3)) if match.lastindex == 3 and
                                                      match.group(3) else 1.0)  # fmt: skip
            year_like = _YEAR.match(match.group(2)) is not None and match.lastindex != 3
            if year_like and numerator != 1:
                continue  # "3 in 2019" is a count in a year
            if denominator >= 2 and 0 < numerator <= denominator:
                found.append((match.start(), match.end(), Rate(numerator / denominator, kind, match.group(0))))
    found.sort(key=lambda item: (item[0], -item[1]))
    kept: list[tuple[int, int, Rate]] = []
    for start, end, rate in found:
        if not kept or start >= kept[-1][1]:  # overlapping readings: the first, longest one
            kept.append((start, end, rate))
    return tuple(r for _, _, r in kept), tuple((a, b) for a, b, _ in kept)


def _number(word: str) -> float:
    low = word.lower().replace(",", "")
    if low in ("a", "an"):
        return 1.0
    if low in _SCALES:
        return _SCALES[low]
    if low == "hundred":
        return 100.0
    if low in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[low])
    return float(low)


def normalise_name(text: str) -> str:
    text = _ARTICLES.sub("", text.strip())
    text = re.sub(r"['’]s$", "", text)
    return re.sub(r"\s+", " ", text).lower()
