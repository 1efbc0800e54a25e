"""Small corpora written by the tests themselves, and one index built from them per session."""

from __future__ import annotations

import sys
from pathlib import Path

# pytest puts tests/ on sys.path (prepend mode, because of tests/conftest.py), where this folder
# passes for a namespace package named "evidence" that hides the real one: the editable install
# only offers it through a finder that runs after the path search. Put the repository first.
_REPO = str(Path(__file__).resolve().parents[2])
if sys.path[:1] != [_REPO]:
    sys.path.insert(0, _REPO)
if getattr(sys.modules.get("evidence"), "__file__", "") is None:
    for _name in [n for n in sys.modules if n == "evidence" or n.startswith("evidence.")]:
        del sys.modules[_name]

import pytest  # noqa: E402
from evidence_corpora import ARTICLES, NOTES, write_corpus  # noqa: E402

from evidence import build_index  # noqa: E402


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), {**NOTES, **ARTICLES})


@pytest.fixture(scope="session")
def built_index(corpus_dir: Path, embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index for the read-only tests: building is the slow part."""
    out = tmp_path_factory.mktemp("indexes") / "main"
    build_index(corpus_dir, out, embedder)
    return out
