"""Build an index on a Ray cluster: Ray Data reads and chunks the files, a pool of embedder actors
(one model load each) embeds the passages, and the driver writes the index with the same code as a
local build (evidence.build.write_and_swap: work folder, write lock, manifest, atomic swap).

Every worker imports this package, so the cluster's Python environment must have factcheck
installed (or the repository on its PYTHONPATH) and the embedding model package.
"""

from __future__ import annotations

import importlib
import logging
import pickle
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.build import EMBED_BATCH, Progress
from evidence.chunk import ChunkedDocument, Chunker
from evidence.engines import ClusterSettings, EngineFailed, connected, worker_count
from evidence.readers import document_order, read_file, scan_corpus
from evidence.types import Document, ReadFailure

if TYPE_CHECKING:
    import numpy as np

    from evidence.embed import Embedder

# Files per read task: small enough to spread a corpus of a few hundred files over every worker.
FILES_PER_TASK = 16


def _read_and_chunk(batch: dict[str, Any], passage_words: int) -> dict[str, Any]:
    """Ray Data task: read and chunk a batch of files; one pickled (documents, chunks, failures) per file."""
    import numpy as np

    chunker = Chunker(passage_words)
    payloads = []
    for path, rel in zip(batch["path"], batch["rel"], strict=True):
        documents, failures = read_file(Path(path), str(rel))
        payloads.append(pickle.dumps((documents, [chunker.chunk(doc) for doc in documents], failures)))
    return {"order": batch["order"], "payload": np.array(payloads, dtype=object)}


def embed_actor(make_embedder: Callable[[], Embedder]) -> type:
    """An actor class that loads one embedding model per actor process and reuses it for every batch.

    The factory travels inside the class, not as a constructor argument, so that Ray can restart a
    lost actor without needing an object that may have gone from the object store.
    """

    class EmbedActor:
        def __init__(self) -> None:
            self.embedder = make_embedder()

        def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
            return {"row": batch["row"], "vector": self.embedder.encode_documents(list(batch["text"]))}

    return EmbedActor


class RayEngine:
    """A BuildEngine (evidence.build) that spreads reading, chunking and embedding over a Ray cluster."""

    def __init__(self, ray: Any, make_embedder: Callable[[], Embedder], dimension: int, workers: int) -> None:
        self._ray = ray
        self._make_embedder = make_embedder
        self._dimension = dimension
        self.workers = workers

    def _batches(self, dataset: Any, stage: str) -> Iterator[dict[str, Any]]:
        """The dataset's result batches; an EngineFailed, naming the stage, if the cluster gives up on it.

        Ray retries what a lost worker was doing; what reaches here is a failure Ray would not or could not
        retry (an error in the work itself, a node gone for good), and a traceback would bury its cause.
        """
        system_error = importlib.import_module("ray.data.exceptions").SystemException
        try:
            yield from dataset.iter_batches(batch_format="numpy", batch_size=None)
        except (self._ray.exceptions.RayError, system_error) as exc:
            reason = (str(exc).strip().splitlines() or [""])[-1].strip()[:300]
            raise EngineFailed(
                f"the Ray cluster failed while {stage} ({type(exc).__name__}: {reason}); nothing was written to "
                "the index: see the worker logs (`ray logs`, or /tmp/ray/session_latest/logs on each node), "
                "fix the cause and build again"
            ) from None

    def read_and_chunk(
        self, corpus_dir: Path, chunker: Chunker, follow_symlinks: bool, progress: Progress | None
    ) -> tuple[Sequence[Document], Sequence[ChunkedDocument], Sequence[ReadFailure]]:
        files, skipped = scan_corpus(corpus_dir, follow_symlinks=follow_symlinks)
        if not files:
            return (), [], skipped
        items = [{"order": i, "path": str(p), "rel": p.relative_to(corpus_dir).as_posix()} for i, p in enumerate(files)]
        dataset = self._ray.data.from_items(items).map_batches(
            _read_and_chunk, fn_kwargs={"passage_words": chunker.passage_words}, batch_size=FILES_PER_TASK
        )
        per_file: dict[int, tuple] = {}
        for batch in self._batches(dataset, "reading the corpus"):
            for order, payload in zip(batch["order"], batch["payload"], strict=True):
                per_file[int(order)] = pickle.loads(payload)
            if progress is not None:
                progress("read", len(per_file), len(files))
        documents: list[Document] = []
        chunks: dict[str, ChunkedDocument] = {}
        failures = list(skipped)
        for order in range(len(files)):
            docs, chunked, fails = per_file[order]
            documents.extend(docs)
            chunks.update((doc.id, c) for doc, c in zip(docs, chunked, strict=True))
            failures.extend(fails)
        documents.sort(key=document_order)
        return documents, [chunks[doc.id] for doc in documents], failures

    def embed(self, texts: Sequence[str], progress: Progress | None) -> np.ndarray:
        import numpy as np

        # Shortest first, as a local build does, so each batch pads to about its own texts' length.
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), texts[i]))
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        if not texts:
            return out
        dataset = self._ray.data.from_items([{"row": i, "text": texts[i]} for i in order]).map_batches(
            embed_actor(self._make_embedder),
            batch_size=EMBED_BATCH,
            compute=self._ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=1,
        )
        done = 0
        for batch in self._batches(dataset, "embedding the passages"):
            out[batch["row"]] = batch["vector"]
            done += len(batch["row"])
            if progress is not None:
                progress("embed", done, len(texts))
        return out


@contextmanager
def ray_engine(settings: ClusterSettings, make_embedder: Callable[[], Embedder], dimension: int) -> Iterator[RayEngine]:
    """A RayEngine connected to the cluster for the duration of the block (a local Ray if no address)."""
    with connected(settings) as ray:
        # ``import ray`` alone does not load Ray Data; its per-dataset log lines would bury ours.
        importlib.import_module("ray.data").DataContext.get_current().enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        yield RayEngine(ray, make_embedder, dimension, worker_count(ray, settings))
