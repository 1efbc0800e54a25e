"""Records produced by the claims room."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ClaimKind(StrEnum):
    """How a claim relates to the article's own voice.

    Reports and gates treat them differently: an attributed claim ("X said that Y") is true
    when X said it, while the embedded fact Y may still be checked on its own.

    The scheme, in full:

    - ``FACT``: the article states it. When the fact was taken out of reported speech
      ("Lavrov said that Russia would end the mission" gives "Russia would end the mission"),
      the claim stays ``FACT`` (it is checked as a fact) and ``Claim.attributed_to`` names the
      speaker, so a report can say who asserted it.
    - ``ATTRIBUTED``: the speech act itself, "X said that Y", with ``attributed_to`` = X.
    - ``QUOTE``: a direct quotation, kept whole with its speaker; ``attributed_to`` = the speaker.
    - ``OPINION``: the article's own judgement ("the dispute marks the latest deterioration in
      ties", "NATO should respond"); ``PREDICTION``: what it expects ("contact could be done through
      the embassy", "the talks are likely to resume"). Both are kept and labelled (``claims.kind``),
      and not checked as facts unless the user asks.
    """

    FACT = "fact"
    ATTRIBUTED = "attributed"
    QUOTE = "quote"
    OPINION = "opinion"
    PREDICTION = "prediction"


@dataclass(frozen=True, slots=True)
class Claim:
    """One checkable fact taken from an article.

    ``article[start:end] == source_text`` always holds, so a report can point at the exact
    sentence or clause; ``line`` and ``column`` are 1-based and describe ``start``.
    ``extra_spans`` keeps the spans of duplicate sentences merged into this claim.
    ``attributed_to`` is the speaker for reported speech and quotes ("" when the article's
    own voice states the claim); see ``ClaimKind`` for the scheme.
    ``needs_context`` lists the words the claim leaves to its article ("it", "the company", "last year"):
    references the article did not make certain, kept as written rather than guessed.
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
    attributed_to: str = ""
    needs_context: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """An article as read from disk.

    ``text`` is what claims' spans refer to: the decoded file for text and Markdown, the
    readable main text for HTML. ``format`` is "text", "markdown" or "html".
    """

    path: str
    text: str
    format: str
