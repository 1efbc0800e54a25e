"""The shipped cross-encoder verifier, combined with the typed checks, on the demo corpus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS


@pytest.fixture(scope="module")
def model_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    result = CliRunner().invoke(
        app, ["check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "--verifier", "model", "-f", "json",
              "--fail-on", "never"],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _label(report: dict, fragment: str) -> dict:
    (verdict,) = [v for v in report["articles"][0]["verdicts"] if fragment in v["claim"]["text"]]
    return verdict


def test_model_verifier_is_named_in_the_manifest(model_report: dict) -> None:
    assert model_report["manifest"]["verifier"].startswith("factcheck-verifier-minilm-")
    assert model_report["manifest"]["verifier"].endswith("+checks-v6")
    assert ["verifier", "model"] in model_report["manifest"]["settings"]


def test_year_conflict_is_refuted_with_the_deciding_sentence(model_report: dict) -> None:
    verdict = _label(model_report, "2019")
    assert verdict["label"] == "REFUTED"
    assert "2021" in verdict["evidence"][0]["sentence"]


def test_claim_outside_the_corpus_is_not_enough_info(model_report: dict) -> None:
    assert _label(model_report, "engineers")["label"] == "NOT ENOUGH INFO"


def test_confidences_are_probabilities_and_decisions_cite_evidence(model_report: dict) -> None:
    for verdict in model_report["articles"][0]["verdicts"]:
        assert 0.0 <= verdict["confidence"] <= 1.0
        if verdict["label"] != "NOT ENOUGH INFO":
            assert verdict["evidence"], verdict
            assert len({e["doc_id"] for e in verdict["evidence"]}) == len(verdict["evidence"])


def test_unknown_verifier_value_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "--verifier", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert "train one with `factcheck train verifier`" in result.stderr


def _eiffel(claim_text: str) -> tuple:
    """A claim about the Eiffel Tower's height and one evidence sentence giving it as 330 metres."""
    from claims.types import Claim
    from evidence.types import Evidence

    sentence = "The Eiffel Tower is 330 metres tall, about the same height as an 81-storey building."
    claim = Claim("c", claim_text, claim_text, "a.md", 0, len(claim_text), 1, 1)
    ev = Evidence("eiffel.md", "Eiffel Tower", "eiffel.md", 0, sentence, sentence, 0, len(sentence),
                  0.03, 0.9, 3.0, 0.9, 1)
    return claim, ev


def test_number_contradiction_is_refuted_by_the_combined_verifier() -> None:
    from factcheck.config import Settings
    from factcheck.types import Label
    from factcheck.verify.model import ModelVerifier

    claim, ev = _eiffel("The Eiffel Tower is 150 metres tall.")
    (verdict,) = ModelVerifier(Settings(verifier="model")).verify([claim], [(ev,)])
    assert verdict.label is Label.REFUTED
    assert any(c.name == "number" and c.outcome == "conflict" for c in verdict.checks)


def test_a_sentence_about_another_subject_cannot_refute() -> None:
    """Verifier 1.1 read "Russia is not a member of NATO" against a sentence on France as REFUTED (0.77;
    1.2 0.47, 1.3 0.06). The rule must hold whatever the weights say, so the model's answer is pinned
    to a confident REFUTED here; the combiner, spaCy and the subject check are the real ones. The
    sentence never names Russia, so the claim is not refuted."""
    from claims.types import Claim
    from evidence.types import Evidence
    from factcheck.config import Settings
    from factcheck.types import Label
    from factcheck.verify.model import ModelVerifier

    text = "Russia is not a member of NATO."
    sentence = (
        "France remains the only NATO member outside the Nuclear Planning Group and, unlike the United States, "
        "will not commit its submarines to the alliance."
    )
    claim = Claim("c", text, text, "a.md", 0, len(text), 1, 1)
    ev = Evidence("nuclear.md", "Nuclear sharing", "nuclear.md", 0, sentence, sentence, 0, len(sentence),
                  0.03, 0.6, 3.0, 0.63, 1)
    verifier = ModelVerifier(Settings(verifier="model"))
    refuted = np.array([[0.9 if label == "REFUTED" else 0.05 for label in verifier.model.labels]])
    verifier.model.predict_proba = lambda pairs: np.repeat(refuted, len(pairs), axis=0)  # type: ignore[method-assign]
    elsewhere = Evidence("n.md", "NATO", "n.md", 0, "Russia is not a member of NATO.", "Russia is not a member of "
                         "NATO.", 0, 31, 0.03, 0.6, 3.0, 0.63, 1)  # fmt: skip
    (control,) = verifier.verify([Claim("d", "Russia is a member of NATO.", "Russia is a member of NATO.", "a.md",
                                        0, 27, 1, 1)], [(elsewhere,)])  # fmt: skip
    assert control.label is Label.REFUTED  # the pinned answer does refute when the subject is named
    (verdict,) = verifier.verify([claim], [(ev,)])
    assert verdict.label is not Label.REFUTED
    assert any(c.name == "subject" and c.outcome == "missing" for c in verdict.checks)


