"""The default verifier: the trained cross-encoder, combined with the typed checks and retrieval
similarity by the fitted combiner, then aggregated over a claim's evidence.

Claim-level rule: every (claim, evidence sentence) pair gets calibrated probabilities; a pair whose
sentence is about the claim's subject but states another year, number or name cannot be SUPPORTED
(its support probability is moved to the other labels), and a pair whose sentence (with its document
title) does not name the claim's grammatical subject cannot be REFUTED (that probability becomes NOT
ENOUGH INFO): a sentence about something else can share the claim's topic and names, not contradict it.
The same holds for support: a pair can only support a claim when its sentence (or title) names the
claim's subject and every year, number and name of the claim is found in the sentence, its passage or
its title; otherwise its support is withheld and the typed checks say what was missing.
The most decisive pair is the one with the highest SUPPORTED or REFUTED probability. If that
probability reaches ``verdict_threshold`` (and ``supported_threshold`` or ``refuted_threshold``, the
label's own bar), the claim takes its label, with that probability as its
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

CHECKS_VERSION = "checks-v6"
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
        rows, checks, anchored, off_subject, withheld = [], [], [], [], []
        for (i, ev), p in zip(flat, probs, strict=True):
            claim_facts, sentence_facts = facts[claims[i].text], facts[ev.sentence]
            found = compare(claim_facts, sentence_facts, f"{ev.doc_title}\n{ev.passage_text}")
            anchored.append(about_same_subject(claim_facts, sentence_facts, found))
            rows.append(pair_features(p, self.model.labels, found, ev.sentence_score, anchored[-1]))
            subject = subject_check(claim_facts, sentence_facts, ev.doc_title, ev.passage_text)
            off_subject.append(subject is not None and subject.outcome == "missing")
            checks.append(found if subject is None else (*found, subject))
            withheld.append(support_withheld(checks[-1]))
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
        why_withheld: list[list[str]] = [[] for _ in claims]
        for (i, ev), p, found, why in zip(flat, combined, checks, withheld, strict=True):
            per_claim[i].append((ev, p, found))
            why_withheld[i].append(why)
        return tuple(
            _decide(claim, pairs, order, self.settings, withheld=why) if pairs else _no_evidence(claim)
            for claim, pairs, why in zip(claims, per_claim, why_withheld, strict=True)
        )


def support_withheld(checks: Sequence[CheckResult]) -> str:
    """Why a sentence cannot support the claim ("" when it can): it does not name the claim's subject,
    or a year, number or name of the claim is found neither in it nor in its passage or title. A
    sentence on the NATO-Russia Council set up in 2002 shares the year with "NATO's liaison mission was
    established in 2002", not the thing."""
    absent = [
        f"the subject {c.claim_value!r}" if c.name == "subject" else repr(c.claim_value)
        for c in checks
        if c.outcome == "missing" and (c.name in _VALUE_CHECKS or c.name == "subject")
    ]
    return f"the evidence does not name {', '.join(absent)}" if absent else ""


def _decide(
    claim: Claim,
    pairs: list[tuple[Evidence, np.ndarray, tuple[CheckResult, ...]]],
    order: dict[str, int],
    settings: Settings,
    *,
    withheld: Sequence[str] = (),
) -> Verdict:
    """The claim's verdict from its pairs; ``withheld[j]`` says why pair j cannot support ("" if it can)."""
    sup, ref, nei = order[Label.SUPPORTED.value], order[Label.REFUTED.value], order[Label.NOT_ENOUGH_INFO.value]
    why = list(withheld) or [""] * len(pairs)
    # A pair whose support is withheld keeps its other probabilities, so NOT ENOUGH INFO verdicts read as before.
    usable = [p if not w else _without(p, sup, nei) for (_, p, _), w in zip(pairs, why, strict=True)]
    best = max(
        range(len(pairs)), key=lambda j: (float(max(usable[j][sup], usable[j][ref])), -pairs[j][0].rank)
    )
    ev, p, found = pairs[best][0], usable[best], pairs[best][2]
    k = sup if p[sup] >= p[ref] else ref
    bar = max(settings.verdict_threshold, settings.supported_threshold if k == sup else settings.refuted_threshold)
    if float(p[k]) >= bar and float(p[k]) > 0.0:
        label = Label.SUPPORTED if k == sup else Label.REFUTED
        deciding = [ev]
        others = sorted(
            (
                (e, q)
                for (e, _, _), q in zip(pairs, usable, strict=True)
                if e.doc_id != ev.doc_id and float(q[k]) >= settings.evidence_threshold
            ),
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
    supported_bar = max(settings.verdict_threshold, settings.supported_threshold)
    stopped = [j for j, w in enumerate(why) if w and float(pairs[j][1][sup]) >= supported_bar]
    if stopped:
        # Support was there, from a sentence about another thing: show that sentence and what it lacks.
        j = max(stopped, key=lambda j: (float(pairs[j][1][sup]), -pairs[j][0].rank))
        confidence = min(float(q[nei]) for q in usable)
        reason = f"not the same thing: {why[j]} (support {float(pairs[j][1][sup]):.2f} withheld)"
        return Verdict(claim, Label.NOT_ENOUGH_INFO, round(confidence, 4), (pairs[j][0],), pairs[j][2], reason)
    ev, p, found = min(pairs, key=lambda item: (float(item[1][nei]), item[0].rank))
    reason = f"no evidence settles it (best: {float(1 - p[nei]):.2f} probability of a verdict)"
    return Verdict(claim, Label.NOT_ENOUGH_INFO, round(float(p[nei]), 4), (ev,), found, reason)


def _without(p: np.ndarray, sup: int, nei: int) -> np.ndarray:
    """``p`` with its SUPPORTED probability moved to NOT ENOUGH INFO."""
    q = p.copy()
    q[nei] += q[sup]
    q[sup] = 0.0
    return q


def _no_evidence(claim: Claim) -> Verdict:
    return Verdict(claim, Label.NOT_ENOUGH_INFO, 1.0, (), (), "no evidence retrieved")
