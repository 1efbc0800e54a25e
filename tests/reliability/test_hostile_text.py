"""Hostile text in an article, a claim or a corpus document stays text in every report format: no
script runs in the HTML report (checked in headless Chromium), Markdown gets no markup or links,
SARIF is plain JSON, and JUnit is valid XML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from claims import read_article, read_claims_file
from evidence import build_index, open_index
from factcheck.config import load_settings
from factcheck.demo import DEMO_CORPUS
from factcheck.gate import GatePolicy
from factcheck.pipeline import ClaimSet, check_claims, extract_claims
from factcheck.report.html import render_html
from factcheck.report.json_report import render_json
from factcheck.report.junit import render_junit
from factcheck.report.markdown import render_markdown
from factcheck.report.sarif import render_sarif

pytestmark = pytest.mark.reliability

PWNED = "document.title='pwned'"
SCRIPT = f"<script>{PWNED}</script>"
HANDLER = f'<img src="x" onerror="{PWNED}">'
LINK = f"[see the source](javascript:{PWNED})"
EVIL_DOC = (
    f"The James Webb Space Telescope has a primary mirror of 18 hexagonal segments {SCRIPT}. "
    f"Webb was launched on 25 December 2021 {HANDLER} aboard an Ariane 5 rocket {LINK}.\n"
)
EVIL_ARTICLE = (
    f"The James Webb Space Telescope was launched in 2021 {SCRIPT}.\n\n"
    f'Its mirror has 18 segments <a href="javascript:{PWNED}" onmouseover="{PWNED}">link</a>.\n'
)
# "</script>" inside a claim closes any script block a report might put it in; \x0c and \x1b are not XML.
EVIL_CLAIMS = [
    {"claim": f"Webb has 18 mirror segments </script><script>{PWNED}</script>", "id": "script"},
    {"claim": f'Webb was launched in 2021 " onmouseover="{PWNED}" x="', "id": "attribute"},
    {"claim": f"Webb was launched on an Ariane 5 rocket {LINK} | --- | \x0c\x1b", "id": "markdown"},
    {"claim": f"The Moon is made of green cheese </script><script>{PWNED}</script> \x0c", "id": "unsupported"},
]


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory, embedder, extractor):
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    (corpus / "evil.txt").write_text(EVIL_DOC, encoding="utf-8")
    build_index(corpus, root / "index", embedder)
    article = root / "article.txt"
    article.write_text(EVIL_ARTICLE, encoding="utf-8")
    claims_file = root / "claims.jsonl"
    claims_file.write_text("".join(json.dumps(c) + "\n" for c in EVIL_CLAIMS), encoding="utf-8")
    text, given = read_claims_file(claims_file)
    settings = load_settings(cwd=root, env={})
    from factcheck.verify.factory import make_verifier

    sets = [*extract_claims([read_article(article)], extractor), ClaimSet(str(claims_file), text, given)]
    with open_index(root / "index", embedder) as index:
        report = check_claims(sets, index, make_verifier(settings), settings, claim_source="test")
    sources = {s.path: s.text for s in sets}
    return report, sources, GatePolicy(fail_on="refuted", min_confidence=0.0, baseline=frozenset()), root


def test_the_hostile_document_is_among_the_evidence(hostile_report) -> None:
    report, _, _, _ = hostile_report
    paths = {e.doc_path for v in report.verdicts() for e in v.evidence}
    assert "evil.txt" in paths, paths
    assert all(not Path(p).is_absolute() for p in paths), "evidence paths are relative to the corpus root"
    sentences = [e.sentence for v in report.verdicts() for e in v.evidence if e.doc_path == "evil.txt"]
    assert any("<script>" in s or "onerror" in s for s in sentences), sentences


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is missing: `make test` installs Debian's chromium (apt-get install -y chromium)"
    return found


def _dom(page: Path, profile: Path) -> str:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--virtual-time-budget=3000"]  # fmt: skip
    run = subprocess.run(
        [_chromium(), *flags, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_no_script_runs_in_the_html_report(hostile_report, tmp_path: Path) -> None:
    report, sources, policy, _ = hostile_report
    # The control: the same browser runs the injected script when a page does not escape it.
    control = tmp_path / "control.html"
    control.write_text(f"<html><head><title>factcheck report</title></head><body>{SCRIPT}</body></html>")
    assert "<title>pwned</title>" in _dom(control, tmp_path / "p1")

    page = tmp_path / "report.html"
    page.write_text(render_html(report, sources, policy), encoding="utf-8")
    dom = _dom(page, tmp_path / "p2")
    assert "<title>factcheck report</title>" in dom and "pwned</title>" not in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text
    from lxml import html as lxml_html

    from factcheck.report.html import _SCRIPT

    tree = lxml_html.fromstring(dom)
    # the one script is the report's own filter; nothing from the article or corpus became an element
    scripts = tree.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text.strip() == _SCRIPT.strip()
    assert tree.xpath("//img | //iframe") == []
    attributes = [(name, value) for element in tree.iter() for name, value in element.attrib.items()]
    assert not [a for a in attributes if a[0].lower().startswith("on")]
    assert not [a for a in attributes if a[1].strip().lower().startswith("javascript:")]


def test_markdown_report_has_no_markup_or_links(hostile_report) -> None:
    report, _, policy, _ = hostile_report
    markdown = render_markdown(report, policy)
    assert "<script" not in markdown and "<img" not in markdown and "<a " not in markdown
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown)
    assert "&lt;script&gt;" in markdown
    for row in (line for line in markdown.splitlines() if line.startswith("| ") and "Claim |" not in line):
        cells = re.split(r"(?<!\\)\|", row)[1:-1]
        assert len(cells) == 5, row


def test_sarif_and_json_carry_the_text_as_data(hostile_report) -> None:
    report, _, _, _ = hostile_report
    unsupported = GatePolicy(fail_on="unsupported", min_confidence=0.0, baseline=frozenset())
    sarif = json.loads(render_sarif(report, unsupported))
    messages = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    assert any("</script><script>" in m for m in messages)
    assert all(not loc["physicalLocation"]["artifactLocation"]["uri"].startswith("javascript:")
               for r in sarif["runs"][0]["results"] for loc in r["locations"])  # fmt: skip
    assert "</script>" in json.dumps(json.loads(render_json(report)))


def test_junit_is_valid_xml_with_the_text_escaped(hostile_report) -> None:
    report, _, policy, _ = hostile_report
    junit = render_junit(report, policy)
    tree = ET.fromstring(junit.encode("utf-8"))
    names = [case.get("name", "") for case in tree.iter("testcase")]
    assert any("</script><script>" in name for name in names)
    assert "<script>" not in junit  # escaped as &lt;script&gt; in the file
    from lxml import etree

    etree.fromstring(junit.encode("utf-8"), etree.XMLParser(recover=False))
