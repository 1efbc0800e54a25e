"""The HTML report opened in a real headless Chromium: it renders offline and shows the claims."""

from __future__ import annotations

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
    assert dom.stdout.count('<mark class="ref">') >= 1
    assert '<mark class="sup">' in dom.stdout and '<mark class="nei">' in dom.stdout

    shot = tmp_path / "report.png"
    run = subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000, "the screenshot looks blank"
