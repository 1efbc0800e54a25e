"""The claims stage grows linearly with the article: one huge line costs what its paragraphs cost."""

from __future__ import annotations

import time

import pytest

from claims.context import ents_in
from factcheck.demo import DEMO_ARTICLE

pytestmark = pytest.mark.reliability


def _one_line(size: int) -> str:
    prose = " ".join(line.strip() for line in DEMO_ARTICLE.read_text().splitlines() if line.strip()[:1].isalpha())
    return ((prose + " ") * (size // len(prose) + 1))[:size].rsplit(" ", 1)[0]


def test_entities_of_a_span_are_spacys_own(extractor) -> None:
    nlp = extractor._pipeline()
    doc = nlp(_one_line(3000))
    spans = [*doc.sents, doc[0:5], doc[3:40], doc[:], doc[len(doc) - 3 :]]
    for span in spans:
        assert [(e.start, e.end, e.label_) for e in ents_in(span)] == [(e.start, e.end, e.label_) for e in span.ents]


def test_a_long_single_line_is_not_quadratic(extractor) -> None:
    # 200 KB on one line took minutes when every sentence rebuilt the entities of its whole paragraph.
    extractor.extract("Warm-up sentence about the Moon.")
    text = _one_line(200_000)
    started = time.process_time()
    claims = extractor.extract(text)
    spent = time.process_time() - started
    print(f"\nclaims of a 200 KB single line: {spent:.1f} s CPU, {len(claims)} claims")
    assert claims
    assert spent < 120, f"{spent:.0f} s of CPU for 200 KB"
