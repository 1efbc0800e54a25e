"""The gate's words: the summary line, GitHub annotations and the job summary, on hand-made reports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from claims.types import Claim
from evidence.types import Evidence
from factcheck.ci import annotation, escape_data, escape_property, publish
from factcheck.config import Settings
from factcheck.gate import GatePolicy, claim_fingerprint
from factcheck.report.markdown import render_markdown
from factcheck.report.summary import gate_result, gate_text, summary_line
from factcheck.types import ArticleResult, Label, Report, RunManifest, Verdict

ARTICLE = "Webb launched in 2019.\nHubble has a 2.4 m mirror, 100% sure: yes.\nMars has 9 moons.\nPluto is big.\n"


def _verdict(text: str, label: Label, confidence: float, cid: str) -> Verdict:
    start = ARTICLE.index(text)
    line = ARTICLE.count("\n", 0, start) + 1
    claim = Claim(cid, text, text, "docs/a.md", start, start + len(text), line, 1)
    evidence = Evidence("webb.md", "Webb", "corpus/webb.md", 1, "Webb launched in 2021.", "Webb launched in 2021.",
                        0, 22, 0.03, 0.8, 2.0, 0.8, 1)
    return Verdict(claim, label, confidence, (evidence,), (), f"reason for {cid}")


@pytest.fixture()
def report() -> Report:
    verdicts = (
        _verdict("Webb launched in 2019.", Label.REFUTED, 0.9, "c1"),
        _verdict("Hubble has a 2.4 m mirror, 100% sure: yes.", Label.REFUTED, 0.5, "c2"),
        _verdict("Mars has 9 moons.", Label.NOT_ENOUGH_INFO, 0.7, "c3"),
        _verdict("Pluto is big.", Label.SUPPORTED, 0.8, "c4"),
    )
    manifest = RunManifest("0.1.0", "spacy", "minilm", "h", "heuristic-v1", "idx", 2, 3, Settings().items())
    return Report(1, manifest, (ArticleResult("docs/a.md", verdicts),))


def test_failing_gate_names_the_labels_the_floor_and_the_policy(report: Report) -> None:
    assert summary_line(gate_result(report, GatePolicy())) == (
        "factcheck: 4 claims: 1 SUPPORTED, 2 REFUTED, 1 NOT ENOUGH INFO; gate failed: 2 REFUTED (policy refuted)"
    )
    assert gate_text(gate_result(report, GatePolicy(min_confidence=0.6))) == (
        "gate failed: 1 REFUTED at >= 0.60 confidence (policy refuted, 1 below 0.60 confidence)"
    )
    assert gate_text(gate_result(report, GatePolicy("unsupported"))) == (
        "gate failed: 2 REFUTED and 1 NOT ENOUGH INFO (policy unsupported)"
    )


def test_passing_gate_says_how_many_claims_failed_and_what_was_excused(report: Report) -> None:
    assert gate_text(gate_result(report, GatePolicy("never"))) == "gate passed: 0 of 4 claims fail policy never"
    known = frozenset(claim_fingerprint(v) for v in report.verdicts() if v.claim.id == "c1")
    result = gate_result(report, GatePolicy(min_confidence=0.6, baseline=known))
    assert result.passed and result.failing == ()
    assert gate_text(result) == (
        "gate passed: 0 of 4 claims fail policy refuted (1 below 0.60 confidence, 1 known from the baseline)"
    )


def test_property_and_message_escaping() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotation_points_at_the_claim_with_escaped_parts(report: Report) -> None:
    verdict = report.verdicts()[1]
    line = annotation(verdict, {})
    assert line.startswith(
        "::error file=docs/a.md,line=2,col=1,endLine=2,endColumn=43,title=factcheck%3A REFUTED claim (0.50)::"
    )
    message = line.split("::", 2)[2]
    assert message == (
        "Hubble has a 2.4 m mirror, 100%25 sure: yes. — reason for c2%0AEvidence (webb.md): Webb launched in 2021."
    )
    assert "\n" not in line


def test_annotation_paths_are_relative_to_the_workspace(report: Report, tmp_path: Path) -> None:
    verdict = report.verdicts()[0]
    moved = Claim(**{f: getattr(verdict.claim, f) for f in verdict.claim.__slots__ if f != "doc_id"},
                  doc_id=str(tmp_path / "docs" / "a.md"))
    away = Verdict(moved, verdict.label, verdict.confidence, verdict.evidence, verdict.checks, verdict.reason)
    assert "file=docs/a.md," in annotation(away, {"GITHUB_WORKSPACE": str(tmp_path)})
    # Outside the workspace the path stays as given.
    assert f"file={str(tmp_path / 'docs' / 'a.md').replace(':', '%3A')}," in annotation(
        away, {"GITHUB_WORKSPACE": str(tmp_path / "elsewhere")}
    )


def test_publish_only_inside_github_actions(report: Report, tmp_path: Path) -> None:
    failing = gate_result(report, GatePolicy()).failing
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    err = io.StringIO()
    publish(failing, lambda: "## report", {"GITHUB_STEP_SUMMARY": str(summary)}, err)
    assert err.getvalue() == "" and summary.read_text(encoding="utf-8") == "earlier step\n"

    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    publish(failing, lambda: "## report", env, err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 2 and all(line.startswith("::error file=docs/a.md,") for line in lines)
    assert summary.read_text(encoding="utf-8") == "earlier step\n## report\n"


def test_unwritable_step_summary_warns_in_one_line(report: Report, tmp_path: Path) -> None:
    err = io.StringIO()
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "such" / "file")}
    publish((), lambda: "## report", env, err)
    assert err.getvalue().count("\n") == 1 and err.getvalue().startswith("factcheck: warning: cannot append")


def test_markdown_report_states_the_gate_in_the_same_words(report: Report) -> None:
    assert "❌ **Gate failed: 2 REFUTED (policy refuted)**." in render_markdown(report, GatePolicy())
    assert "✅ **Gate passed: 0 of 4 claims fail policy never**." in render_markdown(report, GatePolicy("never"))
