"""What the decomposer hands around: a claim before it has an id, and the words a clause borrows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from claims.types import ClaimKind

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass(frozen=True, slots=True)
class Draft:
    """A claim before it has an id and raw offsets: its words and the tokens it came from."""

    text: str
    tokens: tuple[int, ...]
    kind: ClaimKind
    attributed_to: str = ""


@dataclass(frozen=True, slots=True)
class Lead:
    """Words a clause without its own subject borrows: the subject and maybe auxiliaries."""

    pieces: tuple[int | str, ...] = ()
    subject: Token | None = None
