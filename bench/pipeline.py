"""End-to-end figures for `factcheck check`: the seed news article against the NATO-Russia corpus.

Prints index build time and throughput, claim extraction, retrieval and verification time, the
label counts and peak memory. Reads $PUBLIC_SEEDS and $PUBLIC_DATA; writes only to a temporary folder.

    .venv/bin/python bench/pipeline.py [--article PATH] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The public datasets (`make` passes PUBLIC_DATA; the default is where this team keeps them).
PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", REPO.parent / "shared" / "data"))
SEEDS = Path(os.environ.get("PUBLIC_SEEDS", REPO.parent / "shared" / "seeds"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=next(iter(sorted(SEEDS.glob("*.txt"))), None))
    parser.add_argument("--corpus", type=Path, default=PUBLIC_DATA / "nato_russia_demo_corpus" / "wikipedia_2019")
    args = parser.parse_args()
    if args.article is None or not args.corpus.is_dir():
        needs = "needs the seed articles ($PUBLIC_SEEDS) and the public datasets ($PUBLIC_DATA)"
        print(f"bench/pipeline.py: {needs}", file=sys.stderr)
        return 2

    from claims import ClaimExtractor, read_article
    from evidence import SentenceTransformerEmbedder, build_index, open_index
    from factcheck.config import Settings
    from factcheck.pipeline import check_articles
    from factcheck.verify.heuristic import HeuristicVerifier

    settings = Settings()
    t0 = time.perf_counter()
    embedder = SentenceTransformerEmbedder()
    extractor = ClaimExtractor()
    verifier = HeuristicVerifier(settings)
    embedder.encode_queries(["warm-up"])
    extractor.extract("Warm-up sentence for the parser.")
    verifier.reader.read(["Warm-up."])
    print(f"models loaded            {time.perf_counter() - t0:7.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        result = build_index(args.corpus, Path(tmp) / "index", embedder)
        build_s = time.perf_counter() - t
        m = result.manifest
        print(f"index build              {build_s:7.2f} s  ({m.documents} documents, {m.passages} passages, "
              f"{m.passages / build_s:.0f} passages/s)")

        article = read_article(args.article)
        with open_index(Path(tmp) / "index", embedder) as index:
            t = time.perf_counter()
            claims = extractor.extract(article.text, doc_id=article.path)
            extract_s = time.perf_counter() - t
            t = time.perf_counter()
            found = index.search([c.text for c in claims], k=settings.top_k, sentences=settings.evidence_sentences)
            search_s = time.perf_counter() - t
            t = time.perf_counter()
            verifier.verify(claims, found)
            verify_s = time.perf_counter() - t
            t = time.perf_counter()
            report = check_articles([article], index, extractor, verifier, settings)
            total_s = time.perf_counter() - t

    words = len(article.text.split())
    print(f"article                  {words} words, {len(claims)} claims")
    print(f"claim extraction         {extract_s:7.3f} s")
    print(f"retrieval (batched)      {search_s:7.3f} s  ({1000 * search_s / max(1, len(claims)):.1f} ms/claim)")
    print(f"verification             {verify_s:7.3f} s")
    print(f"check, end to end        {total_s:7.3f} s  (models loaded, index open)")
    print("labels                   " + ", ".join(f"{k.value}: {v}" for k, v in report.counts().items()))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS)        {peak_mib:7.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
