"""The one function that wires the stages: articles -> claims -> evidence -> verdicts -> report.

Every stage is called once per run with all of its inputs, so models see whole batches.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claims.types import Claim
from factcheck import __version__
from factcheck.config import Settings
from factcheck.types import ArticleResult, Report, RunManifest
from factcheck.unchecked import is_checked, unchecked_verdict

if TYPE_CHECKING:
    from claims import Article, ClaimExtractor
    from evidence import Embedder, EvidenceIndex
    from factcheck.cache import CheckCache
    from factcheck.types import Verdict
    from factcheck.verify.base import Verifier

REPORT_SCHEMA_VERSION = 1
GIVEN_CLAIMS = "given"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ClaimSet:
    """The claims of one input file, extracted from an article or given in a claims file."""

    path: str
    text: str
    claims: tuple[Claim, ...]


def extract_claims(
    articles: Sequence[Article],
    extractor: ClaimExtractor,
    *,
    only_lines: Mapping[str, frozenset[int]] | None = None,
    progress: Progress | None = None,
    cache: CheckCache | None = None,
) -> tuple[ClaimSet, ...]:
    """Claims of every article; ``only_lines`` maps an article path to the line numbers to keep
    (`--changed-only`): claims touching none of them are left out. With a ``cache``, an article seen
    before is not parsed again."""
    sets = []
    for done, article in enumerate(articles, start=1):
        found = cache.claims(article.text, article.path, extractor.rules_id) if cache else None
        if found is None:
            found = extractor.extract(article.text, doc_id=article.path)
            if cache:
                cache.put_claims(article.text, article.path, extractor.rules_id, found)
        if only_lines is not None:
            lines = only_lines.get(article.path, frozenset())
            found = tuple(c for c in found if not lines.isdisjoint(_claim_lines(c)))
        sets.append(ClaimSet(article.path, article.text, found))
        if progress:
            progress("extracting claims", done, len(articles))
    return tuple(sets)


def check_claims(
    sets: Sequence[ClaimSet],
    index: EvidenceIndex,
    verifier: Verifier,
    settings: Settings,
    *,
    claim_source: str,
    progress: Progress | None = None,
    cache: CheckCache | None = None,
) -> Report:
    """Check every claim of every set against one index: one batched search, one verifier call, both
    only for the claims whose verdict the ``cache`` does not hold."""
    claims = [c for group in sets for c in group.claims]
    context = verdict_context(index, verifier, settings) if cache else None
    cached: list[Verdict | None] = cache.verdicts(context, claims) if cache else [None] * len(claims)
    todo = [c for c, v in zip(claims, cached, strict=True) if v is None]
    found = (
        index.search([c.text for c in todo], k=settings.top_k, sentences=settings.evidence_sentences)
        if todo
        else ()
    )
    if progress:
        progress("retrieving evidence", len(claims), len(claims))
    fresh = iter(verifier.verify(todo, found) if todo else ())
    verified = tuple(v if v is not None else next(fresh) for v in cached)
    if cache and todo:
        cache.put_verdicts(context, [v for v, c in zip(verified, cached, strict=True) if c is None])
    # Opinions and predictions go through the verifier with the rest, so that a batch is the same whether or not
    # they are checked; then their verdicts are replaced.
    verdicts = tuple(
        v if is_checked(c, settings.check_opinions) else unchecked_verdict(c)
        for c, v in zip(claims, verified, strict=True)
    )
    if progress:
        progress("verifying", len(claims), len(claims))

    results = []
    offset = 0
    for group in sets:
        results.append(ArticleResult(group.path, verdicts[offset : offset + len(group.claims)]))
        offset += len(group.claims)
    index_manifest = index.manifest
    manifest = RunManifest(
        tool_version=__version__,
        claim_extractor=claim_source,
        embedding_model=index_manifest.model_id,
        embedding_model_hash=index_manifest.model_hash,
        verifier=verifier.id,
        index_id=index_manifest.index_id,
        index_documents=index_manifest.documents,
        index_passages=index_manifest.passages,
        settings=settings.items(),
    )
    return Report(REPORT_SCHEMA_VERSION, manifest, tuple(results))


def verdict_context(index: EvidenceIndex, verifier: Verifier, settings: Settings) -> list[object]:
    """What a claim's verdict depends on besides its text: the index, the models and the settings."""
    from factcheck.cache import folder_fingerprint

    m = index.manifest
    model = getattr(verifier, "model", None)
    weights = [model.model_hash, folder_fingerprint(model.path)] if model is not None else []
    return [m.index_id, m.model_id, m.model_hash, verifier.id, weights, settings.items()]


