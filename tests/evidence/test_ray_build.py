"""An index built on a real two-node Ray cluster is the index a local build gives."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from evidence_corpora import ARTICLES, NOTES, write_corpus

from evidence import BuildOptions, build_index, open_index
from evidence import index as faiss_index
from evidence.embed import SentenceTransformerEmbedder
from evidence.engines import ClusterSettings

pytestmark = pytest.mark.ray

REPO = Path(__file__).resolve().parents[2]
DEMO_CORPUS = REPO / "factcheck" / "demo" / "corpus"
CLAIMS = [
    "The Hubble Space Telescope was launched in 1990.",
    "Webb observes in the infrared.",
    "The Eiffel Tower was completed in 1889.",
    "Invoice 80056 was paid to Nakamura.",
    "Kepler found thousands of exoplanets.",
]


def rows(index_dir: Path) -> dict[str, list]:
    conn = sqlite3.connect(index_dir / "store.sqlite")
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("documents", "passages", "sentences")
        } | {"fts": conn.execute("SELECT rowid, title, text FROM passages_fts ORDER BY rowid").fetchall()}
    finally:
        conn.close()


def vectors(index_dir: Path) -> np.ndarray:
    index = faiss_index.read(index_dir / faiss_index.VECTORS_FILE, mmap=False)
    return faiss_index.vectors_of(index, range(index.ntotal))


def top_ten(index_dir: Path, embedder, claims: list[str]) -> list[list[int]]:
    with open_index(index_dir, embedder) as index:
        return [[e.passage_id for e in hits] for hits in index.search(claims, k=10)]


def assert_same_index(local: Path, ray: Path, embedder, claims: list[str]) -> None:
    assert rows(ray) == rows(local)
    a, b = vectors(local), vectors(ray)
    assert a.shape == b.shape
    assert float(np.min(np.sum(a * b, axis=1))) >= 1 - 1e-5
    manifests = [json.loads((path / "manifest.json").read_text()) for path in (local, ray)]
    for manifest in manifests:
        del manifest["vectors_sha256"], manifest["vectors_bytes"]
    assert manifests[0] == manifests[1]
    assert top_ten(ray, embedder, claims) == top_ten(local, embedder, claims)


def ray_build(corpus: Path, out: Path, embedder, address: str, workers: int = 2):
    from evidence.engines.ray_build import ray_engine

    make = partial(SentenceTransformerEmbedder, str(embedder.model_path))
    with ray_engine(ClusterSettings(address, workers), make, embedder.dimension) as engine:
        return build_index(corpus, out, embedder, BuildOptions(engine=engine))


def test_ray_build_gives_the_local_index(ray_cluster: str, embedder, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {**NOTES, **ARTICLES})
    shutil.copytree(DEMO_CORPUS, corpus / "demo")
    (corpus / "broken.pdf").write_bytes(b"not a pdf")
    local = build_index(corpus, tmp_path / "local", embedder)
    remote = ray_build(corpus, tmp_path / "ray", embedder, ray_cluster)
    assert remote.failures == local.failures and [f.path for f in local.failures] == ["broken.pdf"]
    assert remote.manifest.passages == local.manifest.passages >= 19
    assert_same_index(tmp_path / "local", tmp_path / "ray", embedder, CLAIMS)


@pytest.mark.data
def test_ray_build_of_a_scifact_slice_gives_the_local_index(
    ray_cluster: str, embedder, public_data: Path, tmp_path: Path
) -> None:
    corpus = tmp_path / "scifact"
    corpus.mkdir()
    lines = (public_data / "scifact" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    (corpus / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    claims = [json.loads(line)["claim"] for line in (public_data / "scifact" / "claims_dev.jsonl").open()]
    build_index(corpus, tmp_path / "local", embedder)
    ray_build(corpus, tmp_path / "ray", embedder, ray_cluster)
    assert_same_index(tmp_path / "local", tmp_path / "ray", embedder, claims)


def _embed_workers() -> list[int]:
    """Process ids of the Ray actors that embed (Ray titles each actor process with its class)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().split(b"\0")[0]
            except OSError:
                continue
            if title.startswith(b"ray::MapWorker(MapBatches(EmbedActor))"):
                found.append(int(entry.name))
    return found


def test_a_worker_killed_mid_build_is_replaced_and_the_index_is_complete(
    ray_cluster: str, embedder, tmp_path: Path
) -> None:
    # Enough passages that embedding outlasts the kill by many batches.
    files = {f"notes/{i:03d}.txt": f"{text} Entry {i}." for i, text in enumerate(list(NOTES.values()) * 30)}
    corpus = write_corpus(tmp_path / "corpus", files)
    out = tmp_path / "index"
    build_index(write_corpus(tmp_path / "old", ARTICLES), out, embedder)
    before = rows(out)
    # A progress line for every batch that comes back from the cluster, so that the ETA shows however fast it goes.
    env = {**os.environ, "PYTHONPATH": str(REPO), "FACTCHECK_LOG_INTERVAL": "0"}
    command = [str(Path(sys.executable).parent / "factcheck"), "index", "build", str(corpus), "--out", str(out)]
    build = subprocess.Popen(
        [*command, "--engine", "ray", "--address", ray_cluster, "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed = None
    deadline = time.monotonic() + 300
    # Killed as soon as it exists: it is still loading its model or embedding its first batch, so none of its
    # work can have reached the driver, and every batch it was given must be done again elsewhere.
    while killed is None and build.poll() is None and time.monotonic() < deadline:
        workers = _embed_workers()
        if workers:
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.2)
    _, stderr = build.communicate(timeout=600)
    assert killed is not None, "the build finished before an embedding worker could be killed"
    assert build.returncode == 0, stderr
    assert re.search(r"factcheck: (read|embed) \d+/\d+ \(\d+%\), [\d.]+/s, ETA \d+:\d\d", stderr), stderr
    assert rows(out) != before
    build_index(corpus, tmp_path / "local", embedder)
    assert rows(out) == rows(tmp_path / "local")
    assert float(np.min(np.sum(vectors(out) * vectors(tmp_path / "local"), axis=1))) >= 1 - 1e-5
