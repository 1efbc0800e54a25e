"""bench/scifact.py end to end on a tiny SciFact-shaped corpus written here: the real index build
(all-MiniLM-L6-v2, faiss, SQLite), the `check --claims` path with the configured verifier, the
cache, the tuning search and the mapping back to SciFact sentence indices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.scifact import SearchOnce, main
from evidence import SentenceTransformerEmbedder, open_index

ABSTRACTS = [
    {"doc_id": 11, "title": "Zinc supplements and the common cold", "abstract": [
        "BACKGROUND: Colds are frequent in children.",
        " Daily zinc supplements shortened the common cold by two days in school children. ",
        "No serious side effects were seen.",
    ]},
    {"doc_id": 22, "title": "Coffee intake and sleep in adults", "abstract": [
        "We surveyed 900 adults about coffee.",
        "Drinking coffee after 6 pm delayed sleep onset by forty minutes.",
    ]},
    {"doc_id": 33, "title": "Glacier retreat in the Alps", "abstract": [
        "Alpine glaciers lost a third of their volume between 1980 and 2010.",
        "Melt water runoff peaked in summer.",
    ]},
]  # fmt: skip
DEV = [
    {"id": 1, "claim": "Daily zinc supplements shortened the common cold by two days in school children.",
     "evidence": {"11": [{"sentences": [1], "label": "SUPPORT"}]}, "cited_doc_ids": [11]},
    {"id": 2, "claim": "Violin lessons improve chess ratings of retired pilots.", "evidence": {},
     "cited_doc_ids": [22]},
    {"id": 3, "claim": "Alpine glaciers lost a third of their volume between 1980 and 2010.",
     "evidence": {"33": [{"sentences": [0], "label": "SUPPORT"}]}, "cited_doc_ids": [33]},
]  # fmt: skip


def _jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scifact")
    _jsonl(folder / "corpus.jsonl", ABSTRACTS)
    _jsonl(folder / "claims_dev.jsonl", DEV)
    _jsonl(folder / "claims_train.jsonl", DEV[::-1])
    return folder


def test_dev_run_builds_then_reuses_the_index_and_maps_sentences(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = tmp_path / "index"
    out = tmp_path / "predictions.jsonl"
    assert main(["--data", str(data), "--index-dir", str(index_dir), "--predictions", str(out)]) == 0
    first = capsys.readouterr().out
    assert "3 abstracts" in first and "built in" in first
    assert "| abstract  label only" in first and "R@1" in first and "verifier id " in first
    predictions = {p["id"]: p["evidence"] for p in map(json.loads, out.read_text().splitlines())}
    assert set(predictions) == {1, 2, 3}
    # A claim copied from an abstract sentence is supported by that abstract and that sentence,
    # although the reader stripped the sentence's padding and the title is kept apart.
    assert predictions[1] == {"11": {"sentences": [1], "label": "SUPPORT"}}
    assert predictions[3] == {"33": {"sentences": [0], "label": "SUPPORT"}}

    assert main(["--data", str(data), "--index-dir", str(index_dir), "--wrong", "3"]) == 0
    second = capsys.readouterr().out
    assert "cached; built earlier in" in second
    # The figures do not depend on whether the index was built or reused.
    table = [line for line in first.splitlines() if line.startswith("| abstract")]
    assert table == [line for line in second.splitlines() if line.startswith("| abstract")]

    # Tuning searches once for the largest top_k and relies on smaller k being a prefix of it.
    queries = [claim["claim"] for claim in DEV]
    with open_index(index_dir, SentenceTransformerEmbedder()) as index:
        once = SearchOnce(index, queries, k=3)
        assert once.search(queries, k=2) == index.search(queries, k=2)
        with pytest.raises(ValueError, match="k=3"):
            once.search(queries, k=4)
        # ... and on fewer sentences per passage being the first of each passage's sentences.
        several = SearchOnce(index, queries, k=3, sentences=3)
        for k, sentences in ((3, 1), (2, 2), (1, 3)):
            assert several.search(queries, k=k, sentences=sentences) == index.search(queries, k=k, sentences=sentences)
        with pytest.raises(ValueError, match="sentences=3 only"):
            several.search(queries, k=3, sentences=4)


def test_tuning_runs_on_train_and_names_the_best_setting(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir = str(tmp_path / "index")
    args = ["--data", str(data), "--index-dir", index_dir, "--split", "train", "--tune", "--verifier", "heuristic"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "SciFact train: 3 claims" in out
    assert "best on train: verifier=heuristic top_k=" in out
    assert "| top_k | support_threshold | conflict_threshold |" in out


def test_model_tuning_needs_claims_held_out_from_its_training(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.scifact import GoldClaim, held_out_of_training
    from factcheck.training.dataset import HELD_OUT, held_out_draw
    from factcheck.training.text import claim_key

    many = {i: GoldClaim(i, f"Claim number {i} about zinc and colds.", ()) for i in range(60)}
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "training.json").write_text(json.dumps({"seed": 13}))
    held = held_out_of_training(many, model_dir, data)
    # About 15% of claims, chosen by the per-claim draw that training used to hold them out.
    assert 0 < len(held) < 20
    assert all(held_out_draw(13, claim_key(c.text)) < HELD_OUT["scifact_train"] for c in held.values())
    (model_dir / "training.json").write_text(json.dumps({"seed": 14}))
    assert set(held_out_of_training(many, model_dir, data)) != set(held)
    # None of the three made-up claims is held out by the shipped model's draw: a clear error, exit 2.
    index_dir = str(tmp_path / "index")
    args = ["--data", str(data), "--index-dir", index_dir, "--split", "train", "--tune", "--verifier", "model"]
    assert main(args) == 2
    assert "none of the 3 train claims was held out" in capsys.readouterr().err
