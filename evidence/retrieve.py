"""Open an index and search it: dense (faiss) and lexical (FTS5 BM25) lists, fused, then the best
sentence of each top passage picked by the embedder.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from evidence import index as faiss_index
from evidence import integrity, store
from evidence import manifest as manifest_io
from evidence.embed import Embedder
from evidence.errors import REBUILD_HINT, IndexCorrupt
from evidence.titles import EMBEDDER, behind_title, plain
from evidence.types import Evidence, IndexManifest

if TYPE_CHECKING:
    import numpy as np

MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True, slots=True)
class FusionConfig:
    """Reciprocal rank fusion: score = sum of weight / (rrf_k + rank) over the lists a passage is in.

    The lexical list's weight is scaled per query by how peaked its BM25 scores are: when the best
    score stands well above the ``peak_depth``-th, the query has distinctive words (names, numbers,
    rare terms) that matched, and the BM25 order means something; when the list is flat, BM25 only
    matched common words and its order is close to noise (FM2's paraphrased claims against a
    corpus of sentences from the same page). ``peak_scale`` 0 keeps a constant weight.

    The defaults won ``bench/retrieval.py --tune``: on SciFact *train* claims and FM2 *test*
    claims (dev sets are never looked at while tuning), the setting whose recall@5 beats the better
    single retriever by the largest margin on both sets. ``candidates`` is how deep each list is
    read before fusing.
    """

    rrf_k: int = 5
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    candidates: int = 50
    mode: str = "hybrid"
    peak_depth: int = 10
    peak_scale: float = 2.0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown retrieval mode {self.mode!r}: use one of {', '.join(MODES)}")
        if self.rrf_k < 0 or self.candidates < 1:
            raise ValueError("rrf_k must be >= 0 and candidates >= 1")
        if self.peak_depth < 2 or self.peak_scale < 0:
            raise ValueError("peak_depth must be >= 2 and peak_scale >= 0")


def lexical_trust(lexical: Sequence[tuple[int, float]], config: FusionConfig) -> float:
    """The share (0..1) of ``lexical_weight`` a query's best-first BM25 list earns.

    A list shorter than ``peak_depth`` earns it all: few passages matched, so the words were rare.
    """
    if config.peak_scale == 0 or len(lexical) < config.peak_depth:
        return 1.0
    top = lexical[0][1]
    if top <= 0:
        return 1.0
    return min(1.0, config.peak_scale * (top - lexical[config.peak_depth - 1][1]) / top)


def shared_ranks(scores: Sequence[float]) -> list[int]:
    """1-based ranks of a best-first score list where equal scores share the better rank.

    BM25 often gives many passages the very same score (they match the same common words);
    ranking those by id would favour whichever document happened to be indexed first.
    """
    ranks: list[int] = []
    for position, score in enumerate(scores, start=1):
        ranks.append(ranks[-1] if ranks and score == scores[position - 2] else position)
    return ranks


def fuse(
    dense: Sequence[tuple[int, float]], lexical: Sequence[tuple[int, float]], config: FusionConfig
) -> list[tuple[int, float]]:
    """Fuse two best-first (passage id, score) lists; returns (passage id, fused score), best first,
    ties broken by passage id."""
    fused: dict[int, float] = {}
    lexical_weight = config.lexical_weight * lexical_trust(lexical, config)
    for hits, weight in ((dense, config.dense_weight), (lexical, lexical_weight)):
        ranks = shared_ranks([score for _, score in hits])
        for (pid, _), rank in zip(hits, ranks, strict=True):
            fused[pid] = fused.get(pid, 0.0) + weight / (config.rrf_k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


class EvidenceIndex:
    """A loaded index. Use ``open_index``; close it (or use ``with``) to release the files."""

    def __init__(
        self, index_dir: Path, manifest: IndexManifest, conn: sqlite3.Connection, vectors: Any,
        embedder: Embedder, fusion: FusionConfig,
    ) -> None:  # fmt: skip
        self.index_dir = index_dir
        self.manifest = manifest
        self.embedder = embedder
        self.fusion = fusion
        self._conn = conn
        self._vectors = vectors

    def close(self) -> None:
        self._conn.close()
        self._vectors = None

    def __enter__(self) -> EvidenceIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def vectors(self) -> Any:
        """The faiss index (row number = passage id)."""
        return self._vectors

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    def candidates(
        self, queries: Sequence[str], depth: int, qvecs: np.ndarray | None = None
    ) -> tuple[list[list[tuple[int, float]]], list[list[tuple[int, float]]]]:
        """Per query, the dense and the lexical (passage id, score) lists, best first, before fusion.

        A list is empty when the fusion mode leaves its retriever out. ``qvecs`` saves encoding the
        queries again when the caller already has them.
        """
        dense_lists: list[list[tuple[int, float]]] = [[] for _ in queries]
        if self.fusion.mode != "lexical":
            if qvecs is None:
                qvecs = self.embedder.encode_queries(queries)
            scores, ids = faiss_index.search(self._vectors, qvecs, depth)
            for row, (srow, irow) in enumerate(zip(scores, ids, strict=True)):
                hits = [(int(pid), float(score)) for pid, score in zip(irow, srow, strict=True) if pid >= 0]
                dense_lists[row] = sorted(hits, key=lambda hit: (-hit[1], hit[0]))
        lexical_lists: list[list[tuple[int, float]]] = [[] for _ in queries]
        if self.fusion.mode != "dense":
            lexical_lists = [store.lexical_search(self._conn, query, depth) for query in queries]
        return dense_lists, lexical_lists

    def search(
        self, queries: Sequence[str], k: int = 5, *, sentences: int = 1
    ) -> tuple[tuple[Evidence, ...], ...]:
        """The k best passages for each query, in query order, as evidence: the ``sentences`` sentences of
        each passage that best match the query, best first, all with the passage's rank."""
        try:
            return self._search(queries, k, sentences)
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"{self.index_dir / store.STORE_FILE} is damaged ({exc}): {REBUILD_HINT}") from None

    def _search(self, queries: Sequence[str], k: int, sentences: int) -> tuple[tuple[Evidence, ...], ...]:
        import numpy as np

        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if sentences < 1:
            raise ValueError(f"sentences must be at least 1, got {sentences}")
        queries = list(queries)
        if not queries:
            return ()
        qvecs = self.embedder.encode_queries(queries)
        dense_lists, lexical_lists = self.candidates(queries, max(self.fusion.candidates, k), qvecs)
        chosen = [fuse(d, lx, self.fusion)[:k] for d, lx in zip(dense_lists, lexical_lists, strict=True)]

        all_ids = sorted({pid for top in chosen for pid, _ in top})
        passages = store.passages(self._conn, all_ids)
        texts = store.document_texts(self._conn, {p.doc_id for p in passages.values()})
        meta = store.documents_meta(self._conn, texts)
        stored = dict(zip(all_ids, faiss_index.vectors_of(self._vectors, all_ids), strict=True))

        # Sentences of every chosen passage of every query, embedded in one call.
        spans = {
            pid: store.sentence_spans(self._conn, p.doc_id, p.first_sentence, p.last_sentence)
            for pid, p in passages.items()
        }
        sentence_inputs = sorted(
            {
                sentence_input(meta[passages[pid].doc_id][0], texts[passages[pid].doc_id][a:b])
                for pid in spans
                for a, b in spans[pid]
            }
        )
        sentence_vecs = dict(zip(sentence_inputs, self.embedder.encode_documents(sentence_inputs), strict=True))
        batch = _Batch(passages, texts, meta, spans, sentence_vecs, sentences)

        results: list[tuple[Evidence, ...]] = []
        for query, qvec, top, lexical in zip(queries, qvecs, chosen, lexical_lists, strict=True):
            lexical_of = dict(lexical)
            missing = [pid for pid, _ in top if pid not in lexical_of]
            if missing:
                lexical_of.update(store.lexical_scores(self._conn, query, missing))
            evidence = []
            for rank, (pid, fused) in enumerate(top, start=1):
                scores = (fused, float(np.dot(qvec, stored[pid])), lexical_of.get(pid, 0.0))
                evidence.extend(_evidence(batch, qvec, rank, pid, scores))
            results.append(tuple(evidence))
        return tuple(results)


