"""An index built on a real two-node Ray cluster is the index a local build gives."""

from __future__ import annotations

import hashlib
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
from evidence.engines import ClusterSettings, EngineFailed
from evidence.lock import lock_path

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


def max_cosine_difference(a: np.ndarray, b: np.ndarray) -> float:
    """The largest 1 - cosine between the same row of two sets of unit vectors."""
    return float(np.max(1 - np.sum(a * b, axis=1)))


def top_ten(index_dir: Path, embedder, claims: list[str]) -> list[list[int]]:
    with open_index(index_dir, embedder) as index:
        return [[e.passage_id for e in hits] for hits in index.search(claims, k=10)]


def assert_same_index(local: Path, ray: Path, embedder, claims: list[str]) -> None:
    assert rows(ray) == rows(local)
    a, b = vectors(local), vectors(ray)
    assert a.shape == b.shape
    assert max_cosine_difference(a, b) <= 1e-5
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
    # The first N SciFact abstracts; N from SCIFACT_SLICE_DOCS (300 keeps `make test-data` short; the
    # figures in docs/scaling.md are for 2000). Prints the figures it measures, shown with `pytest -s`.
    docs = int(os.environ.get("SCIFACT_SLICE_DOCS", "300"))
    corpus = tmp_path / "scifact"
    corpus.mkdir()
    lines = (public_data / "scifact" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert 0 < docs <= len(lines), f"SCIFACT_SLICE_DOCS must be 1..{len(lines)}"
    (corpus / "corpus.jsonl").write_text("\n".join(lines[:docs]) + "\n", encoding="utf-8")
    claims = [json.loads(line)["claim"] for line in (public_data / "scifact" / "claims_dev.jsonl").open()]
    seconds = {}
    # Ray first: the cluster is needed for the shortest time.
    for engine, build in (("ray", partial(ray_build, address=ray_cluster)), ("local", build_index)):
        start = time.perf_counter()
        built = build(corpus, tmp_path / engine, embedder)
        seconds[engine] = round(time.perf_counter() - start, 1)
    local_top, ray_top = (top_ten(tmp_path / engine, embedder, claims) for engine in ("local", "ray"))
    figures = {
        "documents": built.manifest.documents,
        "passages": built.manifest.passages,
        "build_seconds": seconds,
        "max_cosine_difference": max_cosine_difference(vectors(tmp_path / "local"), vectors(tmp_path / "ray")),
        "claims_with_the_same_top10": f"{sum(a == b for a, b in zip(local_top, ray_top, strict=True))}/{len(claims)}",
    }
    print("ray vs local:", json.dumps(figures))
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


ETA_LINE = re.compile(r"factcheck: (read|embed) \d+/\d+ \(\d+%\), [\d.]+/s, ETA \d+:\d\d")
PROGRESS_LINE = re.compile(r"factcheck: (read|embed|write) \d+/\d+( .*)?")


def _cli(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "factcheck"), *args]


def _cli_env() -> dict[str, str]:
    """Read when a command runs, after the cluster fixture has set Ray's variables. The project comes from this
    checkout, and a progress line is written for every batch, so that the ETA shows however fast the build goes."""
    return {**os.environ, "PYTHONPATH": str(REPO), "FACTCHECK_LOG_INTERVAL": "0"}


def _state(index_dir: Path, embedder) -> dict[str, object]:
    """Everything a user sees of an index: `index info`, top-10 searches, the files byte for byte, and what is
    beside it (a work folder left behind, a lock still naming a writer)."""
    info = subprocess.run(_cli("index", "info", str(index_dir)), env=_cli_env(), capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    return {
        "info": info.stdout,
        "top10": top_ten(index_dir, embedder, CLAIMS),
        "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(index_dir.iterdir())},
        "beside": sorted(p.name for p in index_dir.parent.glob(f".{index_dir.name}.*") if p.suffix != ".lock"),
        "lock": lock_path(index_dir).read_text() if lock_path(index_dir).exists() else "",
    }


def test_a_worker_killed_mid_build_into_an_existing_index_leaves_a_whole_index(
    ray_cluster: str, embedder, tmp_path: Path
) -> None:
    # 300 one-passage files: two batches for the two workers; few enough that the build and the local one it is
    # compared with stay within about a minute on 2 shared cores.
    files = {f"notes/{i:03d}.txt": f"{text} Entry {i}." for i, text in enumerate(list(NOTES.values()) * 30)}
    corpus = write_corpus(tmp_path / "corpus", files)
    out = tmp_path / "index"
    build_index(write_corpus(tmp_path / "old", ARTICLES), out, embedder)
    before = _state(out, embedder)
    build = subprocess.Popen(
        _cli("index", "build", str(corpus), "--out", str(out), "--engine", "ray", "--address", ray_cluster,
             "--workers", "2"),
        env=_cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        killed = None
        deadline = time.monotonic() + 60
        # Killed as soon as it exists: it is still loading its model or embedding its first batch, so none of its
        # work can have reached the driver, and every batch it was given must be done again elsewhere or fail.
        while killed is None and build.poll() is None and time.monotonic() < deadline:
            workers = _embed_workers()
            if workers:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)
            time.sleep(0.1)
        _, stderr = build.communicate(timeout=max(5.0, deadline + 30 - time.monotonic()))
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert killed is not None, "the build finished before an embedding worker could be killed"
    print(f"embedding worker {killed} killed; the build exited {build.returncode}")
    after = _state(out, embedder)
    assert after["beside"] == [] and after["lock"] == "", "the build left a work folder or a held lock"
    if build.returncode == 0:
        # Ray replaced the worker and redid its batches: the new index is a whole one, equal to a local build.
        assert ETA_LINE.search(stderr), stderr
        build_index(corpus, tmp_path / "local", embedder)
        assert_same_index(tmp_path / "local", out, embedder, CLAIMS)
        assert after["info"] != before["info"]
    else:
        # Ray gave up: one line saying so, exit 2, and the previous index exactly as it was.
        errors = [line for line in stderr.splitlines() if not PROGRESS_LINE.fullmatch(line)]
        assert build.returncode == 2 and len(errors) == 1 and errors[0].startswith("factcheck: error: "), stderr
        assert after == before


def test_a_build_the_cluster_cannot_finish_is_one_error_and_the_index_stays(
    ray_cluster: str, embedder, tmp_path: Path
) -> None:
    # Workers that cannot load the model (a node without the model package): Ray gives up on the pool, and the
    # build must say so in one error, not a traceback, before it writes anything.
    from evidence.engines.ray_build import ray_engine

    out = tmp_path / "index"
    build_index(write_corpus(tmp_path / "old", ARTICLES), out, embedder)
    before = _state(out, embedder)
    make = partial(SentenceTransformerEmbedder, str(tmp_path / "no-model-here"))
    corpus = write_corpus(tmp_path / "corpus", NOTES)
    with (
        ray_engine(ClusterSettings(ray_cluster, 2), make, embedder.dimension) as engine,
        pytest.raises(EngineFailed) as failed,
    ):
        build_index(corpus, out, embedder, BuildOptions(engine=engine))
    message = str(failed.value)
    print(message)
    assert "\n" not in message and message.startswith("the Ray cluster failed while embedding the passages ("), message
    assert "no-model-here" in message, message
    assert _state(out, embedder) == before
