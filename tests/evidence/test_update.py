"""Incremental changes give the index a fresh build would give, and never a half-written one."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from evidence_corpora import ARTICLES, write_corpus

from evidence import (
    EmptyCorpus,
    IndexLocked,
    IndexMismatch,
    add_documents,
    build_index,
    open_index,
    remove_documents,
    update_index,
)

QUERIES = ["When was the Eiffel Tower completed?", "coffee producer", "vitamin D bones", "sleep", "Moon orbit"]
EXTRA = {"new/tea.txt": "Green tea is made from the leaves of Camellia sinensis. China grows most tea."}


def snapshot(index_dir: Path, embedder) -> tuple:
    """Everything a reader can observe: manifest, stored rows, and search results."""
    with open_index(index_dir, embedder) as index:
        conn = index.connection
        docs = conn.execute("SELECT id, ordinal, path, title, sha256, text FROM documents ORDER BY ordinal").fetchall()
        passages = conn.execute("SELECT * FROM passages ORDER BY id").fetchall()
        sentences = conn.execute("SELECT * FROM sentences ORDER BY doc_id, idx").fetchall()
        results = [
            [(e.doc_id, e.passage_id, e.sentence_start, e.sentence_end, round(e.dense_score, 4)) for e in hits]
            for hits in index.search(QUERIES, k=3)
        ]
        manifest = index.manifest
    return manifest.index_id, manifest.documents, manifest.passages, docs, passages, sentences, results


def fresh(corpus: Path, tmp_path: Path, embedder, name: str = "fresh") -> tuple:
    out = tmp_path / name
    build_index(corpus, out, embedder)
    return snapshot(out, embedder)


def test_update_matches_a_fresh_build_and_embeds_only_what_changed(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "index"
    build_index(corpus, out, embedder)
    (corpus / "science/moon.md").write_text("# The Moon\n\nThe Moon is slowly moving away from Earth.\n")
    (corpus / "web/coffee.html").unlink()
    write_corpus(corpus, EXTRA)
    embedded: list[int] = []
    result = update_index(out, corpus, embedder, progress=lambda s, d, t: embedded.append(t) if s == "embed" else None)
    assert result.added == ("new/tea.txt",)
    assert result.changed == ("science/moon.md",)
    assert result.removed == ("web/coffee.html",)
    assert result.unchanged == 3  # tower.txt and the two jsonl documents
    assert embedded and max(embedded) == 2  # one passage each for tea and the new moon text
    assert snapshot(out, embedder) == fresh(corpus, tmp_path, embedder)


def test_add_and_remove_match_a_fresh_build(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "index"
    build_index(corpus, out, embedder)
    write_corpus(corpus, EXTRA)
    added = add_documents(out, [corpus / "new/tea.txt"], embedder, root=corpus)
    assert added.added == ("new/tea.txt",) and added.unchanged == 5
    assert snapshot(out, embedder) == fresh(corpus, tmp_path, embedder, "fresh-added")

    removed = remove_documents(out, ["science/tower.txt", "data/abstracts.jsonl"])
    assert removed.removed == ("data/abstracts.jsonl#101", "data/abstracts.jsonl#b7", "science/tower.txt")
    (corpus / "science/tower.txt").unlink()
    (corpus / "data/abstracts.jsonl").unlink()
    assert snapshot(out, embedder) == fresh(corpus, tmp_path, embedder, "fresh-removed")


def test_update_drops_what_factcheckignore_names(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "index"
    build_index(corpus, out, embedder)
    (corpus / ".factcheckignore").write_text("web/\n")
    result = update_index(out, corpus, embedder)
    assert result.removed == ("web/coffee.html",) and not result.added and not result.changed
    assert snapshot(out, embedder) == fresh(corpus, tmp_path, embedder)
    with open_index(out, embedder) as index:
        hits = index.search(["coffee producer"], k=5)[0]
    assert all(not hit.doc_id.startswith("web/") for hit in hits)


def test_removing_everything_is_refused(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Only document."})
    out = tmp_path / "index"
    build_index(corpus, out, embedder)
    with pytest.raises(EmptyCorpus, match="without documents"):
        remove_documents(out, ["a.txt"])
    with open_index(out, embedder) as index:
        assert index.manifest.documents == 1


def test_update_with_another_model_is_refused(built_index: Path, corpus_dir: Path, embedder) -> None:
    class OtherModel:
        model_id, model_hash, dimension = embedder.model_id, "ffffffffffffffff", embedder.dimension

    with pytest.raises(IndexMismatch):
        update_index(built_index, corpus_dir, OtherModel())  # type: ignore[arg-type]


def test_second_writer_gets_index_locked(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Only document."})
    out = tmp_path / "index"
    build_index(corpus, out, embedder)
    # Another process holds the write lock (flock locks are per open file, so a second open counts).
    with open(tmp_path / ".index.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(IndexLocked, match="another process is writing"):
            update_index(out, corpus, embedder)
        with pytest.raises(IndexLocked):
            build_index(corpus, out, embedder)
    update_index(out, corpus, embedder)  # released: works again


KILL_MID_UPDATE = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, sys.argv[3])
    from pathlib import Path
    from evidence import SentenceTransformerEmbedder, update_index

    def progress(stage, done, total):
        if stage == sys.argv[4]:
            os.kill(os.getpid(), signal.SIGKILL)

    update_index(Path(sys.argv[1]), Path(sys.argv[2]), SentenceTransformerEmbedder(), progress=progress)
    """
)


@pytest.mark.parametrize("stage", ["embed", "write"])
def test_a_process_killed_mid_update_leaves_the_old_index_intact(tmp_path: Path, embedder, stage: str) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "index"
    build_index(corpus, out, embedder)
    before = snapshot(out, embedder)
    write_corpus(corpus, EXTRA)
    repo = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    child = subprocess.run(
        [sys.executable, "-c", KILL_MID_UPDATE, str(out), str(corpus), repo, stage], env=env, capture_output=True
    )
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    assert snapshot(out, embedder) == before
    # Killed while writing, it leaves its work folder behind: only beside the index, never in it.
    left = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert len(left) == (1 if stage == "write" else 0)
    # The next writer clears what the killed one left and completes.
    result = update_index(out, corpus, embedder)
    assert result.added == ("new/tea.txt",)
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []
