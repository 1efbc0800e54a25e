"""Shared fixtures. Models are loaded once per test session: they are the expensive part."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests must never reach a model hub, exactly like a user's air-gapped machine.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 embedder from the installed package."""
    from evidence.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def extractor():
    """The real spaCy-based claim extractor."""
    from claims import ClaimExtractor

    return ClaimExtractor()


@pytest.fixture(scope="session")
def seed_article_path() -> Path:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.fail(f"no seed article under {SHARED / 'seeds'}: the tests expect ../shared beside the repo")
    return seeds[0]


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Indexes that `check --corpus` caches go to a throwaway folder, not the user's cache."""
    path = tmp_path_factory.mktemp("factcheck-cache")
    os.environ["FACTCHECK_CACHE_HOME"] = str(path)
    return path
