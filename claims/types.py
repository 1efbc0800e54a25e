"""Records produced by the claims room."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ClaimKind(str, Enum):
    """How a claim relates to the article's own voice.

    Reports and gates treat them differently: an attributed claim ("X said that Y") is true
    when X said it, while the embedded fact Y may still be checked on its own.
    """

    FACT = "fact"
    ATTRIBUTED = "attributed"
    QUOTE = "quote"
    OPINION = "opinion"


@dataclass(frozen=True, slots=True)
class Claim:
    """One checkable fact taken from an article.

    ``article[start:end] == source_text`` always holds, so a report can point at the exact
    sentence or clause; ``line`` and ``column`` are 1-based and describe ``start``.
    ``extra_spans`` keeps the spans of duplicate sentences merged into this claim.
    """

    id: str
    text: str
    source_text: str
    doc_id: str
    start: int
    end: int
    line: int
    column: int
    kind: ClaimKind = ClaimKind.FACT
    extra_spans: tuple[tuple[int, int], ...] = ()