def _pair(doc: str, rank: int, probs: tuple[float, float, float]) -> tuple:
    import numpy as np

    from evidence.types import Evidence

    sentence = f"Sentence of {doc}."
    ev = Evidence(doc, doc, doc, rank, sentence, sentence, 0, len(sentence), 0.1, 0.5, 1.0, 0.5, rank)
    return ev, np.asarray(probs), ()


_ORDER = {"SUPPORTED": 0, "REFUTED": 1, "NOT ENOUGH INFO": 2}


def _claim():
    from claims.types import Claim

    return Claim("c", "A claim.", "A claim.", "a.md", 0, 8, 1, 1)


def test_the_most_decisive_pair_decides_and_other_documents_need_evidence_threshold() -> None:
    from factcheck.config import Settings
    from factcheck.types import Label
    from factcheck.verify.model import _decide

    pairs = [_pair("a", 1, (0.55, 0.05, 0.40)), _pair("b", 2, (0.10, 0.80, 0.10)), _pair("c", 3, (0.05, 0.70, 0.25))]
    verdict = _decide(_claim(), pairs, _ORDER, Settings(verdict_threshold=0.5, evidence_threshold=0.9))
    assert verdict.label is Label.REFUTED and verdict.confidence == 0.8
    assert [e.doc_id for e in verdict.evidence] == ["b"]
    both = _decide(_claim(), pairs, _ORDER, Settings(verdict_threshold=0.5, evidence_threshold=0.6))
    assert [e.doc_id for e in both.evidence] == ["b", "c"]


def test_below_verdict_threshold_the_claim_is_not_enough_info() -> None:
    from factcheck.config import Settings
    from factcheck.types import Label
    from factcheck.verify.model import _decide

    pairs = [_pair("a", 1, (0.45, 0.05, 0.50)), _pair("b", 2, (0.30, 0.10, 0.60))]
    verdict = _decide(_claim(), pairs, _ORDER, Settings(verdict_threshold=0.5))
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert verdict.confidence == 0.5 and [e.doc_id for e in verdict.evidence] == ["a"]
    # A lower bar lets the 0.45 SUPPORTED pair decide even though NOT ENOUGH INFO is likelier.
    assert _decide(_claim(), pairs, _ORDER, Settings(verdict_threshold=0.4)).label is Label.SUPPORTED


def test_verdict_threshold_reaches_the_real_model_through_settings() -> None:
    from factcheck.config import Settings
    from factcheck.types import Label
    from factcheck.verify.model import ModelVerifier

    claim, ev = _eiffel("The Eiffel Tower is 330 metres tall.")
    (decided,) = ModelVerifier(Settings(verifier="model")).verify([claim], [(ev,)])
    assert decided.label is not Label.NOT_ENOUGH_INFO
    (unsure,) = ModelVerifier(Settings(verifier="model", verdict_threshold=1.0)).verify([claim], [(ev,)])
    assert unsure.label is Label.NOT_ENOUGH_INFO


