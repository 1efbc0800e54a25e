"""One writer per index directory at a time, and writes that land whole or not at all.

The lock file sits beside the index directory (``.NAME.lock``), not inside it, because the
directory itself is swapped out when a write completes. flock locks die with their process,
so a killed writer never leaves the index locked. The holder writes its process id into the lock
file and empties it when done: a next writer that finds an id there knows a writer died mid-way,
says so in one line (a warning of the ``evidence`` logger) and removes what that writer left.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evidence.errors import IndexLocked, IndexStoreError


def _sibling(index_dir: Path, kind: str) -> Path:
    return index_dir.parent / f".{index_dir.name}.{kind}"


_log = logging.getLogger("evidence")


def lock_path(index_dir: Path) -> Path:
    return _sibling(index_dir, "lock")


def _open_lock(index_dir: Path) -> int:
    path = lock_path(index_dir)
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise IndexStoreError(
            f"cannot open the lock file {path} ({exc.strerror or exc}): remove whatever is at that path"
        ) from None


def _acquire(fd: int, index_dir: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise IndexLocked(
            f"another process is writing index {index_dir}: wait for it to finish, then try again"
        ) from None


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock; raise IndexLocked at once if another process holds it."""
    fd = _open_lock(index_dir)
    held = False
    try:
        _acquire(fd, index_dir)
        held = True
        previous = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        cleaned = remove_stale(index_dir)
        if previous or cleaned:
            who = f"writer (pid {previous})" if previous else "writer"
            _log.warning(
                "factcheck: a %s of index %s stopped before it finished; the index is as it was before it, "
                "and %d temporary folder(s) it left were removed",
                who, index_dir, cleaned,
            )
        yield
    finally:
        if held:
            os.ftruncate(fd, 0)
        os.close(fd)


def remove_stale(index_dir: Path) -> int:
    """Delete work folders that a killed writer left, returning how many; only call while holding the lock."""
    olds = sorted(index_dir.parent.glob(f".{index_dir.name}.old-*"))
    if olds and not index_dir.exists():
        # Killed between the two renames of the fallback swap: the old index is the one to keep.
        os.rename(olds[0], index_dir)
    removed = 0
    for pattern in (f".{index_dir.name}.tmp-*", f".{index_dir.name}.old-*"):
        for stale in index_dir.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)
            removed += 1
    return removed


def new_work_dir(index_dir: Path) -> Path:
    work = _sibling(index_dir, f"tmp-{uuid.uuid4().hex[:12]}")
    work.mkdir()
    return work


def replace_dir(work_dir: Path, index_dir: Path) -> None:
    """Move the finished work_dir to index_dir, replacing what was there only at this last step."""
    _fsync_tree(work_dir)
    if index_dir.exists() and _exchange(work_dir, index_dir):
        shutil.rmtree(work_dir, ignore_errors=True)
    elif index_dir.exists():
        old = _sibling(index_dir, f"old-{uuid.uuid4().hex[:12]}")
        os.rename(index_dir, old)
        os.rename(work_dir, index_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(work_dir, index_dir)
    _fsync_dir(index_dir.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
