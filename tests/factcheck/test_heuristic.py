"""The heuristic verifier on hand-made evidence (retrieval is faked; spaCy is real)."""

from __future__ import annotations

import pytest

from claims.types import Claim
from evidence.types import Evidence
from factcheck.config import Settings
from factcheck.types import Label
from factcheck.verify.heuristic import HeuristicVerifier


def _claim(text: str) -> Claim:
    return Claim(f"id-{abs(hash(text))}", text, text, "a.md", 0, len(text), 1, 1)


def _evidence(sentence: str, sim: float, title: str = "Doc") -> Evidence:
    return Evidence("doc.md", title, "doc.md", 1, sentence, sentence, 0, len(sentence), 0.03, sim, 1.0, sim, 1)


@pytest.fixture(scope="module")
def verifier() -> HeuristicVerifier:
    return HeuristicVerifier(Settings())


def test_close_paraphrase_with_everything_covered_is_supported(verifier: HeuristicVerifier) -> None:
    claim = _claim("Hubble's primary mirror is 2.4 metres wide.")
    ev = _evidence("Hubble's primary mirror is 2.4 metres in diameter.", 0.9)
    (verdict,) = verifier.verify([claim], [(ev,)])
    assert verdict.label is Label.SUPPORTED
    assert verdict.evidence == (ev,)
    assert 0.5 < verdict.confidence <= 1.0


def test_year_conflict_on_same_subject_is_refuted(verifier: HeuristicVerifier) -> None:
    claim = _claim("The James Webb Space Telescope was launched in 2019 on an Ariane 5 rocket.")
    ev = _evidence(
        "It was launched on 25 December 2021 on an Ariane 5 rocket.", 0.75, title="James Webb Space Telescope"
    )
    (verdict,) = verifier.verify([claim], [(ev,)])
    assert verdict.label is Label.REFUTED
    assert "2019" in verdict.reason and "2021" in verdict.reason


def test_conflict_about_another_subject_is_not_a_refutation(verifier: HeuristicVerifier) -> None:
    claim = _claim("The Hubble Space Telescope was launched in 1985.")
    ev = _evidence("Chandra was launched in 1999 by the Space Shuttle Columbia.", 0.62, title="Chandra")
    (verdict,) = verifier.verify([claim], [(ev,)])
    assert verdict.label is Label.NOT_ENOUGH_INFO


def test_a_shared_name_is_not_enough_when_the_sentence_is_about_another_subject(verifier: HeuristicVerifier) -> None:
    # NATO is in both, so the year conflict used to count; the sentence is about Poland, not Russia.
    claim = _claim("Russia joined NATO in 2004.")
    other = _evidence("Poland joined NATO in 1999.", 0.8, title="Enlargement of NATO")
    (verdict,) = verifier.verify([claim], [(other,)])
    assert verdict.label is Label.NOT_ENOUGH_INFO
    own = _evidence("Russia joined NATO in 1999.", 0.8, title="Enlargement of NATO")
    (verdict,) = verifier.verify([claim], [(own,)])
    assert verdict.label is Label.REFUTED


def test_related_evidence_missing_a_number_is_not_enough_info(verifier: HeuristicVerifier) -> None:
    claim = _claim("Webb was assembled by more than 3,000 engineers in Baltimore.")
    ev = _evidence("Webb is an infrared observatory built by NASA.", 0.55, title="James Webb Space Telescope")
    (verdict,) = verifier.verify([claim], [(ev,)])
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert "3,000" in verdict.reason or "Baltimore".lower() in verdict.reason.lower()


def test_no_evidence_is_not_enough_info(verifier: HeuristicVerifier) -> None:
    (verdict,) = verifier.verify([_claim("Mars has two moons.")], [()])
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert verdict.evidence == ()


def test_best_of_several_evidence_decides(verifier: HeuristicVerifier) -> None:
    claim = _claim("Hubble was launched in 1990.")
    weak = _evidence("Kepler was launched in 2009.", 0.5, title="Kepler")
    strong = _evidence("Hubble was launched into orbit in 1990.", 0.93, title="Hubble")
    (verdict,) = verifier.verify([claim], [(weak, strong)])
    assert verdict.label is Label.SUPPORTED
    assert verdict.evidence == (strong,)


def test_mismatched_lengths_fail_loudly(verifier: HeuristicVerifier) -> None:
    with pytest.raises(ValueError, match="evidence lists"):
        verifier.verify([_claim("A claim.")], [])


def test_every_deciding_document_is_listed_once(verifier: HeuristicVerifier) -> None:
    claim = _claim("Hubble was launched in 1990.")
    a = _evidence("Hubble was launched into orbit in 1990.", 0.93, title="Hubble")
    b = Evidence("other.md", "Hubble", "other.md", 2, "Hubble went up in 1990.", "Hubble was launched in 1990.",
                 0, 27, 0.02, 0.9, 1.0, 0.95, 2)
    a_again = _evidence("In 1990 Hubble was launched.", 0.8, title="Hubble")
    (verdict,) = verifier.verify([claim], [(a, b, a_again)])
    assert verdict.label is Label.SUPPORTED
    assert [e.doc_id for e in verdict.evidence] == ["other.md", "doc.md"]