def test_a_claims_verdict_does_not_depend_on_the_other_claims_checked_with_it() -> None:
    from claims.types import Claim
    from evidence.types import Evidence
    from factcheck.config import Settings
    from factcheck.verify.model import ModelVerifier

    def case(i: int, text: str, sentence: str) -> tuple[Claim, tuple[Evidence, ...]]:
        claim = Claim(f"c{i}", text, text, "a.md", 0, len(text), 1, 1)
        ev = Evidence(
            f"d{i}.md", "Telescopes", f"d{i}.md", i, sentence, sentence, 0, len(sentence), 0.03, 0.8, 2.0, 0.8, 1
        )
        return claim, (ev,)

    target = case(0, "Astronauts repaired Hubble's optics in 1993.",
                  "The optics were corrected in December 1993, when astronauts installed corrective instruments.")
    others = [
        case(1, "Webb was launched in 2019.", "It was launched on 25 December 2021 on an Ariane 5 rocket from Kourou."),
        case(2, "Hubble's mirror is 2.4 metres wide, which is a long and detailed claim about the telescope.",
             "Hubble's primary mirror is 2.4 metres (7 ft 10 in) in diameter and was ground by Perkin-Elmer."),
    ]  # fmt: skip
    verifier = ModelVerifier(Settings(verifier="model"))
    (alone,) = verifier.verify([target[0]], [target[1]])
    together = verifier.verify([target[0], *(c for c, _ in others)], [target[1], *(e for _, e in others)])
    assert together[0].label is alone.label
    assert together[0].confidence == pytest.approx(alone.confidence, abs=1e-4)


def test_fast_verifier_is_the_distilled_student_and_keeps_the_demo_verdicts() -> None:
    """`--verifier fast` runs the shipped 3-layer student end to end; the demo's clear cases hold."""
    result = CliRunner().invoke(
        app, ["check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "--verifier", "fast", "-f", "json",
              "--fail-on", "never"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["manifest"]["verifier"] == "factcheck-verifier-minilm-1.2-fast+checks-v6"
    assert ["verifier", "fast"] in report["manifest"]["settings"]
    year = _label(report, "2019")
    assert year["label"] == "REFUTED" and "2021" in year["evidence"][0]["sentence"]
    assert _label(report, "engineers")["label"] == "NOT ENOUGH INFO"


def _context_pair(context: str) -> tuple:
    from claims.types import Claim
    from evidence.types import Evidence

    text = "Smokers were twice as likely to develop lung cancer."
    sentence = "They were twice as likely to develop lung cancer as those who had never smoked."
    claim = Claim("c", text, text, "a.md", 0, len(text), 1, 1)
    ev = Evidence("s.md", "Cohort study", "s.md", 0, sentence, sentence, 120, 120 + len(sentence),
                  0.03, 0.8, 3.0, 0.8, 1, context)  # fmt: skip
    return claim, ev


def test_the_model_reads_the_sentence_before_unless_the_setting_says_not() -> None:
    from factcheck.config import Settings
    from factcheck.verify.model import ModelVerifier, evidence_text

    context = "We followed 5,000 adult smokers for ten years."
    claim, ev = _context_pair(context)
    assert evidence_text(ev) == f"Cohort study: {ev.sentence}"
    assert evidence_text(ev, context=True) == f"Cohort study: {context} {ev.sentence}"

    for setting, expected in ((True, f"{context} {ev.sentence}"), (False, ev.sentence)):
        verifier = ModelVerifier(Settings(verifier="model", evidence_context=setting))
        read: list[tuple[str, str]] = []

        def record(pairs, verifier=verifier, read=read):
            read.extend(pairs)
            return np.full((len(pairs), len(verifier.model.labels)), 1 / 3)

        verifier.model.predict_proba = record  # type: ignore[method-assign]
        (verdict,) = verifier.verify([claim], [(ev,)])
        assert read == [(claim.text, f"Cohort study: {expected}")]
        # Offsets and the deciding sentence stay the sentence alone.
        assert verdict.evidence[0].sentence == ev.sentence


def test_context_naming_the_subject_raises_support_with_the_real_model() -> None:
    """The finding's sentence says only "They"; the sentence before says who. The real shipped model
    must find more support with it than without it."""
    from factcheck.verify.crossencoder import CrossEncoderModel
    from factcheck.verify.model import evidence_text

    claim, ev = _context_pair("We followed 5,000 adult smokers for ten years.")
    model = CrossEncoderModel()
    without, with_context = model.predict_proba(
        [(claim.text, evidence_text(ev)), (claim.text, evidence_text(ev, context=True))]
    )
    supported = model.labels.index("SUPPORTED")
    assert with_context[supported] > without[supported] + 0.05, (without, with_context)
