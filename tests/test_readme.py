"""The README's walk-through runs as written, in order, in a fresh copy of the repository.

Skipped, by the README's own conventions: the set-up block (`make ...`, which this test's environment already did)
and blocks that start with `# yours` (they need the reader's files). A command whose comment says it exits 1 must
exit 1 (a failed gate is what it shows); every other command must exit 0.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.repo_copy import REPO, copy_repository

BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def _blocks() -> list[list[str]]:
    return [block.strip().splitlines() for block in BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))]


def _walk_through() -> list[tuple[str, int]]:
    """(command, expected exit code) of every command the README promises to run as written."""
    steps: list[tuple[str, int]] = []
    for lines in _blocks():
        if lines[0].startswith("# yours") or all(line.startswith("make ") for line in lines if line.strip()):
            continue
        expected = 0
        for line in lines:
            if line.startswith("#"):
                expected = 1 if "exits 1" in line else 0
            elif line.strip():
                steps.append((line.strip(), expected))
                expected = 0
    return steps


def test_the_conventions_leave_a_walk_through_and_mark_every_placeholder() -> None:
    steps = [command for command, _ in _walk_through()]
    assert len(steps) >= 10 and steps[0] == "source .venv/bin/activate"
    assert not any("your" in command for command in steps), "a placeholder in a block that runs"
    yours = [line for lines in _blocks() if lines[0].startswith("# yours") for line in lines if "path/to/" in line]
    assert yours and all("path/to/your-" in line for line in yours)


@pytest.fixture(scope="module")
def walked() -> dict[str, object]:
    """Each command's run, by command, and what the walk-through left in build/ (text, or parsed JSON)."""
    runs: dict[str, subprocess.CompletedProcess[str]] = {}
    with tempfile.TemporaryDirectory() as alone:
        clone = copy_repository(Path(alone) / "factcheck")
        (clone / ".venv").symlink_to(Path(sys.prefix))
        env = {**os.environ, "PYTHONPATH": str(clone)}
        activate = ""
        for command, expected in _walk_through():
            if command.startswith("source "):
                activate = command + " && "
                continue
            run = subprocess.run(
                ["bash", "-c", activate + command], cwd=clone, env=env, capture_output=True, text=True, timeout=600
            )
            assert run.returncode == expected, f"{command}\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
            runs[command] = run
        built = {
            p.name: json.loads(p.read_text(encoding="utf-8")) if p.suffix == ".json" else p.is_dir() or p.read_text()
            for p in (clone / "build").iterdir()
        }
    return {"runs": runs, "built": built}


def _output(walked: dict, start: str) -> str:
    return next(run.stdout for command, run in walked["runs"].items() if command.startswith(start))


def test_every_command_of_the_walk_through_shows_what_it_promises(walked: dict) -> None:
    built = walked["built"]
    assert {"demo-index", "report.json", "report.html", "baseline.json"} <= set(built)
    assert "documents" in _output(walked, "factcheck index info")
    claims = _output(walked, "factcheck claims").splitlines()
    assert claims and all(line.startswith("factcheck/demo/article.md:") for line in claims if "\t" in line)
    assert "REFUTED" in _output(walked, "factcheck check factcheck/demo/article.md --index build/demo-index")
    labels = {v["label"] for article in built["report.json"]["articles"] for v in article["verdicts"]}
    assert labels == {"SUPPORTED", "REFUTED", "NOT ENOUGH INFO"}
    assert built["report.html"].lower().startswith("<!doctype html>")
    assert [e["label"] for e in built["baseline.json"]["claims"]] == ["REFUTED"]
    for label in ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO"):
        assert label in _output(walked, "factcheck demo")
