"""Change an index in place: re-embed only the documents whose content changed.

Every change writes a whole new index directory beside the old one (reusing the stored vectors
of unchanged documents) and swaps it in, under the index's write lock. The result is laid out
exactly like a fresh build of the same documents: same order, same passage ids, same index id.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evidence import index as faiss_index
from evidence import manifest as manifest_io
from evidence import store
from evidence.build import (
    IndexContent,
    IndexSettings,
    Progress,
    embed_in_batches,
    empty_corpus_error,
    passage_input,
    write_and_swap,
)
from evidence.chunk import ChunkedDocument, ChunkedPassage, Chunker
from evidence.embed import Embedder
from evidence.errors import REBUILD_HINT, CorpusError, EmptyCorpus, IndexCorrupt
from evidence.lock import write_lock
from evidence.readers import corpus_fingerprint, document_order, entry_problem, read_corpus, read_file
from evidence.retrieve import load
from evidence.types import Document, IndexManifest, ReadFailure, UpdateResult

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, slots=True)
class _StoredModel:
    """The model identity recorded in a manifest, for changes that embed nothing."""

    model_id: str
    model_hash: str
    dimension: int


@dataclass(frozen=True, slots=True)
class _OldIndex:
    manifest: IndexManifest
    documents: dict[str, Document]
    chunked: dict[str, ChunkedDocument]
    passage_ids: dict[str, list[int]]
    vectors: object


def _load_old(index_dir: Path) -> _OldIndex:
    """The index as it is, read in full and checked byte for byte: its contents go into the new one."""
    manifest, conn, vectors = load(index_dir, full=True)
    try:
        documents = {doc.id: doc for doc in store.all_documents(conn)}
        passages = store.document_passages(conn)
        sentences = store.document_sentences(conn)
    except sqlite3.DatabaseError as exc:
        raise IndexCorrupt(f"{index_dir / store.STORE_FILE} is damaged ({exc}): {REBUILD_HINT}") from None
    finally:
        conn.close()
    chunked = {
        doc_id: ChunkedDocument(
            doc_id=doc_id,
            sentences=tuple(sentences.get(doc_id, ())),
            passages=tuple(
                ChunkedPassage(p.doc_id, p.start, p.end, p.first_sentence, p.last_sentence, p.text)
                for p in passages.get(doc_id, ())
            ),
        )
        for doc_id in documents
    }
    passage_ids = {doc_id: [p.id for p in passages.get(doc_id, ())] for doc_id in documents}
    return _OldIndex(manifest, documents, chunked, passage_ids, vectors)


def _settings(manifest: IndexManifest) -> IndexSettings:
    kind = next((k for k, name in faiss_index.FAISS_NAMES.items() if name == manifest.faiss_index), "flat")
    # IVF cell counts depend on the corpus size, so they are chosen afresh; HNSW settings carry over.
    params = () if kind == "ivf" else manifest.index_params
    return IndexSettings(passage_words=manifest.passage_words, index_kind=kind, index_params=params)


def _rewrite(
    index_dir: Path,
    old: _OldIndex,
    documents: Sequence[Document],
    embedder: Embedder | None,
    failures: Sequence[ReadFailure],
    fingerprint: str,
    progress: Progress | None,
) -> UpdateResult:
    """Write ``documents`` (any order) as the new content of the index, reusing unchanged vectors."""
    import numpy as np

    if not documents:
        raise EmptyCorpus(f"the change would leave index {index_dir} without documents: delete the folder instead")
    documents = sorted(documents, key=document_order)
    settings = _settings(old.manifest)
    chunker = Chunker(settings.passage_words)
    kept = {doc.id for doc in documents if doc.id in old.documents and old.documents[doc.id].sha256 == doc.sha256}
    chunked = [old.chunked[doc.id] if doc.id in kept else chunker.chunk(doc) for doc in documents]

    fresh_texts = [
        passage_input(doc.title, p.text)
        for doc, c in zip(documents, chunked, strict=True)
        if doc.id not in kept
        for p in c.passages
    ]
    if fresh_texts and embedder is None:
        raise ValueError("new or changed documents need an embedder")
    fresh: np.ndarray = (
        embed_in_batches(embedder, fresh_texts, progress)
        if embedder is not None
        else np.zeros((0, old.manifest.dimension), dtype=np.float32)
    )
    reused_ids = [pid for doc in documents if doc.id in kept for pid in old.passage_ids[doc.id]]
    reused = faiss_index.vectors_of(old.vectors, reused_ids)

    total = sum(len(c.passages) for c in chunked)
    vectors = np.empty((total, old.manifest.dimension), dtype=np.float32)
    row = fresh_row = reused_row = 0
    for doc, c in zip(documents, chunked, strict=True):
        count = len(c.passages)
        if doc.id in kept:
            vectors[row : row + count] = reused[reused_row : reused_row + count]
            reused_row += count
        else:
            vectors[row : row + count] = fresh[fresh_row : fresh_row + count]
            fresh_row += count
        row += count

    model = _StoredModel(old.manifest.model_id, old.manifest.model_hash, old.manifest.dimension)
    content = IndexContent(documents, chunked, vectors, model, settings, fingerprint)
    manifest = write_and_swap(index_dir, content, progress)
    new_ids = {doc.id for doc in documents}
    return UpdateResult(
        manifest=manifest,
        added=tuple(sorted(new_ids - old.documents.keys())),
        changed=tuple(sorted(new_ids & old.documents.keys() - kept)),
        removed=tuple(sorted(old.documents.keys() - new_ids)),
        unchanged=len(kept),
        failures=tuple(failures),
    )


def _check_embedder(old: _OldIndex, index_dir: Path, embedder: Embedder) -> None:
    manifest_io.check_model(old.manifest, index_dir, embedder.model_id, embedder.model_hash, embedder.dimension)


def update_index(
    index_dir: Path,
    corpus_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
    *,
    follow_symlinks: bool = False,
) -> UpdateResult:
    """Make the index match corpus_dir again: new files added, changed ones re-embedded, gone ones dropped."""
    index_dir, corpus_dir = Path(index_dir), Path(corpus_dir)
    with write_lock(index_dir):
        old = _load_old(index_dir)
        _check_embedder(old, index_dir, embedder)
        fingerprint = corpus_fingerprint(corpus_dir, follow_symlinks=follow_symlinks)
        corpus = read_corpus(corpus_dir, progress=progress, follow_symlinks=follow_symlinks)
        if not corpus.documents:
            raise empty_corpus_error(corpus_dir, corpus.failures)
        return _rewrite(index_dir, old, corpus.documents, embedder, corpus.failures, fingerprint, progress)


def add_documents(
    index_dir: Path,
    paths: Iterable[Path],
    embedder: Embedder,
    *,
    root: Path | None = None,
    progress: Progress | None = None,
    follow_symlinks: bool = False,
) -> UpdateResult:
    """Add files to an index, or replace the documents that came from them before.

    A document's id is its path relative to ``root`` (default: the file name alone), so pass the
    corpus folder as ``root`` to get the ids a build of that folder would give. With a ``root``,
    a symlink to a file outside it is skipped unless ``follow_symlinks``.
    """
    index_dir = Path(index_dir)
    paths = [Path(path) for path in paths]
    rels_of = [relative_id(path, root) for path in paths]
    with write_lock(index_dir):
        old = _load_old(index_dir)
        _check_embedder(old, index_dir, embedder)
        added: list[Document] = []
        failures: list[ReadFailure] = []
        rels = set()
        for path, rel in zip(paths, rels_of, strict=True):
            rels.add(rel)
            problem = entry_problem(path, Path(root).resolve(), follow_symlinks) if root else None
            if problem:
                failures.append(ReadFailure(path=rel, reason=problem))
                continue
            docs, fails = read_file(path, rel)
            added.extend(docs)
            failures.extend(fails)
        kept = [doc for doc in old.documents.values() if doc.path not in rels]
        return _rewrite(index_dir, old, kept + added, embedder, failures, "", progress)


def relative_id(path: Path, root: Path | None) -> str:
    """A file's document id: its path relative to ``root`` (as given, or with links resolved), else its name."""
    if root is None:
        return path.name
    for file, folder in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))), (path.resolve(), root.resolve())):
        if file.is_relative_to(folder):
            return file.relative_to(folder).as_posix()
    raise CorpusError(f"{path} is not inside --root {root}: give files under that folder, or another --root")


def remove_documents(index_dir: Path, doc_ids: Iterable[str]) -> UpdateResult:
    """Drop documents by id; a file path (e.g. ``data.jsonl``) drops every document read from it."""
    index_dir = Path(index_dir)
    targets = set(doc_ids)
    with write_lock(index_dir):
        old = _load_old(index_dir)
        kept = [doc for doc in old.documents.values() if doc.id not in targets and doc.path not in targets]
        return _rewrite(index_dir, old, kept, None, (), "", None)
