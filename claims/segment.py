"""Sentences of parsed units, with quotations kept whole and raw offsets attached."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claims.boilerplate import quoted_mask
from documents.markdown import Unit

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_QUOTE_CHARS = ('"', "“", "”", "«", "»")
# A quotation spanning more sentences than this is treated as unbalanced marks, not one quote.
MAX_QUOTE_SENTENCES = 6


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or a quotation running over several) of one unit; internal to the room."""

    unit: Unit
    span: Span
    quoted: tuple[bool, ...]

    @property
    def doc(self) -> Doc:
        return self.span.doc

    def raw_span(self, tokens: Sequence[Token] | None = None) -> tuple[int, int]:
        """Raw (start, end) covering ``tokens`` (default: the whole sentence)."""
        tokens = tokens if tokens is not None else [t for t in self.span if not t.is_space]
        first = min(tokens, key=lambda t: t.i)
        last = max(tokens, key=lambda t: t.i)
        return self.unit.raw_span(first.idx, last.idx + len(last.text))


def _quote_marks(span: Span) -> int:
    return sum(span.text.count(q) for q in _QUOTE_CHARS)


def sentences(unit: Unit, doc: Doc) -> Iterator[Sentence]:
    """Sentences of ``doc``; consecutive ones are merged while a quotation is still open."""
    group: list[Span] = []
    marks = 0
    for sent in doc.sents:
        group.append(sent)
        marks += _quote_marks(sent)
        if marks % 2 and len(group) < MAX_QUOTE_SENTENCES:
            continue
        yield _make(unit, doc, group)
        group, marks = [], 0
    if group:
        yield _make(unit, doc, group)


def _make(unit: Unit, doc: Doc, group: list[Span]) -> Sentence:
    span = doc[group[0].start : group[-1].end]
    # trim whitespace tokens at the edges so spans never start or end in blank space
    start, end = span.start, span.end
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    span = doc[start:end] if end > start else span
    return Sentence(unit, span, tuple(quoted_mask(span)))
