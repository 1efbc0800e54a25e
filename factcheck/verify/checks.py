"""Typed consistency checks between a claim and one evidence sentence.

Each check names what it compared, so a verdict can say why ("year 2019 vs 2021").
"""

from __future__ import annotations

import re

from factcheck.types import CheckResult
from factcheck.verify.abbreviations import definitions
from factcheck.verify.facts import Rate, TextFacts, normalise_name

_WORD = re.compile(r"\w+")


def compare(
    claim: TextFacts, sentence: TextFacts, context: str, *, polarity_of_same_thing: bool = True
) -> tuple[CheckResult, ...]:
    """Compare the claim with a sentence; ``context`` (passage and title) counts for coverage only.

    A value stated differently in the sentence itself is a conflict; a value found nowhere in the
    sentence or its context is missing; otherwise it matches. With ``polarity_of_same_thing`` off,
    any difference of polarity is a conflict (the heuristic, which only acts on it for a
    near-verbatim sentence, keeps that reading).
    """
    context_low = f"{sentence.text}\n{context}".lower()
    results: list[CheckResult] = []
    results.extend(_years(claim, sentence, context_low))
    results.extend(_quantities(claim, sentence, context_low))
    defined = {**_bracketed(claim.text), **definitions(f"{claim.text}\n{context}\n{sentence.text}")}
    results.extend(_names(claim, sentence, context_low, defined))
    # Polarities conflict only over the same thing: "gave no more details" is not contradicted by a
    # sentence that affirms something else about the same man.
    if claim.negated != sentence.negated and (not polarity_of_same_thing or _same_predicate(claim, sentence)):
        results.append(
            CheckResult("negation", "conflict", _polarity(claim.negated), _polarity(sentence.negated))
        )
    return tuple(results)


def _same_predicate(claim: TextFacts, sentence: TextFacts) -> bool:
    """Whether what the negated side denies is spoken of on the other side (as a content lemma)."""
    negated, other = (claim, sentence) if claim.negated else (sentence, claim)
    return not negated.negated_words or bool(negated.negated_words & other.content)


def about_same_subject(claim: TextFacts, sentence: TextFacts, checks: tuple[CheckResult, ...]) -> bool:
    """Whether a sentence speaks of the claim's own subject, so that a conflict in it counts:
    it shares one of the claim's names, or (for a claim without names) most of its content words."""
    if any(c.name == "name" for c in checks):
        return any(c.name == "name" and c.outcome == "match" for c in checks)
    return len(claim.content & sentence.content) / max(1, len(claim.content)) >= 0.5


def subject_check(claim: TextFacts, sentence: TextFacts, title: str, context: str = "") -> CheckResult | None:
    """Whether the sentence (or its document's title) names the claim's grammatical subject.

    A sentence can only contradict a claim about the thing the claim is about: "Russia is not a
    member of NATO" is not refuted by a sentence on France's NATO membership, though both name NATO.
    A subject word counts as named as a lemma, a whole word, or one letter apart; at least half of
    the subject's words must be named ("bone marrow cells" is named by "bone marrow transplantation",
    "NATO's liaison mission" is not by "NATO"), and so must both sides of a hyphen-joined pair of
    names ("the NATO-Russia Council" is not named by "Russia ... the Council of Europe"). None when the
    claim has no noun subject (a pronoun, "there"), since nothing can then be required. An abbreviation
    that ``context`` (the passage) defines counts as named by its long form, and the words of a long
    form by its abbreviation.
    """
    if not claim.subject:
        return None
    text_low = f"{sentence.text}\n{title}".lower()
    abbreviations = definitions(f"{claim.text}\n{title}\n{context}\n{sentence.text}")
    claim_low = claim.text.lower()
    by_short = {
        word
        for long, short in abbreviations.items()
        if len(long) > len(short) and _contains(claim_low, long) and _contains(text_low, short)
        for word in _WORD.findall(long)
    }
    words = set(_WORD.findall(text_low))

    def is_named(word: str) -> bool:
        alias = abbreviations.get(word)
        return (
            word in sentence.content
            or _contains(text_low, word)
            or word in by_short
            or (alias is not None and len(alias) > len(word) and _contains(text_low, alias))
            or _transliterated(word, words)
        )

    named = sum(is_named(word) for word in claim.subject)
    subject = " ".join(claim.subject)
    joined = [pair for pair in _joined_names(claim.text, claim.subject) if not all(map(is_named, pair))]
    if 2 * named < len(claim.subject) or joined:
        return CheckResult("subject", "missing", " ".join([*(f"{a}-{b}" for a, b in joined), subject]))
    return CheckResult("subject", "match", subject, subject)


