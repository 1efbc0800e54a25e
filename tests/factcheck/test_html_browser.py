"""The HTML report opened in a real headless Chromium: it renders offline, shows the claims, filters them,
links cards to the article and keeps overlapping highlights visible."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is missing: `make test` installs Debian's chromium (apt-get install -y chromium)"
    return found


def test_html_report_renders_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "--format", "html", "-o", str(page)]
    )
    assert result.exit_code == 1, result.output
    browser = _chromium()
    profile = tmp_path / "profile"
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]

    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "18 hexagonal segments" in dom.stdout
    assert dom.stdout.count('<mark class="ref ') >= 1
    assert '<mark class="sup ' in dom.stdout and '<mark class="nei ' in dom.stdout
    assert '<p class="gate failed" role="status">Gate failed: ' in dom.stdout

    shot = tmp_path / "report.png"
    run = subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000, "the screenshot looks blank"


# Two claims from one sentence: the relative clause's claim lies inside the main clause's.
OVERLAPPING = (
    "# Telescopes\n\nThe Hubble Space Telescope, which was launched in 1990, has a primary mirror 2.4 metres wide.\n\n"
    "The James Webb Space Telescope was launched in 2019 on an Ariane 5 rocket.\n"
)

# Run inside the page after its own script: click the filters, measure the nested marks, follow links,
# and leave the findings as JSON in the DOM for --dump-dom.
HARNESS = """
<script>
setTimeout(function () {
  var out = {};
  var cards = Array.from(document.querySelectorAll('.card'));
  var shown = function () { return cards.filter(function (c) { return c.getClientRects().length > 0; }); };
  out.cards = cards.length;
  out.refCards = cards.filter(function (c) { return c.classList.contains('ref'); }).length;
  document.querySelector('.badge[data-filter="ref"]').click();
  out.shownForRef = shown().map(function (c) { return c.className; });
  document.querySelector('.badge[data-filter="fail"]').click();
  out.shownForFail = shown().length;
  document.querySelector('.badge[data-filter="all"]').click();
  out.shownForAll = shown().length;
  out.pressed = document.querySelector('.badge[aria-pressed="true"]').dataset.filter;
  out.gateColour = getComputedStyle(document.querySelector('.gate')).backgroundColor;
  out.badgeColours = Array.from(document.querySelectorAll('.badge')).map(function (b) {
    return getComputedStyle(b).backgroundColor; });
  out.pairs = Array.from(document.querySelectorAll('mark > mark')).map(function (inner) {
    var outer = inner.parentElement;
    inner.scrollIntoView({block: 'center'});
    var a = outer.getBoundingClientRect(), b = inner.getBoundingClientRect();
    var x = (b.left + b.right) / 2;
    var style = function (m) { var s = getComputedStyle(m); return [s.borderBottomWidth, s.borderBottomColor]; };
    return {outer: outer.dataset.card, inner: inner.dataset.card, outerStyle: style(outer), innerStyle: style(inner),
            outerLineHit: document.elementFromPoint(x, a.bottom - 1) === outer,
            innerLineHit: document.elementFromPoint(x, b.bottom - 1) === inner};
  });
  window.scrollTo(0, document.body.scrollHeight);
  var link = document.querySelectorAll('.card .goto')[1];
  out.linkHref = link.getAttribute('href');
  link.click();
  setTimeout(function () {
    var target = document.querySelector(':target');
    var r = target.getBoundingClientRect();
    out.linkTarget = [target.tagName, target.id, r.top >= 0 && r.bottom <= window.innerHeight];
    var mark = document.querySelector('mark > mark');
    mark.click();
    setTimeout(function () {
      out.markTarget = [location.hash, document.querySelector(':target').className];
      out.markCard = mark.dataset.card;
      var pre = document.createElement('pre');
      pre.id = 'harness';
      pre.textContent = JSON.stringify(out);
      document.body.appendChild(pre);
    }, 100);
  }, 100);
}, 50);
</script>
"""


def test_filters_links_and_overlapping_marks_work_in_chromium(tmp_path: Path) -> None:
    article = tmp_path / "overlap.md"
    article.write_text(OVERLAPPING, encoding="utf-8")
    page = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["check", str(article), str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "-f", "html", "-o", str(page)]
    )
    assert result.exit_code == 1, result.output
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", HARNESS + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900",
         "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<pre id="harness">' in dom.stdout, "the page's script did not run to the end"
    found = json.loads(dom.stdout.split('<pre id="harness">')[1].split("</pre>")[0].replace("&quot;", '"'))

    # Filtering by label hides every other card; "failing the gate" shows the refuted ones here.
    assert 0 < found["refCards"] < found["cards"]
    assert len(found["shownForRef"]) == found["refCards"]
    assert all(name.split()[1] == "ref" for name in found["shownForRef"])
    assert found["shownForFail"] == found["refCards"] and found["shownForAll"] == found["cards"]
    assert found["pressed"] == "all"
    # The failed gate is red; each badge has its own colour.
    assert found["gateColour"] == "rgb(255, 227, 227)"
    assert len(set(found["badgeColours"])) == len(found["badgeColours"])

    # The overlapping claims both keep a visible underline of their own, one below the other.
    assert found["pairs"], "the relative clause gave no overlapping claims"
    for pair in found["pairs"]:
        assert pair["outer"] != pair["inner"]
        assert pair["outerStyle"][0] == pair["innerStyle"][0] == "3px"
        assert "rgba(0, 0, 0, 0)" not in (pair["outerStyle"][1], pair["innerStyle"][1])
        assert pair["outerLineHit"] and pair["innerLineHit"], pair

    # A card's location link scrolls to its claim's mark in the article, and a mark leads to its card.
    assert found["linkHref"].startswith("#m0-")
    assert found["linkTarget"] == ["MARK", found["linkHref"][1:], True]
    assert found["markTarget"] == [f"#{found['markCard']}", found["markTarget"][1]]
    assert found["markTarget"][1].startswith("card ")
