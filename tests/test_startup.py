"""`factcheck --help` stays fast (no torch, faiss, sentence-transformers, spaCy); the product never imports training."""

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


def test_the_product_never_imports_the_training_code() -> None:
    # Every module of the three rooms except training itself, then the CLI's check and train help.
    code = (
        "import importlib, pkgutil, sys\n"
        "from typer.testing import CliRunner\n"
        "import claims, evidence, factcheck\n"
        "def walk(package):\n"  # not pkgutil.walk_packages: it imports every subpackage, training included
        "    for m in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
        "        if m.name != 'factcheck.training':\n"
        "            module = importlib.import_module(m.name)\n"
        "            if m.ispkg:\n"
        "                walk(module)\n"
        "for package in (claims, evidence, factcheck):\n"
        "    walk(package)\n"
        "from factcheck.cli import app\n"
        "for sub in (['check', '--help'], ['train', '--help'], ['train', 'verifier', '--help']):\n"
        "    assert CliRunner().invoke(app, sub).exit_code == 0, sub\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('factcheck.training'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the product imported {out.stdout.strip()}"
