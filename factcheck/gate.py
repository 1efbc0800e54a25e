"""The pre-publication gate: which verdicts fail a run under a policy.

Kept out of the CLI so that every renderer (JUnit failures, SARIF levels) and the exit code agree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from factcheck.types import Label, Report, Verdict
from factcheck.unchecked import was_checked

# The gate policies (the `fail_on` setting's only allowed values) and the labels that fail under each.
FAILING = {
    "refuted": frozenset({Label.REFUTED}),
    "unsupported": frozenset({Label.REFUTED, Label.NOT_ENOUGH_INFO}),
    "never": frozenset(),
}


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """``fail_on`` picks the failing labels; verdicts below ``min_confidence`` never fail the gate,
    claims whose fingerprint is in ``baseline`` are known and suppressed, and an opinion or
    prediction left unchecked never fails."""

    fail_on: str = "refuted"
    min_confidence: float = 0.0
    baseline: frozenset[str] = frozenset()

    def fails(self, verdict: Verdict) -> bool:
        return (
            verdict.label in FAILING[self.fail_on]
            and verdict.confidence >= self.min_confidence
            and claim_fingerprint(verdict) not in self.baseline
            and was_checked(verdict)
        )


def failing(report: Report, policy: GatePolicy) -> tuple[Verdict, ...]:
    return tuple(v for v in report.verdicts() if policy.fails(v))


def claim_fingerprint(verdict: Verdict) -> str:
    """What a baseline remembers of a claim: its article, text and label, not its position,
    so that editing other lines of the article does not resurrect a known claim."""
    claim = verdict.claim
    key = f"{claim.doc_id}\x1f{claim.text}\x1f{verdict.label.value}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
