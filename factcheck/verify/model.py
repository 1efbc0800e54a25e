"""The default verifier: the trained cross-encoder, combined with the typed checks and retrieval
similarity by the fitted combiner, then aggregated over a claim's evidence.

Claim-level rule: every (claim, evidence sentence) pair gets calibrated probabilities; a pair whose
sentence is about the claim's subject but states another year, number or name cannot be SUPPORTED
(its support probability is moved to the other labels), and a pair whose sentence (with its document
title) does not name the claim's grammatical subject cannot be REFUTED (that probability becomes NOT
ENOUGH INFO): a sentence about something else can share the claim's topic and names, not contradict it.
The most decisive pair is the one with the highest SUPPORTED or REFUTED probability. If that
probability reaches ``verdict_threshold``, the claim takes its label, with that probability as its
confidence; the pair's document is the deciding evidence, joined by any other document whose pair
gives the same label at least ``evidence_threshold``. Otherwise the claim is NOT ENOUGH INFO, with
the smallest NOT ENOUGH INFO probability over its evidence as confidence: even the best evidence did
not settle it.

Why one document by default: the verifier reads one sentence at a time, and a second abstract that
merely shares the topic often gets a confident-looking label; on SciFact train claims held out
from training, listing every document of the winning label halved precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from claims.types import Claim
from evidence.titles import behind_title
from evidence.types import Evidence
from factcheck.config import Settings
from factcheck.pipeline import cache_home
from factcheck.types import CheckResult, Label, Verdict
from factcheck.verify.checks import about_same_subject, compare, subject_check
from factcheck.verify.combine import COMBINER_FILE, Combiner, pair_features
from factcheck.verify.crossencoder import CrossEncoderModel
from factcheck.verify.directions import read_pairs
from factcheck.verify.facts import FactReader

CHECKS_VERSION = "checks-v4"
_VALUE_CHECKS = frozenset({"year", "number", "name"})


def evidence_text(evidence: Evidence, *, context: bool = False) -> str:
    """What the cross-encoder reads: the sentence behind its document title, as in training, and with
    ``context`` the sentence before it in its passage too. Offsets and checks keep the sentence alone."""
    sentence = evidence.sentence.strip()
    if context and evidence.context.strip():
        sentence = f"{evidence.context.strip()} {sentence}"
    return behind_title(evidence.doc_title, sentence)


class ModelVerifier:
    def __init__(
        self,
        settings: Settings,
        model_path: Path | None = None,
        *,
        reader: FactReader | None = None,
    ) -> None:
        self.settings = settings
        cache_dir = cache_home(settings) if settings.runtime == "onnx" else None
        self.model = CrossEncoderModel(model_path, runtime=settings.runtime, cache_dir=cache_dir)
        self.reader = reader or FactReader()
        self._combiner: Combiner | None = None

    @property
    def id(self) -> str:
        # The same weights read claims differently when the combiner was fitted direction-symmetric.
        reading = "+direction-symmetric" if self.combiner.direction_symmetric else ""
        return f"{self.model.model_id}+{CHECKS_VERSION}{reading}"

    @property
    def combiner(self) -> Combiner:
        if self._combiner is None:
            self._combiner = Combiner.load(self.model.path / COMBINER_FILE)
        return self._combiner

    def load(self) -> None:
        """Load the models now rather than on the first call."""
        from claims.nlp import load_pipeline

        self.model.load()
        load_pipeline(self.reader.model)

    def verify(self, claims: Sequence[Claim], evidence: Sequence[tuple[Evidence, ...]]) -> tuple[Verdict, ...]:
        if len(claims) != len(evidence):
            raise ValueError(f"{len(claims)} claims but {len(evidence)} evidence lists")
        flat = [(i, ev) for i, evs in enumerate(evidence) for ev in evs]
        if not flat:
            return tuple(_no_evidence(c) for c in claims)
        # One model call and one spaCy pass for every pair of the run.
        pairs = [(claims[i].text, evidence_text(ev, context=self.settings.evidence_context)) for i, ev in flat]
        probs = read_pairs(self.model, pairs, direction_symmetric=self.combiner.direction_symmetric)
        texts = sorted({c.text for c in claims} | {ev.sentence for _, ev in flat})
        facts = dict(zip(texts, self.reader.read(texts), strict=True))
        rows, checks, anchored, off_subject = [], [], [], []
        for (i, ev), p in zip(flat, probs, strict=True):
            claim_facts, sentence_facts = facts[claims[i].text], facts[ev.sentence]
            found = compare(claim_facts, sentence_facts, f"{ev.doc_title}\n{ev.passage_text}")
            anchored.append(about_same_subject(claim_facts, sentence_facts, found))
            rows.append(pair_features(p, self.model.labels, found, ev.sentence_score, anchored[-1]))
            subject = subject_check(claim_facts, sentence_facts, ev.doc_title, ev.passage_text)
            off_subject.append(subject is not None and subject.outcome == "missing")
            checks.append(found if subject is None else (*found, subject))
        combined = self.combiner.predict_proba(np.vstack(rows))
        order = {label: k for k, label in enumerate(self.combiner.labels)}
        sup, ref, nei = (order[label.value] for label in (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO))
        for row, found in enumerate(checks):
            if off_subject[row]:
                combined[row, nei] += combined[row, ref]
                combined[row, ref] = 0.0
            # A sentence about the claim's subject that states another year, number or name cannot
            # support it, whatever the model read: the typed checks veto SUPPORTED for that pair.
            vetoed = any(c.outcome == "conflict" and c.name in _VALUE_CHECKS for c in found)
            if vetoed and anchored[row]:
                combined[row, sup] = 0.0
                combined[row] /= combined[row].sum()

        per_claim: list[list[tuple[Evidence, np.ndarray, tuple[CheckResult, ...]]]] = [[] for _ in claims]
        for (i, ev), p, found in zip(flat, combined, checks, strict=True):
            per_claim[i].append((ev, p, found))
        return tuple(
            _decide(claim, pairs, order, self.settings) if pairs else _no_evidence(claim)
            for claim, pairs in zip(claims, per_claim, strict=True)
        )


def _decide(
    claim: Claim,
    pairs: list[tuple[Evidence, np.ndarray, tuple[CheckResult, ...]]],
    order: dict[str, int],
    settings: Settings,
) -> Verdict:
    sup, ref, nei = order[Label.SUPPORTED.value], order[Label.REFUTED.value], order[Label.NOT_ENOUGH_INFO.value]
    ev, p, found = max(pairs, key=lambda item: (float(max(item[1][sup], item[1][ref])), -item[0].rank))
    k = sup if p[sup] >= p[ref] else ref
    if float(p[k]) >= settings.verdict_threshold and float(p[k]) > 0.0:
        label = Label.SUPPORTED if k == sup else Label.REFUTED
        deciding = [ev]
        others = sorted(
            ((e, q) for e, q, _ in pairs if e.doc_id != ev.doc_id and float(q[k]) >= settings.evidence_threshold),
            key=lambda item: (-float(item[1][k]), item[0].rank),
        )
        for e, _ in others:
            if e.doc_id not in {d.doc_id for d in deciding}:
                deciding.append(e)
        conflicts = [f"{c.name} {c.claim_value!r} vs {c.evidence_value!r}" for c in found if c.outcome == "conflict"]
        reason = f"verifier: {label.value} with probability {float(p[k]):.2f}"
        if conflicts and label is Label.REFUTED:
            reason += "; conflict: " + "; ".join(conflicts)
        return Verdict(claim, label, round(float(p[k]), 4), tuple(deciding), found, reason)
    ev, p, found = min(pairs, key=lambda item: (float(item[1][nei]), item[0].rank))
    reason = f"no evidence settles it (best: {float(1 - p[nei]):.2f} probability of a verdict)"
    return Verdict(claim, Label.NOT_ENOUGH_INFO, round(float(p[nei]), 4), (ev,), found, reason)


def _no_evidence(claim: Claim) -> Verdict:
    return Verdict(claim, Label.NOT_ENOUGH_INFO, 1.0, (), (), "no evidence retrieved")