@dataclass(frozen=True, slots=True)
class _Batch:
    """What the queries of one search share: the chosen passages, their documents' texts and
    (title, path), the sentence spans of each passage, every sentence's vector, and how many
    sentences each passage gives."""

    passages: dict[int, store.StoredPassage]
    texts: dict[str, str]
    meta: dict[str, tuple[str, str]]
    spans: dict[int, list[store.Span]]
    sentence_vecs: dict[str, np.ndarray]
    sentences: int


def _evidence(
    batch: _Batch, qvec: np.ndarray, rank: int, pid: int, scores: tuple[float, float, float]
) -> list[Evidence]:
    """``scores`` is (fused, dense, lexical) for passage ``pid``; its ``batch.sentences`` best sentences,
    each with the sentence before it in the passage."""
    import numpy as np

    passage, spans = batch.passages[pid], batch.spans[pid]
    text = batch.texts[passage.doc_id]
    title, path = batch.meta[passage.doc_id]
    # A heading that only repeats the title says nothing; it is evidence only when nothing else is.
    body = [(a, b) for a, b in spans if plain(text[a:b]) != plain(title)] or spans
    scored = [
        (float(np.dot(qvec, batch.sentence_vecs[sentence_input(title, text[a:b])])), a, b) for a, b in body
    ] or [(-2.0, passage.start, passage.end)]
    # Best first; among equal scores the earlier sentence, so the choice never depends on set order.
    scored.sort(key=lambda item: (-item[0], item[1]))
    previous = {b[0]: a for a, b in itertools.pairwise(spans)}
    return [
        Evidence(
            doc_id=passage.doc_id,
            doc_title=title,
            doc_path=path,
            passage_id=pid,
            passage_text=passage.text,
            sentence=text[start:end],
            sentence_start=start,
            sentence_end=end,
            score=scores[0],
            dense_score=scores[1],
            lexical_score=scores[2],
            sentence_score=score,
            rank=rank,
            context=_context(text, previous.get(start), title),
        )
        for score, start, end in scored[: batch.sentences]
    ]