# Two capitalised names joined by a hyphen ("NATO-Russia Council", "US-China trade talks") name one
# joint thing: a sentence naming only one side ("Russia ... the Council of Europe") is about another.
# The parser leaves such a pair out of the subject ("council"), so it is read off the claim's text.
_JOINED = re.compile(r"\b([A-Z][A-Za-z]+)[-\u2010\u2013]([A-Z][A-Za-z]+)((?:\s+[A-Za-z]+){0,3})")


def _joined_names(text: str, subject: tuple[str, ...]) -> list[tuple[str, str]]:
    """Hyphen-joined name pairs that are, or directly narrow, the subject (a subject word among the
    pair or the three words after it)."""
    pairs = []
    for first, second, after in _JOINED.findall(text):
        near = [first.lower(), second.lower(), *after.lower().split()]
        if any(w == s or (w.startswith(s) and len(w) - len(s) <= 2) for w in near for s in subject):
            pairs.append((first.lower(), second.lower()))
    return pairs


def _years(claim: TextFacts, sentence: TextFacts, context_low: str) -> list[CheckResult]:
    out = []
    for year in sorted(claim.years):
        if year in sentence.years or _number_in(context_low, year):
            out.append(CheckResult("year", "match", year, year))
        elif sentence.years:
            out.append(CheckResult("year", "conflict", year, ", ".join(sorted(sentence.years))))
        else:
            out.append(CheckResult("year", "missing", year))
    return out


def _quantities(claim: TextFacts, sentence: TextFacts, context_low: str) -> list[CheckResult]:
    out = []
    # A share the sentence states in another form ("one in five" for "21%", "1/2000" for "493 per
    # million") matches it; the claim's numbers inside that share are then accounted for.
    covered: list[str] = []
    for rate in claim.rates:
        same = next((s for s in sentence.rates if _same_share(rate, s)), None)
        if same is not None:
            out.append(CheckResult("number", "match", rate.text, same.text))
            covered.append(rate.text.lower())
    for q in claim.quantities:
        if any(_contains(text, q.text.lower()) for text in covered):
            continue
        same_unit = [s for s in sentence.quantities if q.unit and s.unit == q.unit]
        if any(_close(q.value, s.value) for s in sentence.quantities) or _number_in(context_low, q.text.lower()):
            out.append(CheckResult("number", "match", q.text, q.text))
        elif same_unit:
            out.append(CheckResult("number", "conflict", q.text, ", ".join(s.text for s in same_unit)))
        else:
            out.append(CheckResult("number", "missing", q.text))
    return out


def _names(
    claim: TextFacts, sentence: TextFacts, context_low: str, defined: dict[str, str]
) -> list[CheckResult]:
    """Each name of the claim, found in the sentence or its context, stated differently there, or missing.

    ``defined`` maps the abbreviations the claim, the passage or the sentence define to their long forms (and
    back), and a short form the claim puts in brackets to the word before it: "zidovudine (AZT)" in a claim is
    found in a passage that says "zidovudine". A lone letter or digit
    ("3" of "3-kinase", "α") is no name to look for.
    """
    out = []
    sentence_names = {name for name, _ in sentence.entities}
    claim_names = {name for name, _ in claim.entities}
    claim_low = claim.text.lower()
    for name, label in claim.entities:
        if len(name) < 2:
            continue
        alias = defined.get(name)
        if _name_found(name, sentence_names, context_low) or (
            alias is not None and _name_found(alias, sentence_names, context_low)
        ):
            out.append(CheckResult("name", "match", name, name))
            continue
        # An untagged proper noun has no type to compare, so it can be missing but never conflict.
        rivals = sorted(
            other
            for other, other_label in sentence.entities
            if label != "PROPN"
            and other_label == label
            and not _name_found(other, claim_names, claim_low)
            and not _same_stem(other, claim_names)
        )
        if rivals:
            out.append(CheckResult("name", "conflict", name, ", ".join(rivals)))
        else:
            out.append(CheckResult("name", "missing", name))
    return out


