"""A persistent cache of what a check computes: the claims of an article and the verdict of each claim.

Re-checking an unchanged article (an editor saving twice, a CI job run again) then loads no model and
reads no vector. Entries are keyed by everything that can change them, so a hit gives the report a fresh
run would give (to the six decimals reports keep):

- claims: the article's text and path, the spaCy pipeline's id, and the code of the three packages;
- verdicts: the claim's text, the index id (a hash of its documents and embedding model), the embedding
  model's hash, the verifier's id and weights hash, every setting that enters the report manifest, and
  the code.

The cache is one SQLite file. It only ever saves work: a file that cannot be opened, read or written
is left alone and the check runs in full.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from claims.types import Claim
from factcheck.serialize import dumps, loads
from factcheck.types import Verdict

CACHE_FILE = "checks.sqlite"
_SCHEMA = 1
_PACKAGES = ("claims", "evidence", "factcheck")
_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the Python sources (and small data files) of the three packages: an upgrade, or an edit in a
    checkout, starts a fresh cache rather than serving verdicts the new code would not give."""
    digest = hashlib.sha256()
    for package in _PACKAGES:
        for path in sorted((_ROOT / package).rglob("*")):
            if path.suffix in (".py", ".json", ".toml") and "training" not in path.parts:
                digest.update(str(path.relative_to(_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def folder_fingerprint(folder: Path) -> str:
    """A hash of a model folder's small files (calibration, combiner, settings): what its weights hash misses."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.json")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(*parts: object) -> str:
    return hashlib.sha256(json.dumps([_SCHEMA, code_fingerprint(), *parts], default=str).encode()).hexdigest()


class CheckCache:
    """The cache file at ``path``; every method is a no-op on a file that cannot be used."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.hits = 0
        self.misses = 0

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=5.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return conn

    def _get(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with suppress(sqlite3.Error, OSError), closing(self._connect()) as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(conn.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk))
        return found

    def _put(self, items: Iterator[tuple[str, str]]) -> None:
        with suppress(sqlite3.Error, OSError), closing(self._connect()) as conn, conn:
            conn.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", items)

    def claims(self, text: str, doc_id: str, extractor_id: str) -> tuple[Claim, ...] | None:
        value = self._get([key("claims", text, doc_id, extractor_id)]).get(key("claims", text, doc_id, extractor_id))
        if value is None:
            return None
        return loads(tuple[Claim, ...], value)

    def put_claims(self, text: str, doc_id: str, extractor_id: str, claims: tuple[Claim, ...]) -> None:
        self._put(iter([(key("claims", text, doc_id, extractor_id), dumps(claims))]))

    def verdicts(self, context: object, claims: Sequence[Claim]) -> list[Verdict | None]:
        """The cached verdict of each claim (its own ``Claim`` put in), or None where there is none."""
        keys = [key("verdict", context, c.text) for c in claims]
        found = self._get(sorted(set(keys)))
        out: list[Verdict | None] = []
        for claim, k in zip(claims, keys, strict=True):
            value = found.get(k)
            out.append(None if value is None else replace(loads(Verdict, value), claim=claim))
        self.hits += sum(v is not None for v in out)
        self.misses += sum(v is None for v in out)
        return out

    def put_verdicts(self, context: object, verdicts: Sequence[Verdict]) -> None:
        self._put((key("verdict", context, v.claim.text), dumps(v)) for v in verdicts)
