"""Word lists written as plain text."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (lists read better as prose)."""
    return frozenset(text.split())


# Verbs of saying: their subject is a source, their clausal complement a reported claim.
SPEECH = words(
    """
    say tell state announce claim add note warn insist argue explain report confirm deny write declare
    stress reply respond acknowledge admit allege assert suggest indicate reveal disclose maintain
    predict promise emphasize emphasise estimate tweet testify recall agree complain concede contend
    """
)
