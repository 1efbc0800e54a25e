"""A claim that keeps an unresolved reference says so: ``Claim.needs_context`` lists the words."""

from __future__ import annotations

import pytest

from claims import ClaimExtractor
from claims.unresolved import needs_context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The company will cut 300 jobs.", ("the company",)),
        ("Its fourth increase this year would hurt exporters.", ("its", "this year")),
        ("Sales fell two years ago.", ("two years ago",)),
        ("He voted against the budget.", ("he",)),
        # named, or no referent at all: nothing is missing
        ("The company Velmo Ltd employs 600 people.", ()),
        ("The council of Europe met in Strasbourg.", ()),
        ("It is likely that rates will rise.", ()),
        ("Velmo Ltd employs 600 people.", ()),
    ],
)
def test_words_left_to_the_article(text: str, expected: tuple[str, ...]) -> None:
    assert needs_context(text) == expected


def test_a_pronoun_speaker_needs_context_too() -> None:
    assert needs_context("Rates will rise.", "It") == ("it",)
    assert needs_context("Rates will rise.", "Lars Eklund") == ()


def test_extracted_claims_mark_what_they_could_not_resolve(extractor: ClaimExtractor) -> None:
    text = (
        "Harbin Ridge Observatory is an observatory in Canada. The main telescope was built in 1990. "
        "It weighs 40 tonnes. The observatory opened in 1974."
    )
    marks = {claim.text: claim.needs_context for claim in extractor.extract(text)}
    assert marks["It weighs 40 tonnes."] == ("it",)  # two things it could be: left as written, and marked
    assert marks["Harbin Ridge Observatory opened in 1974."] == ()  # resolved: nothing left to the article
