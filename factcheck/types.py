"""Records produced by the factcheck room: verdicts and the report that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claims.types import Claim
from evidence.types import Evidence


class Label(StrEnum):
    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_INFO = "NOT ENOUGH INFO"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One typed consistency check between a claim and an evidence sentence.

    ``outcome`` is "conflict" (the evidence states another value), "match" (it states the same)
    or "missing" (the evidence does not mention it); the check "kind" with outcome "unchecked"
    marks an opinion or prediction that was not checked as a fact (``factcheck.unchecked``).
    """

    name: str
    outcome: str
    claim_value: str
    evidence_value: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision for one claim, with the evidence that decided it and the checks that fired."""

    claim: Claim
    label: Label
    confidence: float
    evidence: tuple[Evidence, ...]
    checks: tuple[CheckResult, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleResult:
    path: str
    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True, slots=True)
class RunManifest:
    """Everything needed to reproduce a run; deliberately free of timestamps and host names."""

    tool_version: str
    claim_extractor: str
    embedding_model: str
    embedding_model_hash: str
    verifier: str
    index_id: str
    index_documents: int
    index_passages: int
    settings: tuple[tuple[str, str | int | float | bool], ...]


@dataclass(frozen=True, slots=True)
class Report:
    schema_version: int
    manifest: RunManifest
    articles: tuple[ArticleResult, ...]

    def verdicts(self) -> tuple[Verdict, ...]:
        return tuple(v for article in self.articles for v in article.verdicts)

    def counts(self) -> dict[Label, int]:
        counts = dict.fromkeys(Label, 0)
        for verdict in self.verdicts():
            counts[verdict.label] += 1
        return counts
