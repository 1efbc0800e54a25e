"""Unit-level boilerplate rules (text only, no model)."""

from __future__ import annotations

import pytest

from claims.boilerplate import caption_keys, is_credit, normalise, unit_reason
from documents import parse_markup


@pytest.mark.parametrize(
    "line",
    ["AP", "Reuters", "Getty Images", "AFP via Getty Images", "Photo: John Smith/Reuters", "(AP Photo/Evan Vucci)"],
)
def test_credits(line: str) -> None:
    assert is_credit(line)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("Loading...", "furniture"),
        ("Advertisement", "furniture"),
        ("Share this", "furniture"),
        ("Share this article", "furniture"),
        ("READ MORE: NATO cannot afford to ignore the Black Sea", "furniture"),
        ("Strained relations", "heading"),
        ("Russia ends mission to NATO in response to expulsion of its staff", "heading"),
        ("## A section", "heading"),
        ("Reuters", "credit"),
    ],
)
def test_units_without_claims(raw: str, reason: str) -> None:
    (unit,) = parse_markup(raw).units
    assert unit_reason(unit) == reason


def test_sentences_and_list_items_pass() -> None:
    units = parse_markup("NATO was founded in 1949.\n\n- Founded in 1949\n").units
    assert [unit_reason(u) for u in units] == [None, None]


def test_caption_followed_by_credit_and_its_copy() -> None:
    raw = "Lavrov speaks in Moscow on October 18, 2021.\nAP\n\nLavrov speaks in Moscow on October 18, 2021.\n"
    units = parse_markup(raw).units
    keys = caption_keys(units)
    assert keys == {normalise("Lavrov speaks in Moscow on October 18, 2021.")}
    assert all(normalise(u.text) in keys for u in units if u.text != "AP")


def test_normalise_ignores_case_punctuation_and_width() -> None:
    assert normalise("NATO’s  “office”!") == normalise("nato s office")
