"""The HTML report's gate banner, filter badges, card links and nested marks, on hand-made verdicts."""

from __future__ import annotations

import re

from claims.types import Claim
from factcheck.config import Settings
from factcheck.gate import GatePolicy
from factcheck.report.html import render_html
from factcheck.types import ArticleResult, Label, Report, RunManifest, Verdict

ARTICLE = "Webb, which launched in 2019, has 18 mirror segments. Mars has 9 moons.\n"


def _verdict(text: str, cid: str, label: Label, confidence: float = 0.8) -> Verdict:
    start = ARTICLE.index(text)
    claim = Claim(cid, text, text, "a.md", start, start + len(text), 1, start + 1)
    return Verdict(claim, label, confidence, (), (), "why")


def _report(*verdicts: Verdict) -> Report:
    manifest = RunManifest("0.1.0", "spacy", "minilm", "h", "heuristic-v1", "idx", 2, 3, Settings().items())
    return Report(1, manifest, (ArticleResult("a.md", verdicts),))


def test_gate_banner_and_badges_state_the_outcome() -> None:
    report = _report(
        _verdict("Webb, which launched in 2019", "c1", Label.REFUTED, 0.9),
        _verdict("Mars has 9 moons.", "c2", Label.NOT_ENOUGH_INFO),
    )
    failed = render_html(report, {"a.md": ARTICLE}, GatePolicy())
    assert '<p class="gate failed" role="status">Gate failed: 1 REFUTED (policy refuted).</p>' in failed
    badges = re.findall(r'<button type="button" class="badge[^"]*" data-filter="(\w+)"[^>]*>([^<]*)</button>', failed)
    assert badges == [
        ("all", "All 2"), ("sup", "0 SUPPORTED"), ("ref", "1 REFUTED"), ("nei", "1 NOT ENOUGH INFO"),
        ("fail", "1 failing the gate"),
    ]
    assert 'id="a0-c1" data-fails=1>' in failed and 'id="a0-c2">' in failed
    passed = render_html(report, {"a.md": ARTICLE}, GatePolicy("never"))
    assert '<p class="gate passed" role="status">Gate passed: 0 of 2 claims fail policy never.</p>' in passed


def test_overlapping_claims_nest_with_their_own_depth_and_cards_link_back() -> None:
    outer = _verdict("Webb, which launched in 2019, has 18 mirror segments.", "long", Label.SUPPORTED)
    inner = _verdict("Webb, which launched in 2019", "short", Label.REFUTED, 0.9)
    page = render_html(_report(outer, inner), {"a.md": ARTICLE}, GatePolicy())
    # Where both claims cover the text, the deeper underline is the outer mark; both keep their colour.
    assert (
        '<mark class="ref lv1" data-card="a0-short" id="m0-short">'
        '<mark class="sup lv0" data-card="a0-long" id="m0-long">Webb, which launched in 2019</mark></mark>'
    ) in page
    # The rest of the long claim is marked alone, without a second id.
    assert '<mark class="sup lv0" data-card="a0-long">, has 18 mirror segments.</mark>' in page
    assert page.count('id="m0-long"') == 1
    # Each card links to its claim's first mark; the segment's link goes to the card that matters most.
    assert '<a class="goto" href="#m0-long" title="Show in the article">line 1, column 1</a>' in page
    assert '<a class="goto" href="#m0-short"' in page
    assert '<a class="claim" href="#a0-short" title="' in page


def test_cards_without_a_place_in_the_article_have_no_link() -> None:
    page = render_html(_report(_verdict("Mars has 9 moons.", "c2", Label.SUPPORTED)), {}, GatePolicy())
    assert 'class="goto"' not in page and f"line 1, column {ARTICLE.index('Mars') + 1}" in page
