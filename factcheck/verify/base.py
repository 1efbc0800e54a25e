"""The contract every verifier meets, so the trained model can replace the heuristic one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from claims.types import Claim
from evidence.types import Evidence
from factcheck.types import Verdict


class Verifier(Protocol):
    """Scores each claim against its retrieved evidence.

    Called once per run with every claim of every article, so implementations can batch all
    (claim, evidence) pairs into one model call.
    """

    @property
    def id(self) -> str: ...

    def verify(self, claims: Sequence[Claim], evidence: Sequence[tuple[Evidence, ...]]) -> tuple[Verdict, ...]: ...
