"""Large-index figures: IVF-PQ against exact search at a million vectors, and FTS5 at a million passages.

    .venv/bin/python bench/scale.py --base-index /tmp/factcheck-bench/scifact-index            # both parts
    .venv/bin/python bench/scale.py --base-index IDX --vectors 200000 --skip-fts               # a quick look

Vectors: real all-MiniLM-L6-v2 passage embeddings read from one or more built indexes
(``--base-index``, repeatable, or a .npy of such vectors; e.g. the SciFact index that
``make bench-scifact`` caches), each copied many times with seeded Gaussian noise and
renormalised (cosine about 0.89 to its source, like a paraphrase), up to ``--vectors``.
Uniform random vectors would be no test: they have no near neighbours. Queries are 1,000
further noisy copies that are not in the index; the truth is exact inner-product search
(IndexFlatIP) over the same vectors.

FTS5: passages of about 120 words made of SciFact abstract sentences drawn with a seed, each with
a unique marker word, written through evidence.store; queries are SciFact dev claims.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence import index as faiss_index
from evidence import store

PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", "../shared/data"))
NOISE = 0.5  # norm of the added noise relative to the unit vector


def base_vectors(index_dirs: list[Path]) -> np.ndarray:
    parts = []
    for index_dir in index_dirs:
        if index_dir.suffix == ".npy":  # vectors saved from indexes before
            parts.append(np.load(index_dir))
            continue
        index = faiss_index.read(index_dir / faiss_index.VECTORS_FILE, mmap=False)
        parts.append(faiss_index.vectors_of(index, range(index.ntotal)))
    return np.concatenate(parts).astype(np.float32)


def noisy_copies(base: np.ndarray, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((count, base.shape[1]), dtype=np.float32)
    step = 100_000
    for start in range(0, count, step):
        rows = min(step, count - start)
        block = base[rng.integers(0, len(base), rows)]
        block += rng.standard_normal(block.shape, dtype=np.float32) * (NOISE / np.sqrt(base.shape[1]))
        out[start : start + rows] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def recall_at(ids: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(a[:k]) & set(b[:k])) / k for a, b in zip(ids, truth, strict=True)]))


LOAD_PROBE = """
import json, sys, time, numpy as np
sys.path.insert(0, {root!r})
from evidence import index as fi
from bench.scale import rss_mib
before = rss_mib()
index = fi.read(__import__("pathlib").Path({path!r}), mmap={mmap})
fi.apply_params(index, "ivfpq", {params!r})
loaded = rss_mib()
queries = np.load({queries!r})
start = time.perf_counter()
for q in queries:
    index.search(q[None, :], 10)
per_query = (time.perf_counter() - start) / len(queries)
print(json.dumps({{"rss_load_mib": loaded - before, "rss_after_queries_mib": rss_mib() - before,
                  "ms_per_query_single": per_query * 1000}}))
"""


def vector_part(args: argparse.Namespace, work: Path) -> dict:
    import faiss

    base = base_vectors(args.base_index)
    vectors = noisy_copies(base, args.vectors, seed=1)
    queries = noisy_copies(base, args.queries, seed=2)
    np.save(work / "queries.npy", queries)
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    start = time.perf_counter()
    _, truth = flat.search(queries, 10)
    flat_ms = (time.perf_counter() - start) * 1000 / len(queries)
    del flat

    params = faiss_index.default_params("ivfpq", len(vectors), vectors.shape[1])
    rss_before = rss_mib()
    start = time.perf_counter()
    index = faiss_index.build(vectors, "ivfpq", params)
    build_s = time.perf_counter() - start
    path = work / faiss_index.VECTORS_FILE
    faiss_index.write(index, path)
    sweep = {}
    base_index = faiss.downcast_index(index.base_index)
    for nprobe in sorted({params["nprobe"] // 2, params["nprobe"], params["nprobe"] * 2}):
        for k_factor in (4, 8, 16, 32):
            base_index.nprobe, index.k_factor = nprobe, float(k_factor)
            start = time.perf_counter()
            _, ids = index.search(queries, 10)
            batch_ms = (time.perf_counter() - start) * 1000 / len(queries)
            sweep[f"nprobe {nprobe}, k_factor {k_factor}"] = {
                "recall@10": round(recall_at(ids, truth, 10), 3),
                "ms_per_query_batched": round(batch_ms, 3),
            }
    build_rss = rss_mib() - rss_before
    del index
    probes = {}
    root = str(Path(__file__).resolve().parent.parent)
    for mmap in (True, False):
        code = LOAD_PROBE.format(root=root, path=str(path), mmap=mmap, params=params, queries=str(work / "queries.npy"))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
        probes["mmap" if mmap else "read"] = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "base_vectors": len(base),
        "vectors": len(vectors),
        "params": params,
        "build_s": round(build_s, 1),
        "build_rss_growth_mib": round(build_rss),
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "flat_ms_per_query_batched": round(flat_ms, 3),
        "nprobe_sweep": sweep,
        "load": probes,
    }


def corpus_sentences(limit: int) -> list[str]:
    sentences: list[str] = []
    with (PUBLIC_DATA / "scifact" / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            sentences.extend(json.loads(line)["abstract"])
            if len(sentences) >= limit:
                break
    return sentences


def fts_part(args: argparse.Namespace, work: Path) -> dict:
    rng = np.random.default_rng(3)
    sentences = corpus_sentences(50_000)
    claims = [json.loads(line)["claim"] for line in (PUBLIC_DATA / "scifact" / "claims_dev.jsonl").open()][:200]
    conn = store.create(work / store.STORE_FILE)
    start = time.perf_counter()
    batch: list[store.StoredPassage] = []
    for pid in range(args.passages):
        text = " ".join(sentences[i] for i in rng.integers(0, len(sentences), 5)) + f" marker{pid}"
        batch.append(store.StoredPassage(pid, f"doc{pid // 10}", 0, len(text), 0, 0, text))
        if len(batch) == 10_000:
            store.insert_passages(conn, "", batch)
            batch = []
    if batch:
        store.insert_passages(conn, "", batch)
    conn.commit()
    build_s = time.perf_counter() - start
    latencies = []
    for claim in claims:
        begin = time.perf_counter()
        store.lexical_search(conn, claim, 50)
        latencies.append(time.perf_counter() - begin)
    marker = store.lexical_search(conn, f"marker{args.passages // 2}", 1)
    conn.close()
    lat = np.asarray(latencies) * 1000
    return {
        "passages": args.passages,
        "build_s": round(build_s, 1),
        "file_mib": round((work / store.STORE_FILE).stat().st_size / 2**20),
        "query_ms_median": round(float(np.median(lat)), 1),
        "query_ms_p95": round(float(np.percentile(lat, 95)), 1),
        "marker_found": bool(marker and marker[0][0] == args.passages // 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--base-index", type=Path, action="append", default=[], help="index folder, or .npy of its vectors (repeatable)"
    )
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--passages", type=int, default=1_000_000, help="FTS5 passages")
    parser.add_argument("--skip-fts", action="store_true")
    parser.add_argument("--skip-vectors", action="store_true")
    args = parser.parse_args()
    if not args.skip_vectors and not args.base_index:
        parser.error("--base-index is required for the vector part (or pass --skip-vectors)")
    with tempfile.TemporaryDirectory(prefix="factcheck-scale-") as tmp:
        results = {}
        if not args.skip_vectors:
            results["ivfpq"] = vector_part(args, Path(tmp))
        if not args.skip_fts:
            results["fts5"] = fts_part(args, Path(tmp))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
