"""Small corpora written by the tests themselves, and one index built from them per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_corpora import ARTICLES, NOTES, write_corpus

from evidence import build_index


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), {**NOTES, **ARTICLES})


@pytest.fixture(scope="session")
def built_index(corpus_dir: Path, embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index for the read-only tests: building is the slow part."""
    out = tmp_path_factory.mktemp("indexes") / "main"
    build_index(corpus_dir, out, embedder)
    return out
