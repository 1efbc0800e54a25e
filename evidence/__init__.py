"""evidence: a corpus folder becomes an index; query strings become ranked evidence.

Importing this package is cheap: numpy, faiss and torch load only when an index is built,
opened or searched.
"""

from __future__ import annotations

from evidence.build import BuildOptions, IndexSettings, build_index, rebuild_index
from evidence.embed import Embedder, OnnxEmbedder, SentenceTransformerEmbedder, make_embedder
from evidence.errors import (
    BadIgnoreFile,
    CorpusError,
    CorpusNotFound,
    EmptyCorpus,
    EvidenceError,
    IndexCorrupt,
    IndexLocked,
    IndexMismatch,
    IndexNotFound,
    IndexStoreError,
    ModelNotFound,
)
from evidence.manifest import VERSION as __version__
from evidence.readers import corpus_fingerprint, read_corpus
from evidence.retrieve import EvidenceIndex, FusionConfig, open_index, verify_index
from evidence.types import (
    BuildResult,
    CorpusReadResult,
    Document,
    Evidence,
    IndexManifest,
    Passage,
    ReadFailure,
    UpdateResult,
)
from evidence.update import add_documents, remove_documents, update_index

__all__ = [
    "BadIgnoreFile",
    "BuildOptions",
    "BuildResult",
    "CorpusError",
    "CorpusNotFound",
    "CorpusReadResult",
    "Document",
    "Embedder",
    "EmptyCorpus",
    "Evidence",
    "EvidenceError",
    "EvidenceIndex",
    "FusionConfig",
    "IndexCorrupt",
    "IndexLocked",
    "IndexManifest",
    "IndexMismatch",
    "IndexNotFound",
    "IndexSettings",
    "IndexStoreError",
    "ModelNotFound",
    "OnnxEmbedder",
    "Passage",
    "ReadFailure",
    "SentenceTransformerEmbedder",
    "UpdateResult",
    "__version__",
    "add_documents",
    "build_index",
    "corpus_fingerprint",
    "make_embedder",
    "open_index",
    "read_corpus",
    "rebuild_index",
    "remove_documents",
    "update_index",
    "verify_index",
]
