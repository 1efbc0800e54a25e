"""A copy of the repository as a clone would have it (shared by the tests that need one)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def repo_files() -> list[str]:
    """The files a clone would have: tracked ones plus new ones not ignored, as they are now in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


def copy_repository(dest: Path) -> Path:
    for name in repo_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, dest / name)
    return dest
