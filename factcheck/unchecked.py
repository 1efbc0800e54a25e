"""Claims that are not checked as facts: opinions and predictions (``claims.kind``).

A corpus of what happened cannot settle what someone judges or expects, so unless the user asks
(`--check-opinions`, setting ``check_opinions``) such a claim gets NOT ENOUGH INFO with a typed
"kind" check that says why, and never fails the gate.
"""

from __future__ import annotations

from claims.types import Claim, ClaimKind
from factcheck.types import CheckResult, Label, Verdict

UNCHECKED_KINDS = frozenset({ClaimKind.OPINION, ClaimKind.PREDICTION})
KIND_CHECK = "kind"
NOT_CHECKED = "unchecked"


def is_checked(claim: Claim, check_opinions: bool) -> bool:
    return check_opinions or claim.kind not in UNCHECKED_KINDS


def unchecked_verdict(claim: Claim) -> Verdict:
    kind = claim.kind.value
    return Verdict(
        claim,
        Label.NOT_ENOUGH_INFO,
        1.0,
        (),
        (CheckResult(KIND_CHECK, NOT_CHECKED, kind),),
        f"{kind}: not checked as a fact (--check-opinions checks it)",
    )


def was_checked(verdict: Verdict) -> bool:
    """False for the verdict of an opinion or prediction that was left unchecked."""
    return not any(c.name == KIND_CHECK and c.outcome == NOT_CHECKED for c in verdict.checks)
