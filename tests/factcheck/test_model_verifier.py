"""The shipped cross-encoder verifier, combined with the typed checks, on the demo corpus."""

from __future__ import annotations

import json
from pathlib import Path

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
    assert model_report["manifest"]["verifier"].endswith("+checks-v1")
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


def test_number_contradiction_is_refuted_by_the_combined_verifier() -> None:
    from claims.types import Claim
    from evidence.types import Evidence
    from factcheck.config import Settings
    from factcheck.types import Label
    from factcheck.verify.model import ModelVerifier

    text = "The Eiffel Tower is 150 metres tall."
    sentence = "The Eiffel Tower is 330 metres tall, about the same height as an 81-storey building."
    claim = Claim("c", text, text, "a.md", 0, len(text), 1, 1)
    ev = Evidence("eiffel.md", "Eiffel Tower", "eiffel.md", 0, sentence, sentence, 0, len(sentence),
                  0.03, 0.9, 3.0, 0.9, 1)
    (verdict,) = ModelVerifier(Settings(verifier="model")).verify([claim], [(ev,)])
    assert verdict.label is Label.REFUTED
    assert any(c.name == "number" and c.outcome == "conflict" for c in verdict.checks)
