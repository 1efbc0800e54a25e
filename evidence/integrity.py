"""Checks that an index's data files are the ones its manifest describes.

The manifest records the size and SHA-256 of ``store.sqlite`` and ``vectors.faiss``. Opening an index
compares sizes always and hashes when the file is small enough to hash in a fraction of a second;
``verify_index`` hashes every file whatever its size and asks SQLite to check the whole database.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from evidence import index as faiss_index
from evidence import store
from evidence.errors import REBUILD_HINT, IndexCorrupt
from evidence.types import IndexManifest

# Files up to this size are hashed on every load (about 0.1 s at 2 GB/s).
LOAD_HASH_LIMIT = 256 * 1024 * 1024
_BLOCK = 1024 * 1024


def file_digest(path: Path) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of a file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def check_readable(path: Path) -> None:
    """Raise IndexCorrupt, naming the reason (a permission, an I/O error), when ``path`` cannot be opened."""
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError as exc:
        raise IndexCorrupt(
            f"cannot read {path} ({exc.strerror or exc}): give this user read access to it, or {REBUILD_HINT}"
        ) from None


def check_files(index_dir: Path, manifest: IndexManifest, *, full: bool = False) -> None:
    """Raise IndexCorrupt when a data file differs from what the manifest recorded.

    Indexes written before the manifest kept these figures have nothing to compare and pass.
    """
    recorded = (
        (store.STORE_FILE, manifest.store_bytes, manifest.store_sha256),
        (faiss_index.VECTORS_FILE, manifest.vectors_bytes, manifest.vectors_sha256),
    )
    for name, size, sha256 in recorded:
        if not sha256:
            continue
        path = Path(index_dir) / name
        actual = path.stat().st_size
        if actual == size and (full or size <= LOAD_HASH_LIMIT):
            actual_sha = file_digest(path)[1]
        else:
            actual_sha = sha256 if actual == size else ""
        if (actual, actual_sha) != (size, sha256):
            raise IndexCorrupt(
                f"{path} is damaged or was changed after the index was built (its size or checksum is not "
                f"what the manifest says): {REBUILD_HINT}"
            )


def check_database(index_dir: Path) -> None:
    """Raise IndexCorrupt unless SQLite finds the whole store consistent (reads every page)."""
    path = Path(index_dir) / store.STORE_FILE
    conn = None
    try:
        conn = store.open_readonly(path)
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    finally:
        if conn is not None:
            conn.close()
    if problems != ["ok"]:
        raise IndexCorrupt(f"{path} is damaged ({problems[0]}): {REBUILD_HINT}")