# "resistance to zidovudine (AZT)": a claim that gives a short form in brackets names the word before it
_BRACKETED = re.compile(r"([^\W\d_][\w\-]{2,})\s*\(\s*([^\W_][\w\-/]{1,9})\s*\)")


def _bracketed(claim_text: str) -> dict[str, str]:
    """Short form -> the word the claim writes before it, for short forms with a capital ("AZT", "DCs")."""
    return {
        short.lower(): word.lower()
        for word, short in _BRACKETED.findall(claim_text)
        if any(ch.isupper() for ch in short) and not short.isdigit()
    }


def _name_found(name: str, names: set[str], text_low: str) -> bool:
    if name in names or _contains(text_low, name):
        return True
    # "TCR/CD8" is "TCR-CD8": a slash and a hyphen join the same two names.
    if "/" in name and _contains(text_low.replace("/", "-"), name.replace("/", "-")):
        return True
    # "Webb" matches "James Webb Space Telescope", "NATO's" matches "NATO": compare significant words.
    words = [w for w in normalise_name(name).split() if len(w) > 2]
    if not words:
        return False
    text_words: set[str] | None = None
    for word in words:
        if _contains(text_low, word):
            continue
        if text_words is None:
            text_words = set(_WORD.findall(text_low))
        if not _transliterated(word, text_words):
            return False
    return True


def _transliterated(word: str, text_words: set[str]) -> bool:
    """Transliterations differ by a letter (Sergei / Sergey; Tchaikovsky / Chaikovsky is too far): a
    word of five letters or more one edit away from a word of the text, same first letter, is the same."""
    return len(word) >= 5 and any(
        t[0] == word[0] and _one_edit_apart(word, t) for t in text_words if abs(len(t) - len(word)) <= 1
    )


def _same_stem(name: str, names: set[str]) -> bool:
    """Whether a word of ``name`` shares its first five letters with a word of one of ``names``: the
    "Russian Federation" is no rival to a claim about "Russia", nor "Ukrainian" to "Ukraine"."""
    stems = {w[:5] for other in names for w in normalise_name(other).split() if len(w) >= 5}
    return any(w[:5] in stems for w in normalise_name(name).split() if len(w) >= 5)


def _contains(text_low: str, term: str) -> bool:
    """``term`` in the text as whole words: "Russia" is not found in "Prussia"."""
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text_low) is not None


def _number_in(text_low: str, term: str) -> bool:
    """``term`` (a number as written) in the text as a whole number: a claim's "1" is not found in
    "1998", "1.5" or "1,000", nor "19" in "1990s"."""
    return re.search(rf"(?<!\w)(?<!\d[.,]){re.escape(term)}(?!\w)(?![.,]\d)", text_low) is not None


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether b is a with one letter changed, inserted or deleted (or equal)."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


def _same_share(a: Rate, b: Rate) -> bool:
    """Two shares in one form must agree as numbers do; across forms a rounding is allowed, since "one
    in five" is how "21%" is said (5% of the value, or half a percentage point)."""
    if a.kind == b.kind:
        return _close(a.value, b.value)
    top = max(a.value, b.value)
    return abs(a.value - b.value) <= max(0.05 * top, 0.005 if top > 0.05 else 0.0)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), abs(b), 1e-9)


def _polarity(negated: bool) -> str:
    return "negated" if negated else "affirmed"
