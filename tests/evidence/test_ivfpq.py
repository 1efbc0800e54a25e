"""IVF-PQ: recall against brute force, its parameters in the manifest, memory-mapped reads, updates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from evidence_corpora import ARTICLES, NOTES, write_corpus

from evidence import (
    BuildOptions,
    IndexSettings,
    IndexStoreError,
    add_documents,
    build_index,
    ivf,
    open_index,
    remove_documents,
)
from evidence import index as faiss_index

# Small enough to train on the 15 passages of the test corpus: 2 cells, 8 PQ centroids per sub-quantizer.
TINY = {"nlist": 2, "nbits": 3, "nprobe": 2}
QUERIES = ["When was the Eiffel Tower completed?", "coffee producer", "invoice paid to Nakamura", "Moon orbit"]


def clustered_unit_vectors(rows: int, dim: int, seed: int) -> np.ndarray:
    """Points around a few hundred centres, like passages on shared topics (uniform noise has no neighbours)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((300, dim)).astype(np.float32)
    vectors = centres[rng.integers(0, 300, rows)] + 0.6 * rng.standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_ivfpq_finds_the_true_neighbours_and_reads_back_memory_mapped(tmp_path: Path) -> None:
    data = clustered_unit_vectors(12_000, 64, 1)
    base, queries = data[:11_800], data[11_800:]
    params = faiss_index.default_params("ivfpq", len(base), 64)
    index = faiss_index.build(base, "ivfpq", params)
    truth = np.argsort(-(queries @ base.T), axis=1, kind="stable")[:, :10]
    _, ids = faiss_index.search(index, queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth, strict=True)])
    assert recall >= 0.9
    # The 8-bit copies are what re-ranking and updates read back: close to the float vectors.
    np.testing.assert_allclose(faiss_index.vectors_of(index, [3, 999]), base[[3, 999]], atol=0.01)

    path = tmp_path / faiss_index.VECTORS_FILE
    faiss_index.write(index, path)
    loaded = faiss_index.read(path, mmap=True)
    faiss_index.apply_params(loaded, "ivfpq", params)
    assert type(loaded).__name__ == faiss_index.FAISS_NAMES["ivfpq"]
    np.testing.assert_array_equal(faiss_index.search(loaded, queries, 10)[1], ids)


def test_same_vectors_and_seed_give_the_same_index_file(tmp_path: Path) -> None:
    base = clustered_unit_vectors(6000, 32, 2)
    params = faiss_index.default_params("ivfpq", len(base), 32)
    for name in ("a", "b"):
        faiss_index.write(faiss_index.build(base, "ivfpq", params), tmp_path / name)
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()


def test_default_parameters_scale_with_the_corpus() -> None:
    params = ivf.default_params(10_000_000, 384)
    assert params["m"] == 48 and 384 % params["m"] == 0
    assert params["train_size"] == ivf.TRAIN_SIZE
    assert params["nlist"] * ivf.POINTS_PER_CELL <= params["train_size"]
    assert faiss_index.choose_kind("auto", faiss_index.COMPRESSED_ABOVE + 1) == "ivfpq"
    assert faiss_index.choose_kind("auto", faiss_index.COMPRESSED_ABOVE) == "ivf"


def test_too_small_a_corpus_for_ivfpq_is_refused_with_a_way_out(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    with pytest.raises(IndexStoreError, match="use --index-type flat or ivf"):
        build_index(corpus, tmp_path / "index", embedder, BuildOptions(IndexSettings(index_kind="ivfpq")))
    assert not (tmp_path / "index").exists()


def top_hits(index_dir: Path, embedder) -> list[list[str]]:
    with open_index(index_dir, embedder) as index:
        return [[e.doc_id for e in hits] for hits in index.search(QUERIES, k=3)]


def test_ivfpq_index_keeps_its_parameters_through_add_and_remove(tmp_path: Path, embedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", {**NOTES, **ARTICLES})
    out, flat = tmp_path / "index", tmp_path / "flat"
    tiny = IndexSettings(index_kind="ivfpq", index_params=tuple(sorted(TINY.items())))
    built = build_index(corpus, out, embedder, BuildOptions(tiny)).manifest
    build_index(corpus, flat, embedder)
    stored = json.loads((out / "manifest.json").read_text())
    assert stored["faiss_index"] == "IndexRefine"
    assert set(stored["index_params"]) == set(ivf.PARAM_NAMES)
    assert {k: stored["index_params"][k] for k in TINY} == TINY
    assert [hits[0] for hits in top_hits(out, embedder)] == [hits[0] for hits in top_hits(flat, embedder)]

    write_corpus(corpus, {"new/tea.txt": "Green tea is made from the leaves of Camellia sinensis."})
    added = add_documents(out, [corpus / "new/tea.txt"], embedder, root=corpus).manifest
    assert added.index_params == built.index_params and added.faiss_index == "IndexRefine"
    with open_index(out, embedder) as index:
        assert index.search(["Camellia sinensis tea leaves"], k=1)[0][0].doc_id == "new/tea.txt"

    removed = remove_documents(out, ["new/tea.txt", "science/tower.txt"]).manifest
    assert removed.index_params == built.index_params and removed.passages == built.passages - 1
    assert all("science/tower.txt" not in hits for hits in top_hits(out, embedder))