def _context(text: str, span: tuple[int, int] | None, title: str) -> str:
    """The sentence before an evidence sentence; a heading that only repeats the title adds nothing."""
    if span is None or plain(text[span[0] : span[1]]) == plain(title):
        return ""
    return text[span[0] : span[1]]


def sentence_input(title: str, sentence: str) -> str:
    """What the embedder sees for an evidence sentence: the document title stands in for the
    pronoun or short name the sentence uses ("It was launched in 2021" in an article on Webb)."""
    return behind_title(title, sentence, EMBEDDER)


def check_data_files(index_dir: Path, manifest: IndexManifest, *, full: bool = False) -> None:
    """Both data files are there and readable, with the sizes (and, when small or ``full``, the checksums)
    the manifest recorded."""
    for name in (store.STORE_FILE, faiss_index.VECTORS_FILE):
        if not (index_dir / name).is_file():
            raise IndexCorrupt(f"index {index_dir} lacks {name}: {REBUILD_HINT}")
        integrity.check_readable(index_dir / name)
    integrity.check_files(index_dir, manifest, full=full)


def _open_store(store_path: Path) -> tuple[sqlite3.Connection, tuple[int, int, int, int]]:
    """A read-only connection to the store and its counts (documents, passages, sentences, fts rows)."""
    conn = None
    try:
        conn = store.open_readonly(store_path)
        return conn, store.counts(conn)
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise IndexCorrupt(f"{store_path} is damaged ({exc}): {REBUILD_HINT}") from None


