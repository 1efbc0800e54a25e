"""Turning a selection of parsed tokens (plus a few inserted words) back into a tidy sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Punctuation that brackets an insertion; it goes when what it brackets is cut out.
BRACKETS = frozenset({",", "—", "–", "-", "--", "(", ")", ";", "[", "]"})
_QUOTES = '"“”«»'


@dataclass(frozen=True, slots=True)
class Replacement:
    """Tokens ``[start, end)`` of the doc are written as ``text`` in every claim that uses them.

    ``antecedent`` is the doc token the replacement points at when it lies in the same
    sentence; a claim that already contains that token keeps the original words (a pronoun
    next to its own antecedent needs no help).
    """

    start: int
    end: int
    text: str
    antecedent: int | None = None
    source: tuple[int, ...] = ()  # tokens of this sentence the text was taken from, for the claim's span


def cut(selected: set[int], region: Iterable[int], doc: Doc) -> None:
    """Remove ``region`` from ``selected``, with the commas, dashes or brackets around it."""
    region = set(region)
    if not region:
        return
    selected -= region
    lo, hi = min(region), max(region)
    left, right = lo - 1, hi + 1
    if left in selected and doc[left].text in BRACKETS:
        selected.discard(left)
    # a comma after the region stays when the words before it stay: it still separates them; but not when it
    # closes an aside the region opened ("bursts of activity [known as spindles, which occur ...], were")
    opened = sum(doc[i].text == "," for i in region) % 2 == 1
    keeps_comma = doc[right].text == "," and left in selected and not opened if right < len(doc) else False
    if right < len(doc) and right in selected and doc[right].text in BRACKETS and not keeps_comma:
        selected.discard(right)


# a pronunciation in IPA ("/ˈrʌfəloʊ/", "[mɑɹk ˈɹʌfəloʊ]") is never part of a claim, whatever the parse made of it
_IPA = "ˈˌəɪʊʌɒæɛɔθðŋʃʒɑɹɾʔːɐɜɨʉɯɤɘɵɞ"
_FIXES = (
    (re.compile(rf"[/\[][^/\[\]]*[{_IPA}][^/\[\]]*[/\]]"), " "),
    (re.compile(r"\s+"), " "),
    (re.compile(r"\(\s*\)"), ""),
    (re.compile(r"\s+([,.;:!?%)\]])"), r"\1"),
    (re.compile(r"([(\[])\s+"), r"\1"),
    (re.compile(r"([,;:—–])(?:\s*[,;:—–])+"), r"\1"),
    (re.compile(r"\s+(['’]s)\b"), r"\1"),
    (re.compile(r"\s+(['’])(?=\s|$)"), r"\1"),
    (re.compile(r"“\s+"), "“"),
    (re.compile(r"\s+”"), "”"),
    # a comma left hanging after a preposition or article by a cut: "implemented by, the treaty"
    (re.compile(r"\b(by|of|in|to|for|with|at|on|from|the|a|an|and),\s", re.IGNORECASE), r"\1 "),
    # a name put in for "the company's" ends in s: "Velmora Foods'", not "Velmora Foods's"
    (re.compile(r"\b([A-Z][a-z]+s)'s\b"), r"\1'"),
    # an article taken to another noun of a list agrees with its new neighbour: "an actor, a director"
    (re.compile(r"\b([Aa])n (?=[bcdfgjklmnpqrstvwxyz])"), r"\1 "),
    (re.compile(r"\b([Aa]) (?=[ai]|e(?!u|w)|o(?!n))"), r"\1n "),
)
_EDGE = re.compile(r"^[\s,;:—–\-.)\]]+|[\s,;:—–\-]+$")
_LEADING_CONJ = re.compile(r"^(?:and|but|or|so|yet|nor|then)\b[\s,]*", re.IGNORECASE)
_TRAILING_CONJ = re.compile(r"[\s,]*\b(?:and|but|or|nor)$", re.IGNORECASE)


def without_brackets(name: str) -> str:
    """ "the Bus Workers' Guild (BWG)" is "the Bus Workers' Guild": a bracket, closed or not, is no part of a name."""
    return re.sub(r"\s*[(\[][^)\]]*(?:[)\]]|$)", "", name).strip()


def tidy(text: str) -> str:
    """Whitespace, dangling punctuation and conjunctions, capital first letter, final stop."""
    for pattern, repl in _FIXES:
        text = pattern.sub(repl, text)
    previous = None
    while previous != text:
        previous = text
        text = _EDGE.sub("", text)
        text = _LEADING_CONJ.sub("", text)
        text = _TRAILING_CONJ.sub("", text)
    if text.count("(") != text.count(")"):
        text = re.sub(r"\s*[()]\s*", " ", text).strip()
    if sum(text.count(q) for q in _QUOTES) % 2:
        text = text.translate({ord(q): None for q in _QUOTES})
        text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)  # "series. ." in the article; an ellipsis stays
    text = _EDGE.sub("", text)  # what the bracket and quote fixes just left at an edge
    text = _straight_quotes(text)
    if not text:
        return ""
    first = text.split(maxsplit=1)[0]
    if not any(ch.isupper() for ch in first[1:]):  # "iPhone", "eBay" keep their own case
        text = text[0].upper() + text[1:]
    if text[-1] not in ".!?\"”’'" or (text[-1] in "\"”’'" and len(text) > 1 and text[-2] not in ".!?"):
        text += "."
    return text


# Words that begin a sentence and are capitalised for that alone ("Known for her films, she ...", "Local president
# Janine Ortiz"): mid-claim they are written small. Names, nationalities and acronyms keep their capitals.
_LOWERED_TAGS = frozenset(
    {"DT", "PRP$", "IN", "RB", "RBR", "RBS", "CC", "TO", "RP", "JJ", "JJR", "JJS", "VBN", "VBG", "NN", "NNS"}
)


# Tags a name at the start of a sentence can get from the small tagger ("Rønning said"): such a word is written
# small only when the article writes it small somewhere else.
_NAME_LIKE_TAGS = frozenset({"NN", "NNS", "JJ"})


def mid_sentence_word(token: Token) -> str:
    """``token`` as written inside a sentence: a capital it has only for starting its own goes."""
    word = token.text
    if (
        token.is_sent_start
        and token.tag_ in _LOWERED_TAGS
        and not token.ent_type_
        and word[:1].isupper()
        and not any(ch.isupper() for ch in word[1:])
        and (token.tag_ not in _NAME_LIKE_TAGS or word.lower() in _written_small(token.doc))
    ):
        return word[:1].lower() + word[1:]
    return word


def _written_small(doc: Doc) -> frozenset[str]:
    """The words ``doc`` writes in lower case somewhere (computed once per parsed text)."""
    known = doc.user_data.get("claims.small")
    if known is None:
        known = frozenset(t.text for t in doc if t.text.islower())
        doc.user_data["claims.small"] = known
    return known


def _straight_quotes(text: str) -> str:
    """Straight double quotes alternate opening and closing: no space inside either."""
    parts = text.split('"')
    if len(parts) % 2 == 0:
        return text
    for k in range(1, len(parts), 2):
        parts[k] = parts[k].strip()
    return '"'.join(parts)


# Words that open a noun phrase and are capitalised only because the phrase opened a sentence.
_PHRASE_OPENERS = frozenset(
    {"The", "This", "That", "These", "Those", "Such", "A", "An", "Some", "Many", "Most", "Several", "Both", "All"}
    | {"Few", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Dozens", "Hundreds", "Thousands"}
)


def render(
    doc: Doc,
    pieces: Sequence[int | str],
    replacements: Mapping[int, Replacement] | None = None,
    *,
    finish: bool = True,
) -> str:
    """Join doc tokens (ints, written as in the article) and inserted words (strs) into a claim.

    Replacements apply to tokens present in ``pieces``; the tokens they swallow are skipped.
    ``finish`` makes a sentence of it (capital, final stop); without it a phrase comes back.
    """
    replacements = replacements or {}
    present = {p for p in pieces if isinstance(p, int)}
    for piece in list(present):
        rep = replacements.get(piece)
        if rep is not None:
            present.update(rep.source)  # words a replacement brought in count as present too
    out: list[str] = []
    swallowed: set[int] = set()
    last_token = -2
    for piece in pieces:
        if isinstance(piece, str):
            if out and not out[-1].endswith(" "):
                out.append(" ")
            out.append(piece + " ")
            last_token = -2
            continue
        if piece in swallowed:
            continue
        token = doc[piece]
        if out and last_token != piece - 1 and not out[-1].endswith(" "):
            out.append(" ")
        rep = replacements.get(piece)
        if rep is not None and (rep.antecedent is None or rep.antecedent not in present):
            text = rep.text
            first, _, rest = text.partition(" ")
            if out and rest and first in _PHRASE_OPENERS:
                # "Such objects reflect ... the sunlight that falls on them": "on such objects"
                text = first.lower() + " " + rest
            out.append(text + doc[rep.end - 1].whitespace_)
            swallowed.update(range(rep.start + 1, rep.end))
            last_token = rep.end - 1
            continue
        mid_sentence = out and "".join(out).rstrip()[-1:] not in (".", "!", "?", '"', "”", "“")
        # "An exhibition" restated mid-claim: "... is an exhibition"
        word = mid_sentence_word(token) if mid_sentence else token.text
        out.append(word + token.whitespace_)
        last_token = piece
    text = "".join(out)
    if finish:
        return tidy(text)
    for pattern, repl in _FIXES:
        text = pattern.sub(repl, text)
    return text.strip()
