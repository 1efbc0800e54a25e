"""Package-level promises: a light import, the public names, one-line typed errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

import evidence
from evidence import errors


def test_importing_evidence_loads_no_heavy_library() -> None:
    code = (
        "import sys, evidence\n"
        "print(','.join(sorted(m for m in ('torch', 'faiss', 'numpy', 'sentence_transformers', 'pypdf')"
        " if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_importable_from_the_package() -> None:
    for name in (
        "Embedder", "SentenceTransformerEmbedder", "read_corpus", "corpus_fingerprint", "build_index",
        "open_index", "EvidenceIndex", "update_index", "add_documents", "remove_documents",
        "Document", "Passage", "Evidence", "IndexManifest", "ReadFailure", "CorpusReadResult", "BuildResult",
    ):  # fmt: skip
        assert hasattr(evidence, name), name


@pytest.mark.parametrize(
    ("error", "parent"),
    [
        (errors.CorpusNotFound, errors.CorpusError),
        (errors.EmptyCorpus, errors.CorpusError),
        (errors.IndexNotFound, errors.IndexStoreError),
        (errors.IndexCorrupt, errors.IndexStoreError),
        (errors.IndexMismatch, errors.IndexStoreError),
        (errors.IndexLocked, errors.IndexStoreError),
        (errors.ModelNotFound, errors.EvidenceError),
        (errors.CorpusError, errors.EvidenceError),
        (errors.IndexStoreError, errors.EvidenceError),
    ],
)
def test_error_hierarchy_matches_the_module_docstring(error: type, parent: type) -> None:
    assert issubclass(error, parent)
    assert error.__name__ in errors.__doc__
    assert not issubclass(error, IndexError)
