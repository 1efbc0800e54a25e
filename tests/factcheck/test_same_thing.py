"""A verdict stands on evidence about the same thing, and opinions and predictions are not checked.

The cases mimic four false SUPPORTED verdicts once given on a news article about Russia's NATO
mission; the sentences here are written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from claims.types import Claim, ClaimKind
from evidence.types import Evidence
from factcheck.config import Settings
from factcheck.types import CheckResult, Label, Verdict
from factcheck.verify.facts import FactReader

DATA = Path(__file__).resolve().parents[1] / "data" / "same_thing"
LIAISON = "NATO's liaison mission in Moscow was established in 2002."
# (claim, evidence sentence, document title): each shares a name, year or topic with the claim, and
# is about something else.
OTHER_THING = [
    (LIAISON, "The NATO-Russia Council was established in 2002 as a forum for consultation.", "NATO-Russia Council"),
    ("Moscow was suspending its mission to NATO.",
     "In 2007 Russia suspended its participation in the treaty on conventional forces in Europe.",
     "Conventional forces treaty"),
    ("The dispute marks the latest deterioration in East-West ties.",
     "Poland signed treaties of friendship with its neighbours in the early 1990s.", "Poland"),
    ("Contact between NATO and Moscow could be done through the Russian embassy in Belgium.",
     "Russia has an embassy in Brussels.", "Foreign relations of Russia"),
]  # fmt: skip
SAME_THING = (LIAISON, "NATO's liaison mission in Moscow was opened in 2002 to keep military contacts.", "NATO")


@pytest.fixture(scope="module")
def reader() -> FactReader:
    return FactReader()


def _checks(reader: FactReader, claim: str, sentence: str, title: str) -> tuple[CheckResult, ...]:
    from factcheck.verify.checks import compare, subject_check

    claim_facts, sentence_facts = reader.read([claim, sentence])
    found = compare(claim_facts, sentence_facts, f"{title}\n{sentence}")
    subject = subject_check(claim_facts, sentence_facts, title, sentence)
    return found if subject is None else (*found, subject)


@pytest.mark.parametrize(("claim", "sentence", "title"), OTHER_THING)
def test_a_sentence_about_another_thing_cannot_support(reader: FactReader, claim: str, sentence: str,
                                                       title: str) -> None:  # fmt: skip
    from factcheck.verify.model import support_withheld

    why = support_withheld(_checks(reader, claim, sentence, title))
    assert why.startswith("the evidence does not name ")


def test_a_sentence_naming_the_subject_and_every_value_can_support(reader: FactReader) -> None:
    from factcheck.verify.model import support_withheld

    assert support_withheld(_checks(reader, *SAME_THING)) == ""


def test_a_year_found_nowhere_withholds_support(reader: FactReader) -> None:
    from factcheck.verify.model import support_withheld

    why = support_withheld(_checks(reader, LIAISON, "NATO's liaison mission in Moscow keeps military contacts.",
                                   "NATO"))  # fmt: skip
    assert "'2002'" in why


def _evidence(sentence: str, title: str, score: float = 0.9) -> Evidence:
    return Evidence("d.md", title, "d.md", 0, sentence, sentence, 0, len(sentence), 0.03, score, 3.0, score, 1)


def _claim(text: str) -> Claim:
    return Claim("c", text, text, "a.md", 0, len(text), 1, 1)


def test_the_model_verifier_withholds_support_whatever_the_model_says() -> None:
    """The model's answer is pinned to a confident SUPPORTED; the combiner, spaCy and the checks are real."""
    from factcheck.verify.model import ModelVerifier

    verifier = ModelVerifier(Settings(verifier="model"))
    supported = np.array([[0.9 if label == "SUPPORTED" else 0.05 for label in verifier.model.labels]])
    verifier.model.predict_proba = lambda pairs: np.repeat(supported, len(pairs), axis=0)  # type: ignore[method-assign]
    claim, sentence, title = OTHER_THING[0]
    (control,) = verifier.verify([_claim(claim)], [(_evidence(SAME_THING[1], SAME_THING[2]),)])
    assert control.label is Label.SUPPORTED  # the pinned answer does support when it is the same thing
    (verdict,) = verifier.verify([_claim(claim)], [(_evidence(sentence, title),)])
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert verdict.reason.startswith("not the same thing: the evidence does not name")
    assert "the subject 'liaison mission nato'" in verdict.reason
    assert ("subject", "missing") in {(c.name, c.outcome) for c in verdict.checks}
    assert [e.sentence for e in verdict.evidence] == [sentence]


