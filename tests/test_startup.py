"""`factcheck --help` must stay fast: no torch, faiss, sentence-transformers or spaCy at start-up."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "faiss", "sentence_transformers", "spacy", "transformers")


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from factcheck.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "for sub in (['check', '--help'], ['index', 'build', '--help'], ['claims', '--help']):\n"
        "    assert CliRunner().invoke(app, sub).exit_code == 0\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"--help imported {out.stdout.strip()}"


def test_console_script_help_exits_0() -> None:
    out = subprocess.run([sys.executable, "-m", "factcheck.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "index" in out.stdout and "check" in out.stdout and "claims" in out.stdout
