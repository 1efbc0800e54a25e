"""Invariants over any input text, with hypothesis and the real spaCy pipeline."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import ClaimExtractor

# Pieces that exercise Markdown, quotes, dashes, brackets and boilerplate, mixed with words.
PIECES = [
    "NATO",
    "Russia",
    "Lavrov",
    "said",
    "that",
    "the",
    "alliance",
    "was",
    "founded",
    "in",
    "1949",
    "and",
    "which",
    "he",
    "it",
    "its",
    "they",
    ",",
    ".",
    "?",
    "!",
    "—",
    "(",
    ")",
    '"',
    "“",
    "”",
    "'s",
    "\n",
    "\n\n",
    "# ",
    "- ",
    "* ",
    "> ",
    "**",
    "*",
    "_",
    "`",
    "[",
    "](http://x.y)",
    "![i](p.png)",
    "<b>",
    "</b>",
    "AP",
    "Loading...",
    "READ MORE: ",
    "```",
    "\r\n",
    "\t",
    "  ",
    "é",
    "中文",
    "\u200b",
    "\ufeff",
    "🙂",
    "\x00",
]
RICH_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=80).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=120).map("".join),
)

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(text=RICH_TEXT)
def test_spans_point_into_the_text(extractor: ClaimExtractor, text: str) -> None:
    claims = extractor.extract(text, doc_id="prop")
    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.source_text
        assert claim.source_text == claim.source_text.strip()
        lines = text[: claim.start].split("\n")
        assert (claim.line, claim.column) == (len(lines), len(lines[-1]) + 1)
        assert claim.text.strip() and claim.doc_id == "prop"
        for start, end in claim.extra_spans:
            assert 0 <= start < end <= len(text)
    assert len({c.id for c in claims}) == len(claims)
    assert [c.start for c in claims] == sorted(c.start for c in claims)


@SETTINGS
@given(text=RICH_TEXT)
def test_ids_are_stable_across_runs(extractor: ClaimExtractor, text: str) -> None:
    first = extractor.extract(text, doc_id="x")
    assert first == extractor.extract(text, doc_id="x")


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=200) | st.text(max_size=200))
def test_never_raises_on_any_unicode(extractor: ClaimExtractor, text: str) -> None:
    # surrogates, controls, combining marks, right-to-left text: all are just text
    assert isinstance(extractor.extract(text), tuple)