def test_a_withheld_pair_leaves_the_decision_to_the_others() -> None:
    from factcheck.verify.model import _decide

    order = {"SUPPORTED": 0, "REFUTED": 1, "NOT ENOUGH INFO": 2}
    pairs = [
        (_evidence("A.", "A"), np.array([0.8, 0.1, 0.1]), ()),
        (_evidence("B.", "B"), np.array([0.1, 0.6, 0.3]), ()),
    ]
    settings = Settings(verdict_threshold=0.5)
    assert _decide(_claim("x"), pairs, order, settings).label is Label.SUPPORTED
    refuted = _decide(_claim("x"), pairs, order, settings, withheld=["the evidence does not name 'x'", ""])
    assert refuted.label is Label.REFUTED and refuted.confidence == 0.6
    alone = _decide(_claim("x"), pairs[:1], order, settings, withheld=["the evidence does not name 'x'"])
    assert alone.label is Label.NOT_ENOUGH_INFO and alone.confidence == 0.9  # 0.1 + the withheld 0.8


def test_each_label_can_have_its_own_bar() -> None:
    from factcheck.verify.model import _decide

    order = {"SUPPORTED": 0, "REFUTED": 1, "NOT ENOUGH INFO": 2}
    refuting = [(_evidence("B.", "B"), np.array([0.1, 0.7, 0.2]), ())]
    assert _decide(_claim("x"), refuting, order, Settings(verdict_threshold=0.5)).label is Label.REFUTED
    stricter = Settings(verdict_threshold=0.5, refuted_threshold=0.8)
    assert _decide(_claim("x"), refuting, order, stricter).label is Label.NOT_ENOUGH_INFO
    supporting = [(_evidence("A.", "A"), np.array([0.7, 0.1, 0.2]), ())]
    assert _decide(_claim("x"), supporting, order, stricter).label is Label.SUPPORTED


def test_the_heuristic_needs_the_subject_named_too() -> None:
    from factcheck.verify.heuristic import HeuristicVerifier

    verifier = HeuristicVerifier(Settings(verifier="heuristic"))
    claim, title = LIAISON, "NATO-Russia Council"
    sentence = "The NATO-Russia Council was established in 2002 to link the alliance with Moscow."
    (control,) = verifier.verify([_claim(claim)], [(_evidence(SAME_THING[1], SAME_THING[2], 0.95),)])
    assert control.label is Label.SUPPORTED
    (verdict,) = verifier.verify([_claim(claim)], [(_evidence(sentence, title, 0.95),)])
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert verdict.reason == "not the same thing: the closest evidence does not name 'liaison mission nato'"


def _kinded(kind: ClaimKind) -> Claim:
    return Claim("k", "It will rain.", "It will rain.", "a.md", 0, 13, 1, 1, kind)


def test_an_unchecked_opinion_never_fails_the_gate() -> None:
    from factcheck.gate import GatePolicy
    from factcheck.unchecked import unchecked_verdict

    unsupported = GatePolicy(fail_on="unsupported")
    verdict = unchecked_verdict(_kinded(ClaimKind.PREDICTION))
    assert verdict.label is Label.NOT_ENOUGH_INFO and verdict.reason.startswith("prediction: not checked")
    assert not unsupported.fails(verdict)
    checked = Verdict(_kinded(ClaimKind.PREDICTION), Label.NOT_ENOUGH_INFO, 0.9, (), (), "no evidence settles it")
    assert unsupported.fails(checked)  # checked on request, it is gated like any claim


