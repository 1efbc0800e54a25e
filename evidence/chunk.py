"""Sentences and passages.

The sentence splitter is rule-based on purpose: indexing a corpus of thousands of documents must
not wait for a parser. A boundary is end punctuation followed by whitespace and something that
can start a sentence, unless the word before the period is a known abbreviation or an initial.
Blank lines always end a sentence. Passages are windows of whole sentences that share one
sentence with the previous window, so a fact spanning a window edge is still seen whole once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidence.types import Document

Span = tuple[int, int]

_ABBREVIATION_LIST = """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    vs v cf al approx ca circa est fig figs eq eqs no nos vol vols pp p ch sec ref refs ed eds
    inc ltd co corp bros dept univ assn int natl
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    e.g i.e a.m p.m u.s u.k u.n e.u d.c b.c a.d u.s.a u.s.s.r ph.d m.d b.a m.a
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())
# End punctuation, closing quotes or brackets, whitespace, then the next sentence's first character.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+([\"'“‘(\[]?\S))")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


def _starts_sentence(first_word: str) -> bool:
    head = first_word.lstrip("\"'“‘([")
    if not head:
        return False
    # A lower-case start is still a new sentence when the word is a mixed-case name (mRNA, iPhone).
    return head[0].isupper() or head[0].isdigit() or any(ch.isupper() for ch in head[1:])


def _is_abbreviation(text: str, period: int) -> bool:
    """Whether the period at ``period`` closes an abbreviation or an initial rather than a sentence."""
    match = _WORD_BEFORE.search(text, max(0, period - 24), period + 1)
    if match is None:
        return False
    word = match.group(1).lower()
    last = match.group(1).rsplit(".", 1)[-1]
    if word in _ABBREVIATIONS or last.lower() in _ABBREVIATIONS:
        return True
    # A single capital before the period is an initial (J. R. R. Tolkien), not a sentence end.
    return len(last) == 1 and last.isupper()


def _split_paragraph(text: str, start: int, end: int, spans: list[Span]) -> None:
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        if match.group(0).rstrip("\"'”’)]") == "." and _is_abbreviation(text, match.start()):
            continue
        next_word = text[match.start(1) : end].split(None, 1)[0] if match.start(1) < end else ""
        if not _starts_sentence(next_word):
            continue
        _add_span(text, cursor, stop, spans)
        cursor = stop
    _add_span(text, cursor, end, spans)


def _add_span(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _cap_length(text: str, spans: list[Span], max_words: int) -> list[Span]:
    """Cut run-on 'sentences' (lists, tables without punctuation) so none exceeds max_words."""
    capped: list[Span] = []
    for start, end in spans:
        words = list(re.finditer(r"\S+", text[start:end]))
        if len(words) <= max_words:
            capped.append((start, end))
            continue
        for first in range(0, len(words), max_words):
            piece = words[first : first + max_words]
            capped.append((start + piece[0].start(), start + piece[-1].end()))
    return capped


def split_sentences(text: str, *, max_words: int = 120) -> tuple[Span, ...]:
    """Character spans of the sentences of ``text``, in order, whitespace trimmed."""
    spans: list[Span] = []
    cursor = 0
    for gap in _PARAGRAPH.finditer(text):
        _split_paragraph(text, cursor, gap.start(), spans)
        cursor = gap.end()
    _split_paragraph(text, cursor, len(text), spans)
    return tuple(_cap_length(text, spans, max_words))


@dataclass(frozen=True, slots=True)
class ChunkedPassage:
    """A passage before it has an id: its document, character span and sentence index range."""

    doc_id: str
    start: int
    end: int
    first_sentence: int
    last_sentence: int
    text: str


@dataclass(frozen=True, slots=True)
class ChunkedDocument:
    doc_id: str
    sentences: tuple[Span, ...]
    passages: tuple[ChunkedPassage, ...]


class Chunker:
    """Documents to sentence-aligned passages of at most about ``passage_words`` words."""

    def __init__(self, passage_words: int = 120) -> None:
        if passage_words < 10:
            raise ValueError(f"passage_words must be at least 10, got {passage_words}")
        self.passage_words = passage_words

    def windows(self, lengths: Sequence[int]) -> list[tuple[int, int]]:
        """Inclusive sentence index ranges; consecutive windows share one sentence."""
        windows: list[tuple[int, int]] = []
        first = 0
        while first < len(lengths):
            last, words = first, lengths[first]
            while last + 1 < len(lengths) and words + lengths[last + 1] <= self.passage_words:
                last += 1
                words += lengths[last]
            windows.append((first, last))
            if last == len(lengths) - 1:
                break
            # Share the last sentence with the next window, unless that window could hold nothing else.
            shareable = last > first and lengths[last] + lengths[last + 1] <= self.passage_words
            first = last if shareable else last + 1
        return windows

    def chunk(self, document: Document) -> ChunkedDocument:
        text = document.text
        sentences = split_sentences(text, max_words=self.passage_words)
        lengths = [len(text[start:end].split()) for start, end in sentences]
        passages = tuple(
            ChunkedPassage(
                doc_id=document.id,
                start=sentences[first][0],
                end=sentences[last][1],
                first_sentence=first,
                last_sentence=last,
                text=text[sentences[first][0] : sentences[last][1]],
            )
            for first, last in self.windows(lengths)
        )
        return ChunkedDocument(doc_id=document.id, sentences=sentences, passages=passages)
