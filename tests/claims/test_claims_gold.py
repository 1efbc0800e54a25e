"""The gold annotations that bench/claims.py scores against are well formed and point at real articles."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claims import ClaimKind, read_article

REPO = Path(__file__).resolve().parents[2]
GOLD = sorted((REPO / "tests" / "data" / "claims" / "gold").glob("*.json"))


def test_there_is_gold_for_the_seed_and_three_written_articles() -> None:
    assert {p.stem for p in GOLD} == {"seed", "finland_nato", "webb_telescope", "council_bridge"}


def _public(path: Path) -> bool:
    """The seed article's gold names a public folder (PUBLIC_SEEDS) instead of a file in the repository."""
    return json.loads(path.read_text(encoding="utf-8"))["article"].startswith("$")


@pytest.mark.parametrize(
    "path", [pytest.param(p, marks=[pytest.mark.data] if _public(p) else []) for p in GOLD], ids=lambda p: p.stem
)
def test_gold_file(path: Path, request: pytest.FixtureRequest) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    if _public(path):
        request.getfixturevalue("seed_article_path")  # fails with the variable to set when it is missing
    article = read_article((REPO / os.path.expandvars(gold["article"])).resolve())
    assert article.text.strip()
    texts = [c["text"] for c in gold["claims"]]
    assert len(texts) >= 10 and len(set(texts)) == len(texts)
    for claim in gold["claims"]:
        assert set(claim) <= {"text", "kind", "attributed_to"}
        kind = ClaimKind(claim["kind"])
        assert claim["text"][0].isupper() and claim["text"].endswith((".", '"'))
        if kind is ClaimKind.ATTRIBUTED or kind is ClaimKind.QUOTE:
            assert claim["attributed_to"]


def test_written_articles_cover_the_three_formats() -> None:
    formats = {read_article(p).format for p in (REPO / "tests" / "data" / "claims" / "articles").iterdir()}
    assert formats == {"text", "markdown", "html"}
