from __future__ import annotations

from claims.types import Claim, ClaimKind
from evidence.types import Evidence
from factcheck.config import Settings
from factcheck.report.json_report import render_json
from factcheck.serialize import dumps, loads
from factcheck.types import ArticleResult, CheckResult, Label, Report, RunManifest, Verdict


def _report() -> Report:
    claim = Claim("c1", "Webb launched in 2019.", "Webb launched in 2019.", "a.md", 10, 32, 2, 1,
                  ClaimKind.ATTRIBUTED, ((40, 62),))
    ev = Evidence("webb.md", "Webb", "corpus/webb.md", 3, "passage text", "It launched in 2021.", 5, 25,
                  0.031, 0.81234567, 4.5, 0.7712345678, 1)
    verdict = Verdict(claim, Label.REFUTED, 0.8, (ev,), (CheckResult("year", "conflict", "2019", "2021"),), "why")
    manifest = RunManifest("0.1.0", "spacy", "minilm", "abc", "heuristic-v1", "idx", 4, 9, Settings().items())
    return Report(1, manifest, (ArticleResult("a.md", (verdict,)),))


def test_round_trip_gives_back_equal_records() -> None:
    report = _report()
    back = loads(Report, dumps(report))
    # Floats are rounded to six decimals on the way out; everything else is exact.
    assert back.articles[0].verdicts[0].evidence[0].sentence_score == 0.771235
    assert back.articles[0].verdicts[0].claim == report.articles[0].verdicts[0].claim
    assert back.manifest == report.manifest
    assert dumps(back) == dumps(report)


def test_json_report_is_canonical_and_has_a_summary() -> None:
    text = render_json(_report())
    assert text == render_json(_report())
    assert '"REFUTED": 1' in text and '"claims": 1' in text
    assert loads(Report, text).articles[0].verdicts[0].label is Label.REFUTED
