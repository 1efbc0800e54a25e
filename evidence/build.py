"""Build an index directory from a corpus folder.

Everything is written into a private work folder beside the target and swapped into place at
the very end, so a failure or a kill at any point leaves the previous index (if any) as it was.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from evidence import index as faiss_index
from evidence import manifest as manifest_io
from evidence import store
from evidence.chunk import ChunkedDocument, Chunker
from evidence.embed import Embedder
from evidence.errors import EmptyCorpus, IndexCorrupt, IndexMismatch, IndexNotFound, IndexStoreError
from evidence.integrity import file_digest
from evidence.lock import new_work_dir, replace_dir, write_lock
from evidence.readers import corpus_fingerprint, read_corpus
from evidence.retrieve import open_index
from evidence.types import BuildResult, Document, IndexManifest, ReadFailure

if TYPE_CHECKING:
    import numpy as np

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 256


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """How an index is laid out; kept in the manifest so that updates repeat it exactly."""

    passage_words: int = 120
    index_kind: str = "auto"
    index_params: tuple[tuple[str, int], ...] = ()


def passage_input(title: str, text: str) -> str:
    """What the embedder sees for a passage: the document title gives it its topic."""
    return f"{title}. {text}" if title else text


def embed_in_batches(embedder: Embedder, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
    """Vectors for texts, in their order. Texts go to the model shortest first across the whole
    corpus, so each batch pads to a length close to its own texts' (the embedder also sorts, but
    only within one call); the vectors are put back in the callers' order."""
    import numpy as np

    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), texts[i]))
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for start in range(0, len(order), EMBED_BATCH):
        chunk = order[start : start + EMBED_BATCH]
        out[np.asarray(chunk)] = embedder.encode_documents([texts[i] for i in chunk])
        if progress is not None:
            progress("embed", min(start + EMBED_BATCH, len(texts)), len(texts))
    return out


