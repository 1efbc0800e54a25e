"""The real all-MiniLM-L6-v2 embedder: shape, normalisation, order independence, identity."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from evidence import Embedder, ModelNotFound, SentenceTransformerEmbedder


def test_vectors_are_float32_unit_rows_of_the_model_dimension(embedder) -> None:
    vectors = embedder.encode_documents(["A short text.", "Another, somewhat longer text about cats and dogs."])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 384) == (2, embedder.dimension)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_queries([]).shape == (0, 384)
    assert embedder.encode_documents([]).shape == (0, 384)
    assert isinstance(embedder, Embedder)


def test_same_texts_give_the_same_vectors_in_any_order(embedder) -> None:
    texts = ["cats purr", "The stock market fell sharply on Monday.", "dogs bark", "x" * 50, "cats purr"]
    forward = embedder.encode_documents(texts)
    backward = embedder.encode_documents(texts[::-1])[::-1]
    np.testing.assert_array_equal(forward, backward)
    np.testing.assert_array_equal(forward[0], forward[4])
    similar = float(forward[0] @ embedder.encode_queries(["a cat purring"])[0])
    unrelated = float(forward[1] @ embedder.encode_queries(["a cat purring"])[0])
    assert similar > unrelated + 0.2


def test_identity_is_the_model_id_and_a_hash_of_the_weights(embedder) -> None:
    assert embedder.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    weights = Path(embedder.model_path) / "model.safetensors"
    assert embedder.model_hash == hashlib.sha256(weights.read_bytes()).hexdigest()[:16]


def test_missing_model_folder_raises_model_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="does not exist"):
        SentenceTransformerEmbedder(str(tmp_path / "no-model"))
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(ModelNotFound, match="no weights file"):
        _ = SentenceTransformerEmbedder(str(tmp_path / "empty-model")).model_hash
