"""A clone with nothing beside it collects the default tests, and no default test names a folder outside the repo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.repo_copy import REPO, copy_repository, repo_files

# Spelled in pieces so that this file does not match its own scan.
OUTSIDE = re.compile("|".join([r"\.\./" + "shared", r"parents?\[?\d*\]? */ *[\"']" + "shared", "/" + "work/"]))


def _collected(cwd: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    env.pop("PUBLIC_DATA", None)
    env.pop("PUBLIC_SEEDS", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not data", "-p", "no:cacheprovider"],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_a_clone_alone_in_a_folder_collects_the_default_tests() -> None:
    with tempfile.TemporaryDirectory() as alone:
        clone = copy_repository(Path(alone) / "factcheck")
        assert sorted(p.name for p in Path(alone).iterdir()) == ["factcheck"]
        there = _collected(clone)
    assert len(there) > 400
    assert there == _collected(REPO)


def test_no_code_or_test_names_a_folder_outside_the_repository() -> None:
    reaching = []
    for name in repo_files():
        if name.split("/")[0] in {"factcheck", "claims", "evidence", "tests"} and name.endswith(".py"):
            text = (REPO / name).read_text(encoding="utf-8")
            reaching += [f"{name}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert reaching == []
