"""Where a claim sits in its article, in the shapes report formats ask for."""

from __future__ import annotations

from dataclasses import dataclass

from claims.types import Claim


@dataclass(frozen=True, slots=True)
class Region:
    start_line: int
    start_column: int
    end_line: int
    end_column: int  # 1-based, exclusive: the column just after the last character


def region(claim: Claim) -> Region:
    text = claim.source_text
    newlines = text.count("\n")
    if newlines == 0:
        return Region(claim.line, claim.column, claim.line, claim.column + len(text))
    return Region(claim.line, claim.column, claim.line + newlines, len(text) - text.rfind("\n"))
