"""Every report format on a hand-made report, including hostile article and corpus text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from claims.types import Claim
from evidence.types import Evidence
from factcheck.config import Settings
from factcheck.gate import GatePolicy, claim_fingerprint, failing
from factcheck.report.html import render_html
from factcheck.report.junit import render_junit
from factcheck.report.markdown import render_markdown
from factcheck.report.sarif import render_sarif
from factcheck.types import ArticleResult, CheckResult, Label, Report, RunManifest, Verdict

SCHEMAS = Path(__file__).parent / "schemas"
EVIL = '<script>alert("x")</script> " onmouseover="alert(1)" | `code` **bold**'
ARTICLE = f"# Title\n\nWebb launched in 2019. {EVIL}\nHubble has a 2.4 m mirror.\nMars has 9 moons.\n"


def _claim(text: str, cid: str) -> Claim:
    start = ARTICLE.index(text)
    line = ARTICLE.count("\n", 0, start) + 1
    column = start - (ARTICLE.rfind("\n", 0, start) + 1) + 1
    return Claim(cid, text, text, "docs/a.md", start, start + len(text), line, column)


def _ev(sentence: str) -> Evidence:
    return Evidence("webb.md", f"Webb {EVIL}", "corpus/webb.md", 1, sentence, sentence, 10, 10 + len(sentence),
                    0.03, 0.8, 2.0, 0.8, 1)


@pytest.fixture()
def report() -> Report:
    refuted = Verdict(_claim(f"Webb launched in 2019. {EVIL}", "c1"), Label.REFUTED, 0.9,
                      (_ev(f"Webb launched in 2021. {EVIL}"),), (CheckResult("year", "conflict", "2019", "2021"),),
                      "conflict: year '2019' vs '2021'")
    supported = Verdict(_claim("Hubble has a 2.4 m mirror.", "c2"), Label.SUPPORTED, 0.8,
                        (_ev("Hubble's mirror is 2.4 m wide."),), (), "close paraphrase")
    unknown = Verdict(_claim("Mars has 9 moons.", "c3"), Label.NOT_ENOUGH_INFO, 0.7, (), (), "no evidence")
    manifest = RunManifest("0.1.0", "spacy", "minilm", "h", "heuristic-v1", "idx", 2, 3, Settings().items())
    return Report(1, manifest, (ArticleResult("docs/a.md", (refuted, supported, unknown)),))


def test_gate_policies(report: Report) -> None:
    assert [v.claim.id for v in failing(report, GatePolicy())] == ["c1"]
    assert [v.claim.id for v in failing(report, GatePolicy("unsupported"))] == ["c1", "c3"]
    assert failing(report, GatePolicy("never")) == ()
    assert [v.claim.id for v in failing(report, GatePolicy("unsupported", min_confidence=0.75))] == ["c1"]
    known = frozenset({claim_fingerprint(report.articles[0].verdicts[0])})
    assert failing(report, GatePolicy(baseline=known)) == ()


def test_sarif_is_valid_and_points_at_the_claim(report: Report) -> None:
    sarif = json.loads(render_sarif(report, GatePolicy("unsupported")))
    jsonschema.validate(sarif, json.loads((SCHEMAS / "sarif-2.1.0-subset.json").read_text()))
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["refuted-claim", "unsupported-claim"]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 1)
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/a.md"
    assert ARTICLE[region["charOffset"] : region["charOffset"] + region["charLength"]].startswith("Webb launched")
    assert region["endColumn"] == 1 + len(f"Webb launched in 2019. {EVIL}")
    assert results[0]["level"] == "error" and results[1]["level"] == "warning"


def test_sarif_lists_only_gate_failures(report: Report) -> None:
    sarif = json.loads(render_sarif(report, GatePolicy("refuted")))
    assert len(sarif["runs"][0]["results"]) == 1


def test_junit_is_valid_with_one_case_per_claim(report: Report) -> None:
    xml = render_junit(report, GatePolicy())
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit.xsd")))
    doc = etree.fromstring(xml.encode("utf-8"))
    schema.assertValid(doc)
    cases = doc.findall(".//testcase")
    assert len(cases) == 3
    assert doc.get("tests") == "3" and doc.get("failures") == "1" and doc.get("skipped") == "1"
    assert cases[0].find("failure").get("type") == "REFUTED"
    assert cases[0].get("name").startswith("3:1 ")


def test_markdown_escapes_table_breakers(report: Report) -> None:
    md = render_markdown(report, GatePolicy())
    assert "**3 claims**" in md and "failed" in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "3:1" in line]
    assert len(rows) == 1
    # The pipe in the claim text is escaped, so the row keeps exactly five cells.
    assert rows[0].replace("\\|", "").count("|") == 6
    assert "<script>" not in md


def test_html_escapes_everything_and_highlights_claims(report: Report) -> None:
    page = render_html(report, {"docs/a.md": ARTICLE}, GatePolicy())
    # The page's own script is the only one; the article's is shown as text.
    assert page.count("<script>") == 1 and "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert 'onmouseover="alert' not in page
    assert page.count('<mark class="ref ') >= 1 and '<mark class="sup ' in page and '<mark class="nei ' in page
    assert 'id="a0-c1"' in page and 'href="#a0-c1"' in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


def test_html_shows_the_sentence_before_the_evidence_greyed_and_escaped(report: Report) -> None:
    from dataclasses import replace

    verdict = report.articles[0].verdicts[0]
    with_context = replace(verdict, evidence=(replace(verdict.evidence[0], context=f"Before it: {EVIL}"),))
    article = replace(report.articles[0], verdicts=(with_context, *report.articles[0].verdicts[1:]))
    page = render_html(replace(report, articles=(article,)), {"docs/a.md": ARTICLE}, GatePolicy())
    context = '<span class="context">Before it: &lt;script&gt;'
    assert context in page and page.index(context) < page.index("Webb launched in 2021.")
    assert "<script>alert" not in page
    # Evidence without a sentence before it gets no empty span.
    plain = render_html(report, {"docs/a.md": ARTICLE}, GatePolicy())
    assert 'class="context"' not in plain.split("</style>")[1]
