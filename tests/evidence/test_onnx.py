"""The onnx runtime: the same model through ONNX Runtime gives torch's vectors and logits to float rounding,
a vector that does not depend on the batch it was computed in, and a check that never imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from evidence_corpora import ARTICLES, write_corpus

from evidence import OnnxEmbedder, build_index, open_index, update_index
from evidence import index as faiss_index
from evidence.onnxrun import token_batches
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS
from factcheck.verify.crossencoder import CrossEncoderModel

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    "The Eiffel Tower was completed in 1889.",
    "Coffee is grown in Brazil, Vietnam and Colombia; Brazil is the largest producer.",
    "Vitamin D helps the body absorb calcium, which keeps bones strong.",
    "Sleep",
    "The Moon orbits the Earth about once every 27 days, and it is slowly moving away from Earth.",
]
PAIRS = [
    ("The tower was finished in 1889.", "The Eiffel Tower was completed in 1889 for the World's Fair."),
    ("The tower was finished in 1925.", "The Eiffel Tower was completed in 1889 for the World's Fair."),
    ("Brazil grows no coffee.", "Brazil is the largest producer of coffee in the world."),
    ("Tea comes from China.", "The Moon orbits the Earth."),
]


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-models")


@pytest.fixture(scope="session")
def onnx_embedder(onnx_cache: Path) -> OnnxEmbedder:
    return OnnxEmbedder(onnx_cache)


def test_vectors_match_torch_to_float_rounding(onnx_embedder: OnnxEmbedder, embedder) -> None:
    ours, torch_ = onnx_embedder.encode_documents(TEXTS), embedder.encode_documents(TEXTS)
    assert ours.shape == torch_.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.abs(ours - torch_).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)
    assert onnx_embedder.model_hash == embedder.model_hash  # the same weights: an index serves both


def test_a_vector_does_not_depend_on_its_batch(onnx_embedder: OnnxEmbedder) -> None:
    alone = np.vstack([onnx_embedder.encode_queries([text]) for text in TEXTS])
    together = onnx_embedder.encode_queries(TEXTS)
    reversed_ = onnx_embedder.encode_queries(TEXTS[::-1])[::-1]
    assert np.array_equal(alone, together) and np.array_equal(together, reversed_)


def test_calls_hold_as_many_rows_as_fit_the_token_budget() -> None:
    lengths = [10, 10, 20, 30, 100, 300, 600, 600]
    batches = token_batches(lengths, max_rows=3, budget=100)
    assert [list(b) for b in batches] == [[0, 1, 2], [3], [4], [5], [6], [7]]
    assert [list(b) for b in token_batches([5] * 7, max_rows=64, budget=20)] == [[0, 1, 2, 3], [4, 5, 6]]
    assert token_batches([], max_rows=4) == []


def test_long_texts_split_over_several_calls_keep_their_vectors(onnx_embedder: OnnxEmbedder) -> None:
    long_texts = [f"{text} " * (4 + n) for n, text in enumerate(TEXTS * 2)]
    alone = np.vstack([onnx_embedder.encode_documents([text]) for text in long_texts])
    together = onnx_embedder.encode_documents(long_texts)
    assert np.abs(alone - together).max() < 1e-6


def test_an_updated_index_holds_the_vectors_of_a_fresh_build(tmp_path: Path, onnx_embedder: OnnxEmbedder) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    build_index(corpus, tmp_path / "index", onnx_embedder)
    write_corpus(corpus, {"new/tea.txt": "Green tea is made from the leaves of Camellia sinensis."})
    update_index(tmp_path / "index", corpus, onnx_embedder)
    build_index(corpus, tmp_path / "fresh", onnx_embedder)

    def vectors(path: Path) -> np.ndarray:
        with open_index(path, onnx_embedder) as index:
            return faiss_index.vectors_of(index.vectors, list(range(index.manifest.passages)))

    assert np.array_equal(vectors(tmp_path / "index"), vectors(tmp_path / "fresh"))


def test_verifier_logits_match_torch(onnx_cache: Path) -> None:
    ours = CrossEncoderModel(runtime="onnx", cache_dir=onnx_cache)
    torch_ = CrossEncoderModel()
    ours.load()
    torch_.load()
    assert ours._tokenize(PAIRS) == torch_._tokenize(PAIRS)  # the same token ids as the transformers tokenizer
    assert np.abs(ours.predict_logits(PAIRS) - torch_.predict_logits(PAIRS)).max() < 1e-3
    assert (ours.predict_proba(PAIRS).argmax(1) == torch_.predict_proba(PAIRS).argmax(1)).all()


def test_an_onnx_check_never_imports_torch_or_transformers(
    tmp_path: Path, onnx_cache: Path, onnx_embedder: OnnxEmbedder
) -> None:
    index = tmp_path / "index"
    build_index(DEMO_CORPUS, index, onnx_embedder)
    CrossEncoderModel(runtime="onnx", cache_dir=onnx_cache).load()  # exported here, so the check only loads
    script = (
        "import sys\nfrom factcheck.cli import main\n"
        f"sys.argv = ['factcheck', 'check', {str(DEMO_ARTICLE)!r}, '--index', {str(index)!r}, '-f', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules)\n"
        "print(f'HEAVY {heavy}', file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "FACTCHECK_RUNTIME": "onnx", "FACTCHECK_CACHE_DIR": str(onnx_cache),
           "FACTCHECK_CACHE": "false"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert done.stderr.strip().endswith("HEAVY []"), done.stderr
    assert "transformers" not in done.stderr.lower(), done.stderr  # no warning from a library it never needed
    report = json.loads(done.stdout)
    assert ["runtime", "onnx"] in report["manifest"]["settings"]
    assert {v["label"] for v in report["articles"][0]["verdicts"]} == {"SUPPORTED", "REFUTED", "NOT ENOUGH INFO"}


def test_without_onnxruntime_the_message_says_what_to_install(tmp_path: Path) -> None:
    script = (
        "import sys\nsys.modules['onnxruntime'] = None\n"
        "from evidence import OnnxEmbedder\nfrom evidence.errors import ModelNotFound\n"
        f"try:\n    OnnxEmbedder({str(tmp_path)!r}).encode_queries(['x'])\n"
        "except ModelNotFound as exc:\n    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "pip install 'factcheck-kit[onnx]'" in done.stdout, done.stderr
