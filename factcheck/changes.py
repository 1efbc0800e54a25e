"""Lines changed against a git ref, for `check --changed-only`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from factcheck.errors import InputError

_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def changed_lines(path: Path, ref: str) -> frozenset[int]:
    """1-based line numbers of ``path`` (as it is in the working tree) added or changed since ``ref``.

    A file git does not track yet counts as wholly changed.
    """
    if not path.is_file():
        raise InputError(f"article not found: {path}: check the path and the working directory")
    folder = path.resolve().parent
    try:
        tracked = subprocess.run(
            ["git", "ls-files", "--error-unmatch", path.name], cwd=folder, capture_output=True, text=True
        )
        if tracked.returncode != 0:
            if "not a git repository" in tracked.stderr.lower():
                raise InputError(f"--changed-only needs a git repository, and {folder} is not in one")
            count = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
            return frozenset(range(1, count + 1))
        commit = _resolve(ref, folder)
        diff = subprocess.run(
            ["git", "diff", "--no-color", "--unified=0", commit, "--", path.name],
            cwd=folder, capture_output=True, text=True,
        )
    except FileNotFoundError as exc:
        raise InputError("--changed-only needs git on the PATH") from exc
    if diff.returncode != 0:
        first = (diff.stderr.strip().splitlines() or ["unknown error"])[0]
        raise InputError(f"git diff against {ref!r} failed for {path}: {first}; pass an existing ref with --base")
    lines: set[int] = set()
    for match in _HUNK.finditer(diff.stdout):
        start, count = int(match.group(1)), int(match.group(2) or 1)
        lines.update(range(start, start + count))
    return frozenset(lines)


def _resolve(ref: str, folder: Path) -> str:
    """The commit id ``ref`` names; only that id reaches ``git diff``, so no user text is read as an option."""
    problem = "" if ref and not ref.startswith("-") and "\0" not in ref else "it is empty or starts with '-'"
    if not problem:
        found = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
            cwd=folder, capture_output=True, text=True,
        )
        commit = found.stdout.strip()
        if found.returncode == 0 and _COMMIT.fullmatch(commit):
            return commit
        problem = "git knows no commit by that name"
    raise InputError(f"--base {ref!r} is not a git ref ({problem}): pass a branch, tag or commit such as HEAD~1")