def preload(*models: object) -> threading.Thread:
    """Load models (anything with a ``load()`` method) in a background thread, to overlap with claim
    extraction: ONNX Runtime builds its sessions outside Python's global lock. A failure is left for the
    first real use to raise, where the caller's error handling is. The caller joins the thread before it
    is done: a process that exits while ONNX Runtime is building a session aborts ("terminate called without
    an active exception"), which happens when every verdict came from the cache and no model was needed."""
    from contextlib import suppress

    def load_all() -> None:
        for model in models:
            with suppress(Exception):  # raised again on first use, where it can be reported
                model.load()  # type: ignore[attr-defined]

    thread = threading.Thread(target=load_all, name="factcheck-preload")
    thread.start()
    return thread


def check_articles(
    articles: Sequence[Article],
    index: EvidenceIndex,
    extractor: ClaimExtractor,
    verifier: Verifier,
    settings: Settings,
    *,
    only_lines: Mapping[str, frozenset[int]] | None = None,
    progress: Progress | None = None,
    cache: CheckCache | None = None,
) -> Report:
    """Extract the claims of every article and check them all against one index."""
    sets = extract_claims(articles, extractor, only_lines=only_lines, progress=progress, cache=cache)
    return check_claims(
        sets, index, verifier, settings, claim_source=extractor.model_id, progress=progress, cache=cache
    )


def _claim_lines(claim: Claim) -> range:
    return range(claim.line, claim.line + claim.source_text.count("\n") + 1)


def cache_home(settings: Settings) -> Path:
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser()
    if env := os.environ.get("FACTCHECK_CACHE_HOME"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "factcheck"


# How long `check --corpus` waits for another process that is building or updating the same cached index.
CACHE_WAIT_SECONDS = 600.0


def index_for_corpus(
    corpus_dir: Path, embedder: Embedder, settings: Settings, *, progress: Progress | None = None
) -> EvidenceIndex:
    """Open the cached index of a corpus folder; when the folder changed, update the cached index
    in place (only changed documents are embedded again); build it the first time.

    When another process is writing the same cached index, wait for it (up to CACHE_WAIT_SECONDS)
    and use what it wrote."""
    import time

    from evidence.errors import CorpusNotFound, IndexLocked

    if not corpus_dir.is_dir():
        raise CorpusNotFound(f"corpus folder {corpus_dir} does not exist: check the path given to --corpus")
    deadline = time.monotonic() + CACHE_WAIT_SECONDS
    waiting = False
    while True:
        try:
            return _open_cached(corpus_dir, embedder, settings, progress)
        except IndexLocked:
            if time.monotonic() >= deadline:
                raise
            if not waiting:
                waiting = True
                logging.getLogger("factcheck").warning(
                    "factcheck: another factcheck is indexing %s; waiting for it (at most %.0f s)",
                    corpus_dir, CACHE_WAIT_SECONDS,
                )
            time.sleep(0.5)


def _open_cached(
    corpus_dir: Path, embedder: Embedder, settings: Settings, progress: Progress | None
) -> EvidenceIndex:
    import hashlib

    from evidence import BuildOptions, build_index, corpus_fingerprint, open_index, rebuild_index, update_index
    from evidence.errors import IndexCorrupt, IndexMismatch, IndexNotFound

    key = hashlib.sha256(str(corpus_dir.resolve()).encode("utf-8")).hexdigest()[:20]
    target = cache_home(settings) / "indexes" / key
    fingerprint = corpus_fingerprint(corpus_dir)
    try:
        index = open_index(target, embedder)
    except IndexNotFound:
        build_index(corpus_dir, target, embedder, BuildOptions(progress=progress))
        return open_index(target, embedder)
    except (IndexCorrupt, IndexMismatch):
        # A cache entry is ours to replace: rebuild it rather than asking the user (under its write lock,
        # as another process may be reading, updating or rebuilding it too).
        rebuild_index(corpus_dir, target, embedder, progress=progress)
        index = open_index(target, embedder)
    if index.manifest.corpus_fingerprint == fingerprint:
        return index
    index.close()
    update_index(target, corpus_dir, embedder, progress=progress)
    return open_index(target, embedder)
