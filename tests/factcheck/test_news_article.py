"""A news article about invented facts against a small corpus written for it, end to end with the real models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.cli import app

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpora" / "harbour"


@pytest.fixture(scope="module")
def report(article_path: Path) -> dict:
    result = CliRunner().invoke(app, ["check", str(article_path), "--corpus", str(CORPUS), "--format", "json"])
    assert result.exit_code == 0, result.output  # nothing is refuted: the gate passes
    return json.loads(result.stdout)


def _verdict(report: dict, text: str) -> dict:
    return next(v for a in report["articles"] for v in a["verdicts"] if v["claim"]["text"] == text)


def test_facts_the_corpus_states_are_supported_by_the_document_that_states_them(report: dict) -> None:
    for text, document in [
        ("Coldwater Works was founded in 1987.", "coldwater_works.md"),
        ("Coldwater Works employs 340 people.", "coldwater_works.md"),
        ("The Varde Bay wave farm opened in 2021.", "coldwater_works.md"),
    ]:
        verdict = _verdict(report, text)
        assert verdict["label"] == "SUPPORTED", (text, verdict["label"])
        assert verdict["evidence"][0]["doc_id"] == document


def test_a_claim_whose_subject_the_evidence_never_names_is_not_supported(report: dict) -> None:
    # "In 2019 the town began building a tidal energy plant": the year matches, but nothing says what
    # "construction" the claim means, so the evidence is not shown to be about the same thing
    verdict = _verdict(report, "Construction began in 2019.")
    assert verdict["label"] == "NOT ENOUGH INFO"


def test_facts_the_corpus_never_mentions_are_not_enough_info(report: dict) -> None:
    for text in ("The project had taken six years to finish.", "The turbines would be inspected every three months."):
        assert _verdict(report, text)["label"] == "NOT ENOUGH INFO", text
    summary = report["summary"]
    assert summary["claims"] == len([v for a in report["articles"] for v in a["verdicts"]]) >= 20
    assert summary["REFUTED"] == 0 and summary["SUPPORTED"] >= 4
