"""The SQLite half of an index: documents, sentences, passages and an FTS5 table over passages.

Passage ids are 0..n-1 in index order and double as the row numbers of the faiss index.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from evidence.chunk import Span
from evidence.types import Document

STORE_FILE = "store.sqlite"

_SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL UNIQUE, path TEXT NOT NULL, title TEXT NOT NULL,
    sha256 TEXT NOT NULL, text TEXT NOT NULL
);
CREATE TABLE sentences (
    doc_id TEXT NOT NULL REFERENCES documents(id), idx INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, PRIMARY KEY (doc_id, idx)
) WITHOUT ROWID;
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    first_sentence INTEGER NOT NULL, last_sentence INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX passages_by_doc ON passages(doc_id);
CREATE VIRTUAL TABLE passages_fts USING fts5(title, text, tokenize = 'porter unicode61 remove_diacritics 2');
"""

# Words too common to help BM25 but costly in an OR query over every passage.
_STOPWORD_LIST = """a an and are as at be been but by for from has have had he her his in is it its of on or that the
    their there these they this to was were which who will with"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split())
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Title matches count double: a title names what the whole document is about.
_BM25 = "bm25(passages_fts, 2.0, 1.0)"
# FTS5 floors the IDF of a term found in most passages at 1e-6, so a passage that shares only such
# words with the query scores about zero: BM25 did not really retrieve it, and fusion should not
# count it as a lexical hit.
MIN_BM25 = 1e-3


@dataclass(frozen=True, slots=True)
class StoredPassage:
    id: int
    doc_id: str
    start: int
    end: int
    first_sentence: int
    last_sentence: int
    text: str


def fts_query(text: str) -> str:
    """User text as an FTS5 OR query of quoted terms: FTS5 syntax in the text is never interpreted."""
    terms = dict.fromkeys(token.lower() for token in _TOKEN.findall(text))
    kept = [term for term in terms if term not in _STOPWORDS] or list(terms)
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in kept)


def create(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    # The file lives in a private temporary directory until the build renames it into place, so a
    # crash loses nothing that a journal would save.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.executescript(_SCHEMA)
    return conn


def open_readonly(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    return conn


def insert_document(conn: sqlite3.Connection, ordinal: int, document: Document, sentences: Sequence[Span]) -> None:
    conn.execute(
        "INSERT INTO documents (id, ordinal, path, title, sha256, text) VALUES (?, ?, ?, ?, ?, ?)",
        (document.id, ordinal, document.path, document.title, document.sha256, document.text),
    )
    conn.executemany(
        "INSERT INTO sentences (doc_id, idx, start, end) VALUES (?, ?, ?, ?)",
        [(document.id, idx, start, end) for idx, (start, end) in enumerate(sentences)],
    )


def insert_passages(conn: sqlite3.Connection, title: str, passages: Iterable[StoredPassage]) -> None:
    rows = [(p.id, p.doc_id, p.start, p.end, p.first_sentence, p.last_sentence, p.text) for p in passages]
    conn.executemany(
        "INSERT INTO passages (id, doc_id, start, end, first_sentence, last_sentence, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO passages_fts (rowid, title, text) VALUES (?, ?, ?)", [(r[0], title, r[6]) for r in rows]
    )


def counts(conn: sqlite3.Connection) -> tuple[int, int, int, int]:
    """(documents, passages, sentences, fts rows); raises sqlite3.Error on a damaged file."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM passages),"
        " (SELECT count(*) FROM sentences), (SELECT count(*) FROM passages_fts)"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def lexical_search(conn: sqlite3.Connection, query: str, limit: int) -> list[tuple[int, float]]:
    """(passage id, BM25 score, higher is better) for the best ``limit`` passages."""
    match = fts_query(query)
    if not match:
        return []
    rows = conn.execute(
        f"SELECT rowid, {_BM25} AS score FROM passages_fts WHERE passages_fts MATCH ? ORDER BY score, rowid LIMIT ?",
        (match, limit),
    ).fetchall()
    return [(int(rowid), -float(score)) for rowid, score in rows if -float(score) > MIN_BM25]


def lexical_scores(conn: sqlite3.Connection, query: str, ids: Sequence[int]) -> dict[int, float]:
    """BM25 scores of the given passages for ``query``; passages that do not match are absent."""
    match = fts_query(query)
    if not match or not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT rowid, {_BM25} FROM passages_fts WHERE passages_fts MATCH ? AND rowid IN ({marks})",
        (match, *ids),
    ).fetchall()
    return {int(rowid): -float(score) for rowid, score in rows}


def passages(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, StoredPassage]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT id, doc_id, start, end, first_sentence, last_sentence, text FROM passages WHERE id IN ({marks})",
        tuple(ids),
    ).fetchall()
    return {int(row[0]): StoredPassage(*row) for row in rows}


def documents_meta(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """doc id -> (title, path)."""
    unique = sorted(set(doc_ids))
    if not unique:
        return {}
    marks = ",".join("?" * len(unique))
    rows = conn.execute(f"SELECT id, title, path FROM documents WHERE id IN ({marks})", unique).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def sentence_spans(conn: sqlite3.Connection, doc_id: str, first: int, last: int) -> list[Span]:
    rows = conn.execute(
        "SELECT start, end FROM sentences WHERE doc_id = ? AND idx BETWEEN ? AND ? ORDER BY idx",
        (doc_id, first, last),
    ).fetchall()
    return [(int(start), int(end)) for start, end in rows]


def document_texts(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, str]:
    unique = sorted(set(doc_ids))
    if not unique:
        return {}
    marks = ",".join("?" * len(unique))
    return dict(conn.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", unique).fetchall())


def all_documents(conn: sqlite3.Connection) -> list[Document]:
    rows = conn.execute("SELECT id, path, title, text, sha256 FROM documents ORDER BY ordinal").fetchall()
    return [Document(id=r[0], path=r[1], title=r[2], text=r[3], sha256=r[4]) for r in rows]


def document_passages(conn: sqlite3.Connection) -> dict[str, list[StoredPassage]]:
    """Every passage, grouped by document, in id order."""
    grouped: dict[str, list[StoredPassage]] = {}
    for row in conn.execute(
        "SELECT id, doc_id, start, end, first_sentence, last_sentence, text FROM passages ORDER BY id"
    ):
        grouped.setdefault(row[1], []).append(StoredPassage(*row))
    return grouped


def document_sentences(conn: sqlite3.Connection) -> dict[str, list[Span]]:
    grouped: dict[str, list[Span]] = {}
    for doc_id, start, end in conn.execute("SELECT doc_id, start, end FROM sentences ORDER BY doc_id, idx"):
        grouped.setdefault(doc_id, []).append((int(start), int(end)))
    return grouped
