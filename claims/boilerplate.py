"""What produces no claim: page furniture, headings, captions and credits, questions, opinions.

Unit-level rules look at text only (they run before parsing, so furniture costs no model
time); sentence-level rules look at the parse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from claims.lexicon import EVALUATIVE, FIRST_PERSON, SPEECH
from documents.markdown import Unit

if TYPE_CHECKING:
    from spacy.tokens import Span

_FURNITURE = re.compile(
    r"""^(?:
        loading(?:\.{3}|…)?|advertisement|advert|ad|sponsored(?:\ content)?|promoted|
        share(?:\ this)?(?:\ (?:article|story|page|post))?(?:\ (?:on|via)\ \w+)?|
        share\ on\ \w+|tweet|e-?mail|print|comments?|\d+\ comments?|subscribe(?:\ now)?|sign\ up|log\ ?in|
        skip\ to\ (?:main\ )?content|back\ to\ top|read\ more|see\ more|show\ more|more\ stories|
        listen\ to\ this\ article|\d+\ min(?:ute)?s?\ read|all\ rights\ reserved\.?|
        (?:©|\(c\)|copyright)\ .*|(?:updated|published|posted|last\ modified)\b.{0,60}|
        (?:image|media)\ (?:source|caption|copyright),?\ .*|
        (?:read(?:\ more|\ also)?|see(?:\ also|\ more)?|watch|listen|related(?:\ articles?|\ stories)?|
           also\ read|more(?:\ on\ this)?|recommended|sign\ up|subscribe|follow\ us|click\ here)\s*[:|>»-].*|
        click\ here\b.*|follow\ us\b.*|category:.*|sign\ up\ (?:for|to)\b.*newsletter.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_AGENCIES = (
    r"AP|AFP|Reuters|Getty(?:\ Images)?|EPA(?:-EFE)?|PA(?:\ Wire|\ Media)?|Xinhua|TASS|Sputnik|"
    r"Shutterstock|Alamy|Bloomberg|Anadolu(?:\ Agency)?|dpa|ANP|Kyodo|Yonhap|NurPhoto|SOPA\ Images|"
    r"Handout|Pool|File|Supplied|Wikimedia(?:\ Commons)?|Press\ Association|Associated\ Press"
)
_CREDIT = re.compile(
    rf"""^\(?\s*(?:
        (?:(?:photo|image|picture|video|illustration|graphic|footage)s?\s*(?:credit)?|credit|source|file\ photo)
            \s*[:/|]\s*.{{1,80}}|
        (?:[\w.'’ -]{{1,40}}\s*[/|]\s*)?(?:{_AGENCIES})(?:\s*(?:photo|images|/[\w .'-]{{1,40}}|via\ .{{1,40}}))?|
        (?:{_AGENCIES})\s+photo\s*[/:].{{1,60}}
    )\s*\)?\.?$""",
    re.IGNORECASE | re.VERBOSE,
)
_CAPTION = re.compile(
    r"\b(?:in\ this\ (?:\w+\ ){0,2}(?:photo|picture|image|video|photograph)|pictured|"
    r"\((?:AP|AFP|Reuters)?\s*photo|photo(?:graph)?\ (?:taken|released|provided|shows)|"
    r"file\ (?:photo|picture|image))\b",
    re.IGNORECASE | re.VERBOSE,
)
_TERMINAL = tuple(".!?\"”’'")
# Entity labels that make a sentence checkable on their own.
_CHECKABLE = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "DATE",
        "TIME",
        "PERCENT",
        "MONEY",
        "QUANTITY",
        "CARDINAL",
    }
)


def normalise(text: str) -> str:
    """Comparison key: NFKC, case-folded, letters and digits only, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def is_credit(text: str) -> bool:
    return len(text) <= 120 and bool(_CREDIT.match(text.strip()))


def unit_reason(unit: Unit) -> str | None:
    """Why a whole unit produces no claim, from its text alone; None when it may hold claims."""
    text = unit.text.strip()
    if unit.heading:
        return "heading"
    if _FURNITURE.match(text):
        return "furniture"
    if is_credit(text):
        return "credit"
    words = text.split()
    if not unit.list_item and not text.endswith(_TERMINAL) and len(words) <= 20:
        return "heading"
    if not any(ch.isalpha() for ch in text):
        return "no words"
    return None


def caption_keys(units: Sequence[Unit]) -> frozenset[str]:
    """Normalised texts of captions: a unit followed by a credit line, or worded like a caption.

    Every copy of such a text is dropped, which removes the caption repeated verbatim as
    the image's alt text or as a second caption further down.
    """
    keys = set()
    for i, unit in enumerate(units):
        nxt = units[i + 1] if i + 1 < len(units) else None
        # a caption is one sentence; a paragraph that happens to sit above a credit is not one
        one_sentence = len(re.findall(r"[.!?][\"”’')]*\s+\S", unit.text)) == 0
        credited = nxt is not None and is_credit(nxt.text) and one_sentence
        if credited or _CAPTION.search(unit.text):
            keys.add(normalise(unit.text))
    keys.discard("")
    return frozenset(keys)


def quoted_mask(sent: Span) -> list[bool]:
    """For each token of ``sent``: inside double quotation marks."""
    inside = False
    mask = []
    for token in sent:
        if token.text in ('"', "“", "”", "«", "»", "``", "''"):
            if token.text in ("“", "«", "``"):
                inside = True
            elif token.text in ("”", "»", "''"):
                inside = False
            else:
                inside = not inside
            mask.append(False)
            continue
        mask.append(inside)
    return mask


def sentence_reason(sent: Span, quoted: Sequence[bool]) -> str | None:
    """Why a parsed sentence produces no claim; None when it may hold claims."""
    text = sent.text.strip()
    if text.rstrip("\"”’'» )").endswith("?"):
        return "question"
    words = [t for t in sent if not t.is_punct and not t.is_space]
    if len(words) < 3:
        return "fragment"
    if not any(t.pos_ in ("VERB", "AUX") for t in sent):
        return "no verb"
    if _FURNITURE.match(text) or is_credit(text) or text.lstrip("([").lower().startswith(("see ", "see:")):
        return "furniture"
    checkable = any(t.ent_type_ in _CHECKABLE for t in sent) or any(t.like_num for t in sent)
    if checkable:
        return None
    outside = [t for t, q in zip(sent, quoted, strict=True) if not q]
    if any(t.lower_ in FIRST_PERSON for t in outside):
        return "opinion"
    root = sent.root
    if root.lemma_ in SPEECH and any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
        return None  # "They argued that ... should ...": whose view it is can be checked
    if any(t.lower_ in EVALUATIVE for t in outside):
        return "opinion"
    return None
