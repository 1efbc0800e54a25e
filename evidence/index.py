"""The faiss half of an index: one vector per passage, row number = passage id, inner product.

Exact search (IndexFlatIP) is the default. Large corpora, or a caller who asks, get an
approximate index: IVF (inverted lists over k-means cells), HNSW (a proximity graph) or, for the
largest, IVF-PQ (evidence.ivf: compressed codes, re-ranked against 8-bit copies of the vectors);
the parameters they were built with are kept in the manifest.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

VECTORS_FILE = "vectors.faiss"
KINDS = ("flat", "ivf", "hnsw", "ivfpq")
FAISS_NAMES = {"flat": "IndexFlatIP", "ivf": "IndexIVFFlat", "hnsw": "IndexHNSWFlat", "ivfpq": "IndexRefine"}
# The four bytes faiss writes first for each index class: enough to tell the file's class without reading it.
FAISS_MAGIC = {"IndexFlatIP": b"IxFI", "IndexIVFFlat": b"IwFl", "IndexHNSWFlat": b"IHNf", "IndexRefine": b"IxRF"}
# Exact search stays fast enough below this many passages (a few ms per query batch row).
APPROXIMATE_ABOVE = 200_000
# Above this many passages full-precision vectors (1.5 KB each) no longer fit a typical machine's RAM.
COMPRESSED_ABOVE = 2_000_000
# Files larger than this are memory-mapped rather than read into RAM.
MMAP_ABOVE_BYTES = 256 * 1024 * 1024


def choose_kind(kind: str, passages: int) -> str:
    if kind == "auto":
        if passages > COMPRESSED_ABOVE:
            return "ivfpq"
        return "ivf" if passages > APPROXIMATE_ABOVE else "flat"
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}: use one of auto, {', '.join(KINDS)}")
    return kind


def default_params(kind: str, passages: int, dimension: int = 384) -> dict[str, int]:
    if kind == "ivfpq":
        from evidence import ivf

        return ivf.default_params(passages, dimension)
    if kind == "ivf":
        # About 4*sqrt(n) cells; faiss wants at least ~39 training points per cell.
        nlist = max(1, min(int(4 * math.sqrt(passages)), passages // 39 or 1))
        return {"nlist": nlist, "nprobe": min(nlist, max(8, nlist // 16))}
    if kind == "hnsw":
        return {"M": 32, "ef_construction": 80, "ef_search": 96}
    return {}


def build(vectors: np.ndarray, kind: str, params: dict[str, int]) -> Any:
    """A faiss index holding ``vectors`` (float32, normalised) in row order."""
    import faiss
    import numpy as np

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    if kind == "ivfpq":
        from evidence import ivf

        return ivf.build(vectors, params)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "ivf":
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, params["nlist"], faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, params["M"], faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = params["ef_construction"]
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    index.add(vectors)
    if kind == "ivf":
        # The direct map lets a stored vector be read back by id (for scores and updates).
        index.make_direct_map()
    apply_params(index, kind, params)
    return index


def apply_params(index: Any, kind: str, params: dict[str, int]) -> None:
    if kind == "ivfpq":
        from evidence import ivf

        ivf.apply_params(index, params)
    elif kind == "ivf":
        index.nprobe = params.get("nprobe", 1)
    elif kind == "hnsw":
        index.hnsw.efSearch = params.get("ef_search", 64)


def write(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def file_class(path: Path) -> str:
    """The faiss index class a vectors file holds, from its first four bytes ("" when unknown)."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
    return next((name for name, code in FAISS_MAGIC.items() if code == magic), "")


def read(path: Path, *, mmap: bool | None = None) -> Any:
    """Load a faiss file; raises RuntimeError (from faiss) when it is damaged."""
    import faiss

    if mmap is None:
        mmap = path.stat().st_size > MMAP_ABOVE_BYTES
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
    return faiss.read_index(str(path), flags)


def search(index: Any, queries: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, ids) of shape (n, limit'), ids -1 where fewer results exist."""
    limit = max(1, min(limit, index.ntotal))
    return index.search(queries, limit)


def vectors_of(index: Any, ids: list[int] | range) -> np.ndarray:
    import numpy as np

    if len(ids) == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_batch(np.asarray(list(ids), dtype=np.int64))
