"""Embedding throughput of `--engine ray` with 1 and 2 workers, against a local build, on this machine.

    .venv/bin/python bench/ray_scale.py --docs 200            # SciFact abstracts from $PUBLIC_DATA
    .venv/bin/python bench/ray_scale.py --address auto        # on a running cluster instead of a local Ray

Each run embeds the passages of the first ``--docs`` SciFact abstracts; the time includes starting
the actors and loading one model per actor, as a build pays it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence.build import embed_in_batches, passage_input
from evidence.chunk import Chunker
from evidence.embed import SentenceTransformerEmbedder
from evidence.engines import ClusterSettings
from evidence.engines.ray_build import ray_engine
from evidence.readers import read_corpus

PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", "../shared/data"))


def passages(docs: int) -> list[str]:
    lines = (PUBLIC_DATA / "scifact" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:docs]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        corpus = read_corpus(Path(tmp))
    chunker = Chunker()
    return [passage_input(d.title, p.text) for d in corpus.documents for p in chunker.chunk(d).passages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--address", default=None, help="Ray cluster address (default: a local Ray with 2 CPUs)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    texts = passages(args.docs)
    embedder = SentenceTransformerEmbedder()
    results: dict[str, dict[str, float]] = {}

    start = time.perf_counter()
    embed_in_batches(SentenceTransformerEmbedder(), texts, None)
    results["local"] = {"seconds": time.perf_counter() - start}
    for workers in args.workers:
        make = partial(SentenceTransformerEmbedder, str(embedder.model_path))
        with ray_engine(ClusterSettings(args.address), make, embedder.dimension) as engine:
            engine.workers = workers
            start = time.perf_counter()
            engine.embed(texts, None)
            results[f"ray {workers}"] = {"seconds": time.perf_counter() - start}
    for run in results.values():
        run["passages_per_s"] = round(len(texts) / run["seconds"], 1)
        run["seconds"] = round(run["seconds"], 1)
    one = results[f"ray {args.workers[0]}"]["passages_per_s"] / args.workers[0]
    for workers in args.workers:
        results[f"ray {workers}"]["per_worker_efficiency"] = round(
            results[f"ray {workers}"]["passages_per_s"] / workers / one, 2
        )
    print(json.dumps({"passages": len(texts), **results}, indent=2))


if __name__ == "__main__":
    main()