class BuildEngine(Protocol):
    """Reads and chunks a corpus and embeds passage texts: in this process, or spread over a cluster
    (evidence.engines). Whatever the engine, the index is written here, by write_and_swap."""

    def read_and_chunk(
        self, corpus_dir: Path, chunker: Chunker, follow_symlinks: bool, progress: Progress | None
    ) -> tuple[Sequence[Document], Sequence[ChunkedDocument], Sequence[ReadFailure]]:
        """Documents in ``document_order`` with their chunks, and the files that could not be read."""
        ...

    def embed(self, texts: Sequence[str], progress: Progress | None) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class LocalEngine:
    """Everything in this process: the default engine."""

    embedder: Embedder

    def read_and_chunk(
        self, corpus_dir: Path, chunker: Chunker, follow_symlinks: bool, progress: Progress | None
    ) -> tuple[Sequence[Document], Sequence[ChunkedDocument], Sequence[ReadFailure]]:
        corpus = read_corpus(corpus_dir, progress=progress, follow_symlinks=follow_symlinks)
        return corpus.documents, [chunker.chunk(doc) for doc in corpus.documents], corpus.failures

    def embed(self, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
        return embed_in_batches(self.embedder, texts, progress)


class ModelInfo(Protocol):
    """What an index records about the embedder; an Embedder has it, and so has a manifest."""

    @property
    def model_id(self) -> str: ...

    @property
    def model_hash(self) -> str: ...

    @property
    def dimension(self) -> int: ...


def index_id(model_hash: str, passage_words: int, kind: str, documents: Sequence[Document]) -> str:
    """Same model, settings and document contents give the same id, however the index was made."""
    digest = hashlib.sha256(f"{model_hash}\0{passage_words}\0{kind}\n".encode())
    for doc in documents:
        digest.update(f"{doc.id}\0{doc.sha256}\n".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class IndexContent:
    """What an index is written from: documents in index order with their chunks, one vector per
    passage in the same order, the model that made the vectors, the layout and the corpus fingerprint."""

    documents: Sequence[Document]
    chunked: Sequence[ChunkedDocument]
    vectors: np.ndarray
    model: ModelInfo
    settings: IndexSettings
    fingerprint: str


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How ``build_index`` runs: the index layout, whether symlinks out of the corpus folder are read,
    a progress callback, and the engine that reads, chunks and embeds (default: this process)."""

    settings: IndexSettings = IndexSettings()
    follow_symlinks: bool = False
    progress: Progress | None = None
    engine: BuildEngine | None = None


def write_index(work_dir: Path, content: IndexContent) -> IndexManifest:
    """Write store, vectors and manifest (last) for documents already in index order."""
    documents, chunked, vectors = content.documents, content.chunked, content.vectors
    embedder, settings = content.model, content.settings
    passages = sum(len(c.passages) for c in chunked)
    if vectors.shape != (passages, embedder.dimension):
        raise ValueError(f"expected {passages} vectors of dimension {embedder.dimension}, got {vectors.shape}")
    conn = store.create(work_dir / store.STORE_FILE)
    try:
        next_id = 0
        for ordinal, (doc, chunks) in enumerate(zip(documents, chunked, strict=True)):
            store.insert_document(conn, ordinal, doc, chunks.sentences)
            rows = []
            for p in chunks.passages:
                rows.append(
                    store.StoredPassage(next_id, doc.id, p.start, p.end, p.first_sentence, p.last_sentence, p.text)
                )
                next_id += 1
            store.insert_passages(conn, doc.title, rows)
        conn.commit()
        sentences = store.counts(conn)[2]
    finally:
        conn.close()
    kind = faiss_index.choose_kind(settings.index_kind, passages)
    params = {**faiss_index.default_params(kind, passages, embedder.dimension), **dict(settings.index_params)}
    faiss_index.write(faiss_index.build(vectors, kind, params), work_dir / faiss_index.VECTORS_FILE)
    store_bytes, store_sha256 = file_digest(work_dir / store.STORE_FILE)
    vectors_bytes, vectors_sha256 = file_digest(work_dir / faiss_index.VECTORS_FILE)
    manifest = IndexManifest(
        format_version=manifest_io.FORMAT_VERSION,
        index_id=index_id(embedder.model_hash, settings.passage_words, kind, documents),
        model_id=embedder.model_id,
        model_hash=embedder.model_hash,
        dimension=embedder.dimension,
        documents=len(documents),
        passages=passages,
        created_with=manifest_io.CREATED_WITH,
        faiss_index=faiss_index.FAISS_NAMES[kind],
        sentences=sentences,
        index_params=tuple(sorted(params.items())),
        passage_words=settings.passage_words,
        corpus_fingerprint=content.fingerprint,
        store_bytes=store_bytes,
        store_sha256=store_sha256,
        vectors_bytes=vectors_bytes,
        vectors_sha256=vectors_sha256,
    )
    manifest_io.write(manifest, work_dir)
    return manifest


# The only entries an index folder holds; a folder with anything else is never replaced.
INDEX_FILES = frozenset({manifest_io.MANIFEST_FILE, store.STORE_FILE, faiss_index.VECTORS_FILE})


def check_target(out_dir: Path) -> None:
    """Refuse to replace anything but a factcheck index or an empty folder."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if out_dir.is_symlink() or not out_dir.is_dir():
        raise IndexStoreError(f"{out_dir} is a file or a link, not an index folder: choose another output path")
    names = {entry.name for entry in out_dir.iterdir()}
    if not names:
        return
    refuse = (
        f"{out_dir} exists and is not an index that factcheck wrote: choose another output path or empty that "
        "folder yourself"
    )
    if not names <= INDEX_FILES or manifest_io.MANIFEST_FILE not in names:
        raise IndexStoreError(refuse)
    try:
        manifest_io.from_json((out_dir / manifest_io.MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, RecursionError):
        raise IndexStoreError(refuse) from None


def empty_corpus_error(corpus_dir: Path, failures: Sequence[ReadFailure]) -> EmptyCorpus:
    detail = f"; {len(failures)} file(s) failed, first {failures[0].path}: {failures[0].reason}" if failures else ""
    return EmptyCorpus(f"no readable document in {corpus_dir}{detail}: add .txt, .md, .html, .jsonl or .pdf files")


@dataclass(frozen=True, slots=True)
class CorpusSource:
    """Where a build's documents come from: a folder, the engine that reads and embeds it, and whether
    symlinks that leave the folder are followed."""

    folder: Path
    engine: BuildEngine
    follow_symlinks: bool = False


def build_index(
    corpus_dir: Path, out_dir: Path, embedder: Embedder, options: BuildOptions | None = None
) -> BuildResult:
    """Read, chunk, embed and store a corpus as an index directory at out_dir.

    ``options.follow_symlinks`` also reads files that symlinks inside the corpus point to outside it.
    ``options.engine`` does the reading, chunking and embedding (default: this process, with
    ``embedder``); ``embedder`` names the model in the manifest either way.
    """
    corpus_dir, out_dir = Path(corpus_dir), Path(out_dir)
    options = options or BuildOptions()
    settings, progress = options.settings, options.progress
    faiss_index.choose_kind(settings.index_kind, 0)  # reject an unknown kind before any work
    check_target(out_dir)
    source = CorpusSource(corpus_dir, options.engine or LocalEngine(embedder), options.follow_symlinks)
    with write_lock(out_dir):
        return _build_locked(source, out_dir, embedder, settings, progress)


def rebuild_index(
    corpus_dir: Path, out_dir: Path, embedder: Embedder, *, progress: Progress | None = None
) -> BuildResult | None:
    """Replace an index that cannot be opened with ``embedder`` (damaged, or made by another model or
    format version) by a fresh build of corpus_dir with the default settings.

    Whatever out_dir holds is discarded, so this is only for a folder that is the caller's to throw
    away, such as a cache entry. It runs under the index's write lock (IndexLocked while another process
    writes), and builds nothing, returning None, when out_dir holds a sound index by the time the lock is
    taken: another process rebuilt it meanwhile. Readers see the old folder or the new one, never a gap.
    """
    corpus_dir, out_dir = Path(corpus_dir), Path(out_dir)
    with write_lock(out_dir):
        try:
            open_index(out_dir, embedder).close()
            return None
        except (IndexCorrupt, IndexMismatch, IndexNotFound):
            pass
        if out_dir.is_symlink() or out_dir.is_file():
            out_dir.unlink()
        return _build_locked(CorpusSource(corpus_dir, LocalEngine(embedder)), out_dir, embedder, IndexSettings(),
                             progress)  # fmt: skip


def _build_locked(
    source: CorpusSource, out_dir: Path, embedder: ModelInfo, settings: IndexSettings, progress: Progress | None
) -> BuildResult:
    """Build and swap in the index; the caller holds the write lock of out_dir."""
    fingerprint = corpus_fingerprint(source.folder, follow_symlinks=source.follow_symlinks)
    documents, chunked, failures = source.engine.read_and_chunk(
        source.folder, Chunker(settings.passage_words), source.follow_symlinks, progress
    )
    if not documents:
        raise empty_corpus_error(source.folder, failures)
    texts = [passage_input(doc.title, p.text) for doc, c in zip(documents, chunked, strict=True) for p in c.passages]
    vectors = source.engine.embed(texts, progress)
    content = IndexContent(documents, chunked, vectors, embedder, settings, fingerprint)
    manifest = write_and_swap(out_dir, content, progress)
    return BuildResult(manifest=manifest, failures=tuple(failures))


def write_and_swap(out_dir: Path, content: IndexContent, progress: Progress | None = None) -> IndexManifest:
    """write_index into a work folder, then swap it in; the caller holds the write lock."""
    work_dir = new_work_dir(out_dir)
    try:
        if progress is not None:
            progress("write", 0, 1)
        manifest = write_index(work_dir, content)
        replace_dir(work_dir, out_dir)
        if progress is not None:
            progress("write", 1, 1)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return manifest
