"""The one function that wires the stages: articles -> claims -> evidence -> verdicts -> report.

Every stage is called once per run with all of its inputs, so models see whole batches.
"""

from __future__ import annotations

import os
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
) -> tuple[ClaimSet, ...]:
    """Claims of every article; ``only_lines`` maps an article path to the line numbers to keep
    (`--changed-only`): claims touching none of them are left out."""
    sets = []
    for done, article in enumerate(articles, start=1):
        found = extractor.extract(article.text, doc_id=article.path)
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
) -> Report:
    """Check every claim of every set against one index: one batched search, one verifier call."""
    claims = [c for group in sets for c in group.claims]
    found = (
        index.search([c.text for c in claims], k=settings.top_k, sentences=settings.evidence_sentences)
        if claims
        else ()
    )
    if progress:
        progress("retrieving evidence", len(claims), len(claims))
    # Opinions and predictions go through the verifier with the rest, so that the batch, and with it
    # every other verdict, is the same whether or not they are checked; then their verdicts are replaced.
    verified = verifier.verify(claims, found)
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


def check_articles(
    articles: Sequence[Article],
    index: EvidenceIndex,
    extractor: ClaimExtractor,
    verifier: Verifier,
    settings: Settings,
    *,
    only_lines: Mapping[str, frozenset[int]] | None = None,
    progress: Progress | None = None,
) -> Report:
    """Extract the claims of every article and check them all against one index."""
    sets = extract_claims(articles, extractor, only_lines=only_lines, progress=progress)
    return check_claims(sets, index, verifier, settings, claim_source=extractor.model_id, progress=progress)


def _claim_lines(claim: Claim) -> range:
    return range(claim.line, claim.line + claim.source_text.count("\n") + 1)


def cache_home(settings: Settings) -> Path:
    if settings.cache_dir:
        return Path(settings.cache_dir).expanduser()
    if env := os.environ.get("FACTCHECK_CACHE_HOME"):
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "factcheck"


def index_for_corpus(
    corpus_dir: Path, embedder: Embedder, settings: Settings, *, progress: Progress | None = None
) -> EvidenceIndex:
    """Open the cached index of a corpus folder; when the folder changed, update the cached index
    in place (only changed documents are embedded again); build it the first time."""
    import hashlib
    import shutil

    from evidence import build_index, corpus_fingerprint, open_index, update_index
    from evidence.errors import CorpusNotFound, IndexCorrupt, IndexMismatch, IndexNotFound

    if not corpus_dir.is_dir():
        raise CorpusNotFound(f"corpus folder {corpus_dir} does not exist: check the path given to --corpus")
    key = hashlib.sha256(str(corpus_dir.resolve()).encode("utf-8")).hexdigest()[:20]
    target = cache_home(settings) / "indexes" / key
    fingerprint = corpus_fingerprint(corpus_dir)
    try:
        index = open_index(target, embedder)
    except IndexNotFound:
        build_index(corpus_dir, target, embedder, progress=progress)
        return open_index(target, embedder)
    except (IndexCorrupt, IndexMismatch):
        # A cache entry is ours to replace: rebuild it rather than asking the user.
        shutil.rmtree(target, ignore_errors=True)
        build_index(corpus_dir, target, embedder, progress=progress)
        return open_index(target, embedder)
    if index.manifest.corpus_fingerprint == fingerprint:
        return index
    index.close()
    update_index(target, corpus_dir, embedder, progress=progress)
    return open_index(target, embedder)
