"""Records produced by the evidence room.

Nothing here knows about claims: queries are plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Document:
    """A corpus document as read from disk (text is the cleaned main text)."""

    id: str
    path: str
    title: str
    text: str
    sha256: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieval unit: a window of whole sentences of one document."""

    id: int
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """One ranked piece of evidence for one query.

    ``sentence`` is the single sentence of the passage that best matches the query;
    ``sentence_start``/``sentence_end`` are character offsets in the document text. ``context`` is
    the sentence before it in the passage (empty for the passage's first): a finding often names
    its subject only there ("They were twice as likely to ...").
    """

    doc_id: str
    doc_title: str
    doc_path: str
    passage_id: int
    passage_text: str
    sentence: str
    sentence_start: int
    sentence_end: int
    score: float
    dense_score: float
    lexical_score: float
    sentence_score: float
    rank: int
    context: str = ""


@dataclass(frozen=True, slots=True)
class IndexManifest:
    """What an index directory holds; checked on load."""

    format_version: int
    index_id: str
    model_id: str
    model_hash: str
    dimension: int
    documents: int
    passages: int
    created_with: str
    faiss_index: str
    sentences: int = 0
    # faiss parameters beyond the kind, e.g. (("nlist", 256), ("nprobe", 16)) for IVF.
    index_params: tuple[tuple[str, int], ...] = ()
    # Chunking settings: an update must chunk new documents exactly as the build did.
    passage_words: int = 120
    corpus_fingerprint: str = ""
    # Size and SHA-256 of the two data files, checked on load: a damaged or replaced file is caught.
    store_bytes: int = 0
    store_sha256: str = ""
    vectors_bytes: int = 0
    vectors_sha256: str = ""

    @property
    def params(self) -> dict[str, int]:
        return dict(self.index_params)


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A corpus file that could not be read; ``reason`` is one line."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class CorpusReadResult:
    documents: tuple[Document, ...]
    failures: tuple[ReadFailure, ...]


@dataclass(frozen=True, slots=True)
class BuildResult:
    manifest: IndexManifest
    failures: tuple[ReadFailure, ...]


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What an incremental update changed (document ids, sorted)."""

    manifest: IndexManifest
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    failures: tuple[ReadFailure, ...]
