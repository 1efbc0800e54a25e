"""Errors raised by the evidence room.

Every message is one line: what happened, then what to do about it. The CLI shows
``str(error)`` as it is, so messages name paths and commands rather than internals.

Hierarchy::

    EvidenceError
    ├── CorpusError
    │   ├── CorpusNotFound      the corpus folder does not exist or is not a folder
    │   ├── EmptyCorpus         no file in the corpus could be read
    │   └── BadIgnoreFile       the corpus folder's .factcheckignore cannot be read
    ├── IndexStoreError
    │   ├── IndexNotFound       no index at the given path (or the path is not an index)
    │   ├── IndexCorrupt        manifest, SQLite store or faiss file unreadable or inconsistent
    │   ├── IndexMismatch       built with another embedding model, dimension or format version
    │   └── IndexLocked         another process is writing to the index
    └── ModelNotFound           the embedding model package or its files are missing
"""

from __future__ import annotations

REBUILD_HINT = "rebuild with `factcheck index build CORPUS --out DIR`"


class EvidenceError(Exception):
    """Base of every error the evidence room raises on purpose."""


class CorpusError(EvidenceError):
    """Something is wrong with the corpus folder."""


class CorpusNotFound(CorpusError):
    pass


class EmptyCorpus(CorpusError):
    pass


class BadIgnoreFile(CorpusError):
    pass


class IndexStoreError(EvidenceError):
    """Something is wrong with an index directory (named so as not to shadow the builtin IndexError)."""


class IndexNotFound(IndexStoreError):
    pass


class IndexCorrupt(IndexStoreError):
    pass


class IndexMismatch(IndexStoreError):
    pass


class IndexLocked(IndexStoreError):
    pass


class ModelNotFound(EvidenceError):
    pass
