"""bench/judgements/changed.py: a blind packet of the claims only one version makes, and its scores per side."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from claims import ClaimExtractor

JUDGEMENTS = Path(__file__).resolve().parents[2] / "bench" / "judgements"


def _module(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"judgements_{name}", JUDGEMENTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _version(folder: Path, claims: list[tuple[str, str, str]]) -> Path:
    (folder / "articles").mkdir(parents=True)
    for article in {a for a, _, _ in claims}:
        (folder / article).write_text(f"text of {article}", encoding="utf-8")
    with (folder / "claims.jsonl").open("w", encoding="utf-8") as handle:
        for article, claim, speaker in claims:
            row = {"article": article, "document": article, "source": "s", "claim": claim, "speaker": speaker}
            handle.write(json.dumps(row) + "\n")
    return folder


def test_only_the_claims_that_differ_are_packed_and_scored_per_side(tmp_path: Path) -> None:
    changed, score = _module("changed"), _module("score")
    shared = ("articles/news-1.txt", "The mill closed in 1990.", "")
    old = _version(tmp_path / "old", [shared, ("articles/news-1.txt", "The 1990 closed.", "")])
    new = _version(tmp_path / "new", [shared, ("articles/news-1.txt", "The mill employed 40 people.", "Ana Ruiz")])
    packet, key = tmp_path / "packet", tmp_path / "key.json"
    assert changed.build(old, new, ("v1", "v2"), packet, key, seed=3) == (1, 1)
    items = [json.loads(line) for line in (packet / "items.jsonl").open()]
    assert sorted(i["claim"] for i in items) == ["The 1990 closed.", "The mill employed 40 people."]
    assert "side" not in items[0] and (packet / "RUBRIC.md").is_file()
    assert (packet / "articles" / "news-1.txt").is_file()
    sides = json.loads(key.read_text())
    # a judge that passes everything the new version made and nothing the old one did
    with (packet / "judgements.jsonl").open("w") as handle:
        for item in items:
            ok = sides[item["id"]] == "v2"
            verdict = {c: ok for c in ("faithful", "grammatical", "atomic", "self_contained")}
            handle.write(json.dumps({"id": item["id"], **verdict, "note": ""}) + "\n")
    stored = tmp_path / "changes"
    changed.store(packet, key, stored)
    text = score.score(stored)
    assert "made only by v1 (1): faithful 0.0%" in text and "made only by v2 (1): faithful 100.0%" in text


def test_the_real_extractor_writes_what_build_reads(tmp_path: Path) -> None:
    # one version compared with itself: nothing differs
    propsegment = _bench_propsegment()
    article = JUDGEMENTS / "articles-9" / "46.txt"
    claims = ClaimExtractor().extract(article.read_text(encoding="utf-8"), "46")
    pools = [[("news-46", "46", c) for c in claims]]
    propsegment.write_all(pools, {"news-46": article.read_text(encoding="utf-8")}, tmp_path / "a")
    rows = (tmp_path / "a" / "claims.jsonl").read_text().splitlines()
    assert len(rows) == len(claims) > 5
    counts = _module("changed").build(tmp_path / "a", tmp_path / "a", ("x", "y"), tmp_path / "p", tmp_path / "k", 1)
    assert counts == (0, 0)


def _bench_propsegment():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_propsegment", JUDGEMENTS.parent / "propsegment.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module
