"""faiss search against brute force, for every index kind, in memory and memory-mapped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evidence import index as faiss_index


def random_unit_vectors(rows: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def brute_force_top_k(base: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    scores = queries @ base.T
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def test_flat_index_agrees_with_numpy_top_k() -> None:
    base, queries = random_unit_vectors(2000, 64, 1), random_unit_vectors(25, 64, 2)
    index = faiss_index.build(base, "flat", {})
    scores, ids = faiss_index.search(index, queries, 10)
    np.testing.assert_array_equal(ids, brute_force_top_k(base, queries, 10))
    np.testing.assert_allclose(scores, np.take_along_axis(queries @ base.T, ids, axis=1), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_kinds_find_the_true_neighbours_when_searching_exhaustively(kind: str) -> None:
    base, queries = random_unit_vectors(3000, 32, 3), random_unit_vectors(20, 32, 4)
    params = faiss_index.default_params(kind, len(base))
    # Exhaustive settings: every IVF cell probed, a wide HNSW beam.
    params = {**params, "nprobe": params.get("nlist", 1), "ef_search": 512}
    index = faiss_index.build(base, kind, params)
    _, ids = faiss_index.search(index, queries, 5)
    truth = brute_force_top_k(base, queries, 5)
    hits = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(ids, truth, strict=True)])
    assert hits >= (1.0 if kind == "ivf" else 0.98)
    np.testing.assert_allclose(faiss_index.vectors_of(index, [7, 42]), base[[7, 42]], atol=1e-6)


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_written_index_reads_back_the_same_with_and_without_mmap(kind: str, tmp_path: Path) -> None:
    base, queries = random_unit_vectors(1000, 16, 5), random_unit_vectors(5, 16, 6)
    params = faiss_index.default_params(kind, len(base))
    built = faiss_index.build(base, kind, params)
    path = tmp_path / faiss_index.VECTORS_FILE
    faiss_index.write(built, path)
    expected = faiss_index.search(built, queries, 8)[1]
    for mmap in (False, True):
        loaded = faiss_index.read(path, mmap=mmap)
        faiss_index.apply_params(loaded, kind, params)
        np.testing.assert_array_equal(faiss_index.search(loaded, queries, 8)[1], expected)


def test_kind_choice_switches_to_ivf_above_the_threshold() -> None:
    assert faiss_index.choose_kind("auto", 1000) == "flat"
    assert faiss_index.choose_kind("auto", faiss_index.APPROXIMATE_ABOVE + 1) == "ivf"
    assert faiss_index.choose_kind("hnsw", 10) == "hnsw"
    with pytest.raises(ValueError, match="unknown index kind"):
        faiss_index.choose_kind("lsh", 10)
    nlist = faiss_index.default_params("ivf", 1_000_000)["nlist"]
    assert 1000 <= nlist <= 8000
