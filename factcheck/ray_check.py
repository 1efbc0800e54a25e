"""`factcheck check --engine ray`: articles spread over a pool of Ray actors, one report.

Each actor loads the claim extractor, the embedding model, the index and the verifier once, then
checks whole articles as they come. The index folder must be readable at the same path on every
node (a shared or copied volume). The driver merges the per-article reports in the order the
articles were given, so the report is the one a local run writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.engines import ClusterSettings, connected, worker_count
from factcheck.errors import FactcheckError

if TYPE_CHECKING:
    from claims import Article
    from factcheck.config import Settings
    from factcheck.types import Report

Progress = Callable[[str, int, int], None]


class CheckWorker:
    """One Ray actor: the models and the index, loaded once, for every article it is given."""

    def __init__(self, settings: Settings) -> None:
        from claims import ClaimExtractor
        from evidence import SentenceTransformerEmbedder, open_index
        from factcheck.verify.factory import make_verifier

        self.settings = settings
        self.extractor = ClaimExtractor()
        self.index = open_index(Path(settings.index), SentenceTransformerEmbedder())
        self.verifier = make_verifier(settings)

    def check(self, article: Article, only_lines: frozenset[int] | None) -> Report:
        from factcheck.pipeline import check_claims, extract_claims

        only = None if only_lines is None else {article.path: only_lines}
        sets = extract_claims([article], self.extractor, only_lines=only)
        return check_claims(sets, self.index, self.verifier, self.settings, claim_source=self.extractor.model_id)


def merge(reports: Sequence[Report]) -> Report:
    """One report from per-article reports of the same run, articles in the given order."""
    from factcheck.types import Report

    first = reports[0]
    if any(report.manifest != first.manifest for report in reports):
        raise FactcheckError("Ray workers ran with different models, settings or indexes: check the cluster's nodes")
    return Report(first.schema_version, first.manifest, tuple(a for report in reports for a in report.articles))


def check_on_ray(
    articles: Sequence[Article],
    settings: Settings,
    cluster: ClusterSettings,
    *,
    only_lines: Mapping[str, frozenset[int]] | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check ``articles`` against ``settings.index`` on a Ray cluster; the same report as a local run."""
    from evidence import manifest as manifest_io

    manifest_io.read(Path(settings.index))  # a missing or damaged index fails here, with its own message

    def lines_of(article: Article) -> frozenset[int] | None:
        return None if only_lines is None else only_lines.get(article.path, frozenset())

    with connected(cluster) as ray:
        from ray.util import ActorPool

        actor = ray.remote(num_cpus=1)(CheckWorker)
        workers = min(worker_count(ray, cluster), len(articles))
        pool = ActorPool([actor.remote(settings) for _ in range(workers)])
        reports = []
        try:
            jobs = pool.map(lambda worker, article: worker.check.remote(article, lines_of(article)), articles)
            for done, report in enumerate(jobs, start=1):
                reports.append(report)
                if progress is not None:
                    progress("checking articles", done, len(articles))
        except ray.exceptions.RayError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise FactcheckError(f"a Ray worker failed ({reason}): see the Ray logs of the cluster") from None
    return merge(reports)