def load(
    index_dir: Path, *, mmap: bool | None = None, full: bool = False
) -> tuple[IndexManifest, sqlite3.Connection, Any]:
    """Read and cross-check manifest, store and vectors, without any model.

    ``full`` reads every byte first: both checksums whatever the files' size, and SQLite's own
    consistency check. Anything that copies the index's contents into a new one needs it, or damage
    that the quick check misses would be copied and sealed under fresh checksums.
    """
    index_dir = Path(index_dir)
    manifest = manifest_io.read(index_dir)
    store_path = index_dir / store.STORE_FILE
    vectors_path = index_dir / faiss_index.VECTORS_FILE
    check_data_files(index_dir, manifest, full=full)
    if full:
        integrity.check_database(index_dir)
    conn, (documents, passages, sentences, fts_rows) = _open_store(store_path)
    expected = (manifest.documents, manifest.passages, manifest.passages)
    if (documents, passages, fts_rows) != expected or (manifest.sentences and sentences != manifest.sentences):
        conn.close()
        raise IndexCorrupt(
            f"{store_path} holds {documents} documents and {passages} passages but the manifest says "
            f"{manifest.documents} and {manifest.passages}: {REBUILD_HINT}"
        )
    try:
        vectors = faiss_index.read(vectors_path, mmap=mmap)
    except RuntimeError:
        conn.close()
        raise IndexCorrupt(f"{vectors_path} is damaged (faiss cannot read it): {REBUILD_HINT}") from None
    if vectors.ntotal != manifest.passages or vectors.d != manifest.dimension:
        conn.close()
        raise IndexCorrupt(
            f"{vectors_path} holds {vectors.ntotal} vectors of dimension {vectors.d} but the manifest says "
            f"{manifest.passages} of dimension {manifest.dimension}: {REBUILD_HINT}"
        )
    kind = next((k for k, name in faiss_index.FAISS_NAMES.items() if name == manifest.faiss_index), None)
    if kind is None or type(vectors).__name__ != manifest.faiss_index:
        conn.close()
        raise IndexCorrupt(
            f"{vectors_path} is a {type(vectors).__name__} but the manifest says {manifest.faiss_index}: {REBUILD_HINT}"
        )
    faiss_index.apply_params(vectors, kind, manifest.params)
    return manifest, conn, vectors


def verify_index(index_dir: Path) -> IndexManifest:
    """Check everything an index holds, reading every byte: manifest, checksums of both data files,
    SQLite's own consistency check, counts and the faiss file. Raises IndexCorrupt naming the first problem."""
    manifest, conn, _ = load(index_dir, mmap=True, full=True)
    conn.close()
    return manifest


def open_index(
    index_dir: Path, embedder: Embedder, *, fusion: FusionConfig | None = None, mmap: bool | None = None
) -> EvidenceIndex:
    """Open an index for search after checking that ``embedder`` is the model that built it."""
    index_dir = Path(index_dir)
    manifest = manifest_io.read(index_dir)
    manifest_io.check_model(manifest, index_dir, embedder.model_id, embedder.model_hash, embedder.dimension)
    manifest, conn, vectors = load(index_dir, mmap=mmap)
    return EvidenceIndex(index_dir, manifest, conn, vectors, embedder, fusion or FusionConfig())


class DeferredIndex:
    """An index whose data files are opened on the first search; until then only the manifest is read
    (and checked against ``embedder``). A check whose verdicts all come from a cache never loads faiss."""

    def __init__(self, index_dir: Path, embedder: Embedder, *, fusion: FusionConfig | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.manifest = manifest_io.read(self.index_dir)
        manifest_io.check_model(self.manifest, self.index_dir, embedder.model_id, embedder.model_hash,
                                embedder.dimension)
        check_data_files(self.index_dir, self.manifest)
        held = faiss_index.file_class(self.index_dir / faiss_index.VECTORS_FILE)
        if held != self.manifest.faiss_index:
            # checked now, cheaply: a check whose verdicts all come from the cache never reads the vectors
            raise IndexCorrupt(
                f"{self.index_dir / faiss_index.VECTORS_FILE} is a {held or 'file of unknown kind'} but the manifest "
                f"says {self.manifest.faiss_index}: {REBUILD_HINT}"
            )
        self.embedder = embedder
        self._fusion = fusion
        self._index: EvidenceIndex | None = None

    def opened(self) -> EvidenceIndex:
        if self._index is None:
            self._index = open_index(self.index_dir, self.embedder, fusion=self._fusion)
            self.manifest = self._index.manifest
        return self._index

    def search(self, queries: Sequence[str], k: int = 5, *, sentences: int = 1) -> tuple[tuple[Evidence, ...], ...]:
        return self.opened().search(queries, k, sentences=sentences)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()

    def __enter__(self) -> DeferredIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
