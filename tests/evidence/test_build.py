"""Building an index on disk, opening it again, and every way opening must refuse."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from evidence_corpora import ARTICLES, NOTES, write_corpus

from evidence import (
    BuildOptions,
    CorpusNotFound,
    EmptyCorpus,
    IndexCorrupt,
    IndexMismatch,
    IndexNotFound,
    IndexSettings,
    IndexStoreError,
    build_index,
    open_index,
)
from evidence.manifest import FORMAT_VERSION


def copy_index(built_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(built_index, target)
    return target


def edit_manifest(index_dir: Path, **changes: object) -> None:
    path = index_dir / "manifest.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_built_index_round_trips_through_open_index(built_index: Path, embedder) -> None:
    assert sorted(p.name for p in built_index.iterdir()) == ["manifest.json", "store.sqlite", "vectors.faiss"]
    manifest = json.loads((built_index / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model_id"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["model_hash"] == embedder.model_hash and manifest["dimension"] == 384
    assert manifest["created_with"].startswith("evidence ") and manifest["faiss_index"] == "IndexFlatIP"
    assert manifest["documents"] == len(NOTES) + len(ARTICLES) + 1  # the jsonl file holds two documents
    with open_index(built_index, embedder) as index:
        assert index.manifest.documents == manifest["documents"]
        assert index.manifest.passages == index.vectors.ntotal == manifest["passages"]
        conn = index.connection
        ids = [row[0] for row in conn.execute("SELECT id FROM documents ORDER BY ordinal")]
        assert ids == sorted(ids, key=lambda i: (i.split("#")[0], i))
        assert "data/abstracts.jsonl#101" in ids and "science/moon.md" in ids
        moon = conn.execute("SELECT text FROM documents WHERE id = 'science/moon.md'").fetchone()[0]
        assert "Reference note" not in moon and "[1]" not in moon
        for doc_id, start, end, text in conn.execute("SELECT doc_id, start, end, text FROM passages"):
            full = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
            assert full[start:end] == text
        fts = conn.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH '\"Nakamura\"'").fetchall()
        assert len(fts) == 1


def test_stored_vectors_are_the_embeddings_of_title_and_passage(built_index: Path, embedder) -> None:
    with open_index(built_index, embedder) as index:
        pid, title, text = index.connection.execute(
            "SELECT p.id, d.title, p.text FROM passages p JOIN documents d ON d.id = p.doc_id"
            " WHERE d.id = 'science/tower.txt' ORDER BY p.id LIMIT 1"
        ).fetchone()
        stored = index.vectors.reconstruct(pid)
    fresh = embedder.encode_documents([f"{title}. {text}"])[0]
    assert float(np.dot(stored, fresh)) > 0.9999


def test_missing_and_empty_folders_are_not_indexes(tmp_path: Path, embedder) -> None:
    with pytest.raises(IndexNotFound, match="factcheck index build"):
        open_index(tmp_path / "absent", embedder)
    (tmp_path / "empty").mkdir()
    with pytest.raises(IndexNotFound):
        open_index(tmp_path / "empty", embedder)


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"model_hash": "0123456789abcdef"}, IndexMismatch, "weights 0123456789abcdef"),
        ({"model_id": "someone/other-model"}, IndexMismatch, "someone/other-model"),
        ({"dimension": 768}, IndexMismatch, "dimension 768"),
        ({"format_version": FORMAT_VERSION + 1}, IndexMismatch, "format version"),
        ({"passages": 3}, IndexCorrupt, "manifest says"),
        ({"documents": "many"}, IndexCorrupt, "must be an integer"),
    ],
)
def test_tampered_manifest_is_refused_with_the_fix_named(
    built_index: Path, tmp_path: Path, embedder, changes: dict, error: type[Exception], words: str
) -> None:
    index_dir = copy_index(built_index, tmp_path)
    edit_manifest(index_dir, **changes)
    with pytest.raises(error, match=words) as caught:
        open_index(index_dir, embedder)
    message = str(caught.value)
    assert "\n" not in message and "rebuild with `factcheck index build" in message


def test_unparsable_manifest_is_corrupt(built_index: Path, tmp_path: Path, embedder) -> None:
    index_dir = copy_index(built_index, tmp_path)
    (index_dir / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorrupt, match=r"manifest\.json is unreadable"):
        open_index(index_dir, embedder)
    (index_dir / "manifest.json").unlink()
    with pytest.raises(IndexCorrupt, match=r"no manifest\.json"):
        open_index(index_dir, embedder)


def test_truncated_vectors_file_is_corrupt(built_index: Path, tmp_path: Path, embedder) -> None:
    index_dir = copy_index(built_index, tmp_path)
    data = (index_dir / "vectors.faiss").read_bytes()
    (index_dir / "vectors.faiss").write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt, match=r"vectors\.faiss is damaged"):
        open_index(index_dir, embedder)


def test_missing_or_damaged_store_is_corrupt(built_index: Path, tmp_path: Path, embedder) -> None:
    index_dir = copy_index(built_index, tmp_path)
    (index_dir / "store.sqlite").unlink()
    with pytest.raises(IndexCorrupt, match=r"lacks store\.sqlite"):
        open_index(index_dir, embedder)
    (index_dir / "store.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexCorrupt, match=r"store\.sqlite is damaged"):
        open_index(index_dir, embedder)


def test_store_that_disagrees_with_the_manifest_is_corrupt(built_index: Path, tmp_path: Path, embedder) -> None:
    index_dir = copy_index(built_index, tmp_path)
    conn = sqlite3.connect(index_dir / "store.sqlite")
    conn.execute("DELETE FROM passages WHERE id = 0")
    conn.commit()
    conn.close()
    with pytest.raises(IndexCorrupt, match="manifest says"):
        open_index(index_dir, embedder)


def test_build_errors_for_missing_empty_corpus_and_foreign_output(tmp_path: Path, embedder) -> None:
    with pytest.raises(CorpusNotFound):
        build_index(tmp_path / "nothing", tmp_path / "out", embedder)
    bad = write_corpus(tmp_path / "bad", {"a.txt": "", "b.csv": "x,y"})
    (bad / "c.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(EmptyCorpus, match="no readable document") as caught:
        build_index(bad, tmp_path / "out", embedder)
    assert "2 file(s) failed" in str(caught.value)
    good = write_corpus(tmp_path / "good", {"a.txt": "Some text."})
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    with pytest.raises(IndexStoreError, match="is not an index"):
        build_index(good, foreign, embedder)
    assert (foreign / "thesis.docx").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".mine.tmp")) == []


class FailingEmbedder:
    """The real embedder until the n-th document batch, then a crash (as a killed model would)."""

    def __init__(self, inner, fail_at_call: int) -> None:
        self.inner = inner
        self.model_id, self.model_hash, self.dimension = inner.model_id, inner.model_hash, inner.dimension
        self.calls = 0
        self.fail_at_call = fail_at_call

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.calls >= self.fail_at_call:
            raise RuntimeError("simulated crash while embedding")
        return self.inner.encode_documents(texts)


def test_failed_rebuild_leaves_the_old_index_intact_and_no_temp_dir(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Old content about apples.", "b.txt": "Pears."})
    out = tmp_path / "index"
    first = build_index(corpus, out, embedder).manifest
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (corpus / "c.txt").write_text("New content about cherries.")
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_index(corpus, out, FailingEmbedder(embedder, fail_at_call=1))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["corpus", "index"]
    with open_index(out, embedder) as index:
        assert index.manifest == first
        assert index.search(["apples"], k=1)[0][0].doc_id == "a.txt"


def test_rebuild_replaces_an_existing_index(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Apples are red."})
    out = tmp_path / "index"
    build_index(corpus, out, embedder)
    (corpus / "b.txt").write_text("Bananas are yellow.")
    progress: list[tuple[str, int, int]] = []
    result = build_index(corpus, out, embedder, BuildOptions(progress=lambda *event: progress.append(event)))
    assert result.manifest.documents == 2
    assert ("read", 2, 2) in progress and ("embed", 2, 2) in progress
    with open_index(out, embedder) as index:
        assert index.search(["yellow fruit"], k=1)[0][0].doc_id == "b.txt"
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name] == []


@pytest.mark.parametrize(
    ("kind", "faiss_name", "param"), [("ivf", "IndexIVFFlat", "nprobe"), ("hnsw", "IndexHNSWFlat", "M")]
)
def test_approximate_index_kinds_record_their_parameters_and_search_alike(
    corpus_dir: Path, built_index: Path, tmp_path: Path, embedder, kind: str, faiss_name: str, param: str
) -> None:
    out = tmp_path / kind
    manifest = build_index(corpus_dir, out, embedder, BuildOptions(IndexSettings(index_kind=kind))).manifest
    assert manifest.faiss_index == faiss_name and param in manifest.params
    assert json.loads((out / "manifest.json").read_text())["index_params"] == manifest.params
    queries = ["Eiffel Tower height", "Brazil coffee", "invoice 90871"]
    with open_index(built_index, embedder) as exact, open_index(out, embedder, mmap=True) as approximate:
        assert approximate.manifest.params == manifest.params
        expected = [r[0].doc_id for r in exact.search(queries, k=1)]
        assert [r[0].doc_id for r in approximate.search(queries, k=1)] == expected


def test_unknown_index_kind_is_rejected_before_any_work(corpus_dir: Path, tmp_path: Path, embedder) -> None:
    with pytest.raises(ValueError, match="unknown index kind"):
        build_index(corpus_dir, tmp_path / "x", embedder, BuildOptions(IndexSettings(index_kind="lsh")))
    assert not (tmp_path / "x").exists()