def _check(*flags: str) -> dict:
    from factcheck.cli import app

    result = CliRunner().invoke(
        app, ["check", str(DATA / "article.md"), "--corpus", str(DATA / "corpus"), "-f", "json", "--fail-on",
              "never", *flags],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return {v["claim"]["text"]: v for v in json.loads(result.stdout)["articles"][0]["verdicts"]}


def test_end_to_end_the_real_verifier_supports_only_the_same_thing() -> None:
    """The real extractor, index and verifier on a corpus written to mimic the four cases."""
    verdicts = _check()
    assert verdicts["Poland joined NATO in 1999."]["label"] == "SUPPORTED"  # the corpus can support
    liaison = verdicts[LIAISON]
    assert liaison["label"] == "NOT ENOUGH INFO"
    assert {"name": "subject", "outcome": "missing", "claim_value": "liaison mission nato",
            "evidence_value": ""} in liaison["checks"]  # fmt: skip
    assert liaison["reason"].startswith("not the same thing:")
    assert verdicts["Moscow was suspending its mission to NATO."]["label"] != "SUPPORTED"
    opinion = verdicts["The dispute marks the latest deterioration in East-West ties."]
    prediction = verdicts["Contact between NATO and Moscow could be done through the Russian embassy in Belgium."]
    assert (opinion["claim"]["kind"], opinion["label"]) == ("opinion", "NOT ENOUGH INFO")
    assert (prediction["claim"]["kind"], prediction["label"]) == ("prediction", "NOT ENOUGH INFO")
    assert opinion["checks"] == [{"name": "kind", "outcome": "unchecked", "claim_value": "opinion",
                                  "evidence_value": ""}]  # fmt: skip
    asked = _check("--check-opinions")
    embassy = asked[prediction["claim"]["text"]]
    assert embassy["checks"] and all(c["name"] != "kind" for c in embassy["checks"])  # checked as a fact now
    assert embassy["label"] != "SUPPORTED"  # an embassy in Brussels is not contact through it


def test_every_format_says_the_claim_was_not_checked_and_none_fails_it() -> None:
    import io

    import jsonschema
    from rich.console import Console

    from factcheck.gate import GatePolicy
    from factcheck.report.html import render_html
    from factcheck.report.json_report import SCHEMA_PATH, render_json
    from factcheck.report.junit import render_junit
    from factcheck.report.markdown import render_markdown
    from factcheck.report.sarif import render_sarif
    from factcheck.report.text import render_text
    from factcheck.types import ArticleResult, Report, RunManifest
    from factcheck.unchecked import unchecked_verdict

    text = "The dispute marks the latest deterioration in East-West ties."
    claim = Claim("o", text, text, "a.md", 0, len(text), 1, 1, ClaimKind.OPINION)
    manifest = RunManifest("0", "spacy", "minilm", "h", "model", "idx", 1, 1, Settings().items())
    report = Report(1, manifest, (ArticleResult("a.md", (unchecked_verdict(claim),)),))
    policy = GatePolicy(fail_on="unsupported")
    buffer = io.StringIO()
    render_text(report, Console(file=buffer, width=200))
    rendered = {
        "text": buffer.getvalue(), "json": render_json(report), "markdown": render_markdown(report, policy),
        "sarif": render_sarif(report, policy), "junit": render_junit(report, policy),
        "html": render_html(report, {"a.md": text}, policy),
    }  # fmt: skip
    for name, out in rendered.items():
        if name != "sarif":
            assert "opinion: not checked as a fact" in out, name
    jsonschema.validate(json.loads(rendered["json"]), json.loads(SCHEMA_PATH.read_text()))
    assert "<failure" not in rendered["junit"]
    assert json.loads(rendered["sarif"])["runs"][0]["results"] == []  # SARIF lists only what fails the gate
