"""Retrieval benchmark: recall of gold documents for dense, lexical and hybrid search.

    .venv/bin/python bench/retrieval.py            # SciFact dev + FM2 dev, table of recall@1/5/10
    .venv/bin/python bench/retrieval.py --tune     # also grid-search the fusion on SciFact train + FM2 test
    .venv/bin/python bench/retrieval.py --rebuild  # rebuild the cached indexes (and time the build)

Data is read from $PUBLIC_DATA (never copied): SciFact's closed corpus of 5,183 abstracts with
its dev claims, and Fool Me Twice dev, whose corpus is the union of every claim's retrieved
evidence sentences, one document per (page, sentence). Indexes are cached under
.factcheck-cache/bench/ (git-ignored) with their build time, so a second run only searches.

Recall@k counts a claim's gold documents among the first k distinct documents of the ranking
(passages are mapped to their document, keeping the first occurrence), averaged over claims
that have gold evidence. Fusion settings are tuned on SciFact train claims and FM2 test claims
(FM2 has no train split; its test corpus is built the same way as dev's); the dev sets that the
table reports are never looked at while tuning.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The public datasets (`make` passes PUBLIC_DATA; the default is where this team keeps them).
PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", REPO.parent / "shared" / "data"))
sys.path.insert(0, str(REPO))

from evidence import BuildOptions, Embedder, FusionConfig, build_index, make_embedder, open_index  # noqa: E402
from evidence.chunk import Chunker  # noqa: E402
from evidence.readers import read_corpus  # noqa: E402
from evidence.retrieve import EvidenceIndex, fuse  # noqa: E402

DATA = PUBLIC_DATA
CACHE = REPO / ".factcheck-cache" / "bench"
KS = (1, 5, 10)
DEPTH = 100

Claim = tuple[str, frozenset[str]]  # (claim text, gold document ids)


def scifact_claims(split: str) -> list[Claim]:
    claims = []
    for line in (DATA / "scifact" / f"claims_{split}.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["evidence"]:
            gold = frozenset(f"corpus.jsonl#{doc_id}" for doc_id in record["evidence"])
            claims.append((record["claim"], gold))
    return claims


def scifact_corpus() -> Path:
    """A folder holding only a copy of SciFact's corpus.jsonl (its claims files are not documents; a corpus never
    follows a symlink out of its folder)."""
    folder = CACHE / "scifact-corpus"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "corpus.jsonl"
    if copy.is_symlink():
        copy.unlink()
    if not copy.exists():
        shutil.copy2(DATA / "scifact" / "corpus.jsonl", copy)
    return folder


def _sentence_id(page: str, text: str) -> str:
    return hashlib.sha1(f"{page}\0{text}".encode()).hexdigest()[:16]


def fm2_corpus_and_claims(split: str = "dev") -> tuple[Path, list[Claim]]:
    """FM2 as a corpus of evidence sentences (written once to the cache) and its claims."""
    folder = CACHE / f"fm2-{split}-corpus"
    records = [json.loads(line) for line in (DATA / "fm2" / f"{split}.jsonl").read_text().splitlines()]
    sentences: dict[str, dict[str, str]] = {}
    claims = []
    for record in records:
        page = record["wikipedia_page"]
        for item in record["retrieved_evidence"] + record["gold_evidence"]:
            sid = _sentence_id(page, item["text"])
            sentences.setdefault(sid, {"id": sid, "title": page.replace("_", " "), "text": item["text"]})
        gold = frozenset(f"sentences.jsonl#{_sentence_id(page, g['text'])}" for g in record["gold_evidence"])
        claims.append((record["text"], gold))
    target = folder / "sentences.jsonl"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(sentences[sid], ensure_ascii=False) for sid in sorted(sentences)]
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, claims


def cached_index(name: str, corpus: Path, embedder: Embedder, rebuild: bool) -> dict:
    """Build (or reuse) the index; returns its build figures."""
    out = CACHE / f"{name}-index"
    stats_file = CACHE / f"{name}-build.json"
    if not rebuild and stats_file.exists() and (out / "manifest.json").exists():
        return json.loads(stats_file.read_text())
    embedder.encode_documents(["warm-up"])  # model load is not indexing time
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "embed" and time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  {name}: embedded {done}/{total} passages", file=sys.stderr, flush=True)

    start = time.perf_counter()
    result = build_index(corpus, out, embedder, BuildOptions(follow_symlinks=True, progress=progress))
    seconds = time.perf_counter() - start
    stats = {
        "documents": result.manifest.documents,
        "passages": result.manifest.passages,
        "seconds": round(seconds, 1),
        "passages_per_s": round(result.manifest.passages / seconds, 1),
        "cpus": os.cpu_count(),
    }
    stats_file.write_text(json.dumps(stats))
    return stats


def reading_and_chunking_seconds(corpus: Path) -> float:
    """The part of indexing that is not the model: reading and sentence splitting."""
    start = time.perf_counter()
    chunker = Chunker()
    for doc in read_corpus(corpus, follow_symlinks=True).documents:
        chunker.chunk(doc)
    return time.perf_counter() - start


def doc_ranking(fused: Sequence[tuple[int, float]], doc_of: dict[int, str]) -> list[str]:
    seen: dict[str, None] = {}
    for pid, _ in fused:
        seen.setdefault(doc_of[pid], None)
    return list(seen)


def recall(rankings: Sequence[list[str]], claims: Sequence[Claim]) -> dict[int, float]:
    pairs = list(zip(rankings, (gold for _, gold in claims), strict=True))
    return {k: statistics.mean(len(gold & set(ranking[:k])) / len(gold) for ranking, gold in pairs) for k in KS}


class Runs:
    """Dense and lexical candidate lists of a claim set, computed once and fused many ways."""

    def __init__(self, index: EvidenceIndex, claims: Sequence[Claim]) -> None:
        self.claims = claims
        texts = [text for text, _ in claims]
        self.dense, self.lexical = index.candidates(texts, DEPTH)
        rows = index.connection.execute("SELECT id, doc_id FROM passages").fetchall()
        self.doc_of = {int(pid): doc for pid, doc in rows}

    def recall(self, config: FusionConfig) -> dict[int, float]:
        rankings = []
        for dense, lexical in zip(self.dense, self.lexical, strict=True):
            fused = fuse(
                dense[: config.candidates] if config.mode != "lexical" else [],
                lexical[: config.candidates] if config.mode != "dense" else [],
                config,
            )
            rankings.append(doc_ranking(fused[: config.candidates * 2], self.doc_of))
        return recall(rankings, self.claims)


def tune(tuning: dict[str, Runs]) -> FusionConfig:
    """The setting whose hybrid recall@5 beats the better single retriever by the largest margin on
    every tuning set (max-min), recall@10 margin next: fusion must help on both kinds of corpus."""
    singles = {}
    for name, runs in tuning.items():
        dense = runs.recall(FusionConfig(mode="dense", candidates=DEPTH))
        lexical = runs.recall(FusionConfig(mode="lexical", candidates=DEPTH))
        singles[name] = {k: max(dense[k], lexical[k]) for k in KS}
    best: tuple[tuple[float, float], FusionConfig] | None = None
    grid = itertools.product((5, 10, 20, 60), (0.5, 0.7, 1.0, 1.5), (0.0, 1.0, 1.5, 2.0, 3.0), (5, 10, 20))
    for rrf_k, lexical_weight, peak_scale, peak_depth in grid:
        if peak_scale == 0 and peak_depth != 10:
            continue  # peak_depth does nothing without peak_scale
        config = FusionConfig(rrf_k=rrf_k, lexical_weight=lexical_weight, peak_scale=peak_scale, peak_depth=peak_depth)
        scores = {name: runs.recall(config) for name, runs in tuning.items()}
        margin5 = min(scores[n][5] - singles[n][5] for n in tuning)
        margin10 = min(scores[n][10] - singles[n][10] for n in tuning)
        if best is None or (margin5, margin10) > best[0]:
            best = ((margin5, margin10), config)
            described = "  ".join(f"{n} R@5={scores[n][5]:.3f}" for n in tuning)
            print(
                f"  tune: new best rrf_k={rrf_k} lexical_weight={lexical_weight} peak_scale={peak_scale} "
                f"peak_depth={peak_depth}: {described}; R@5 margin over the better single {margin5:+.3f}"
            )
    assert best is not None
    return best[1]


def row(name: str, scores: dict[int, float]) -> str:
    return f"| {name:<22} | " + " | ".join(f"{scores[k]:.3f}" for k in KS) + " |"


def latency(index: EvidenceIndex, claims: Sequence[Claim], n: int = 30) -> tuple[float, float]:
    """Median seconds for one claim searched alone (k=5, sentences re-scored), and per claim in a batch."""
    texts = [text for text, _ in claims[:n]]
    index.search(texts[:2], k=5)  # warm-up
    alone = []
    for text in texts:
        start = time.perf_counter()
        index.search([text], k=5)
        alone.append(time.perf_counter() - start)
    start = time.perf_counter()
    index.search(texts, k=5)
    return statistics.median(alone), (time.perf_counter() - start) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="grid-search fusion settings on SciFact train and FM2 test")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached indexes")
    parser.add_argument("--skip-fm2", action="store_true", help="SciFact only")
    parser.add_argument("--runtime", choices=("torch", "onnx"), default="torch",
                        help="run the embedder through torch or ONNX Runtime (onnx keeps its own indexes)")
    args = parser.parse_args()

    global CACHE
    if args.runtime != "torch":
        CACHE = CACHE / args.runtime
    embedder = make_embedder(args.runtime, CACHE)
    config = FusionConfig()
    if args.tune:
        fm2_test_dir, fm2_test_claims = fm2_corpus_and_claims("test")
        tuning = {}
        for name, corpus, claims in (
            ("scifact", scifact_corpus(), scifact_claims("train")),
            ("fm2-test", fm2_test_dir, fm2_test_claims),
        ):
            cached_index(name, corpus, embedder, args.rebuild and name != "scifact")
            with open_index(CACHE / f"{name}-index", embedder) as index:
                tuning[name if name != "scifact" else "scifact-train"] = Runs(index, claims)
        config = tune(tuning)
    print(
        f"fusion: rrf_k={config.rrf_k} dense_weight={config.dense_weight} lexical_weight={config.lexical_weight} "
        f"peak_scale={config.peak_scale} peak_depth={config.peak_depth} candidates={config.candidates}"
        + (" (tuned now)" if args.tune else " (factcheck's defaults)")
    )
    datasets = [("scifact", scifact_corpus(), scifact_claims("dev"))]
    if not args.skip_fm2:
        fm2_dir, fm2_claims = fm2_corpus_and_claims("dev")
        datasets.append(("fm2", fm2_dir, fm2_claims))

    for name, corpus, claims in datasets:
        stats = cached_index(name, corpus, embedder, args.rebuild)
        print(
            f"\n## {name}: {stats['documents']} documents, {stats['passages']} passages; index built in "
            f"{stats['seconds']} s ({stats['passages_per_s']} passages/s, {stats['cpus']} CPUs); "
            f"{len(claims)} claims with gold evidence"
        )
        print(f"reading + sentence splitting + chunking alone: {reading_and_chunking_seconds(corpus):.1f} s")
        with open_index(CACHE / f"{name}-index", embedder) as index:
            runs = Runs(index, claims)
            print("| method                 | R@1   | R@5   | R@10  |")
            print("|------------------------|-------|-------|-------|")
            for mode in ("dense", "lexical", "hybrid"):
                print(row(mode, runs.recall(replace(config, mode=mode))))
            alone, batched = latency(index, claims)
            print(
                f"query latency (k=5, with sentence re-scoring): {alone * 1000:.0f} ms for one claim alone, "
                f"{batched * 1000:.0f} ms per claim in a batch of 30"
            )


if __name__ == "__main__":
    main()
