"""The gate's outcome in words: counts per label, passed or failed, and why.

One wording serves the line every run prints on stderr and the gate line of the reports, so a CI log,
a text report and an HTML page never disagree. The gate part reads, for example::

    gate failed: 2 REFUTED at >= 0.60 confidence (policy refuted)
    gate passed: 0 of 11 claims fail policy refuted (1 known from the baseline)
"""

from __future__ import annotations

from dataclasses import dataclass

from factcheck.gate import GatePolicy
from factcheck.types import Label, Report, Verdict


@dataclass(frozen=True, slots=True)
class GateResult:
    """What the gate decided on a report, with the claims it let through and why."""

    policy: GatePolicy
    counts: tuple[tuple[Label, int], ...]
    failing: tuple[Verdict, ...]
    below_confidence: int  # would fail, but under the policy's confidence floor
    known: int  # would fail, but the baseline knows them

    @property
    def passed(self) -> bool:
        return not self.failing

    @property
    def claims(self) -> int:
        return sum(n for _, n in self.counts)


def gate_result(report: Report, policy: GatePolicy) -> GateResult:
    strict = GatePolicy(policy.fail_on)
    candidates = [v for v in report.verdicts() if strict.fails(v)]
    failing = tuple(v for v in candidates if policy.fails(v))
    in_baseline = GatePolicy(policy.fail_on, baseline=policy.baseline)
    known = sum(1 for v in candidates if not in_baseline.fails(v))
    return GateResult(
        policy=policy,
        counts=tuple(report.counts().items()),
        failing=failing,
        below_confidence=len(candidates) - len(failing) - known,
        known=known,
    )


def counts_text(result: GateResult) -> str:
    """``11 claims: 6 SUPPORTED, 2 REFUTED, 3 NOT ENOUGH INFO``"""
    per_label = ", ".join(f"{n} {label.value}" for label, n in result.counts)
    return f"{_claims(result.claims)}: {per_label}"


def gate_text(result: GateResult) -> str:
    """``gate failed: ...`` or ``gate passed: ...``, saying which claims decided it and under which policy."""
    policy = result.policy
    if result.passed:
        text = f"gate passed: 0 of {_claims(result.claims)} fail policy {policy.fail_on}"
        excused = _excused(result)
        return f"{text} ({excused})" if excused else text
    by_label = [(label, sum(1 for v in result.failing if v.label is label)) for label in Label]
    what = " and ".join(f"{n} {label.value}" for label, n in by_label if n)
    if policy.min_confidence > 0:
        what += f" at >= {policy.min_confidence:.2f} confidence"
    detail = ", ".join(filter(None, [f"policy {policy.fail_on}", _excused(result)]))
    return f"gate failed: {what} ({detail})"


def summary_line(result: GateResult) -> str:
    """The one line a run prints on stderr."""
    return f"factcheck: {counts_text(result)}; {gate_text(result)}"


def _claims(n: int) -> str:
    return f"{n} claim{'' if n == 1 else 's'}"


def _excused(result: GateResult) -> str:
    parts = []
    if result.below_confidence:
        parts.append(f"{result.below_confidence} below {result.policy.min_confidence:.2f} confidence")
    if result.known:
        parts.append(f"{result.known} known from the baseline")
    return ", ".join(parts)
