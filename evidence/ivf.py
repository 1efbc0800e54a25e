"""IVF-PQ: the vector index for corpora too large to keep every vector in RAM.

Each passage vector is stored twice, both compressed: a product-quantised code (``m`` bytes at
``nbits`` = 8) in the inverted list of its k-means cell, and an 8-bit scalar-quantised copy (one
byte per dimension). A search scans the ``nprobe`` nearest cells by PQ code for ``k_factor`` x
``limit`` candidates and re-ranks them with the 8-bit copies, which restores nearly exact order
(PQ alone ranks close neighbours poorly). Per passage that is 48 + 384 bytes plus an 8-byte id
for MiniLM, instead of 1,536 bytes of float32.

Training (the k-means cells, the PQ codebooks, the 8-bit ranges) sees a sample of ``train_size``
vectors drawn with ``seed``, so the same vectors and parameters give the same index. All these
parameters are kept in the manifest; an update re-trains with them on the new contents, so an
updated index is laid out like a fresh build of the same passages.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from evidence.errors import IndexStoreError

if TYPE_CHECKING:
    import numpy as np

# k-means wants at least this many training points per cell (faiss warns below it).
POINTS_PER_CELL = 39
TRAIN_SIZE = 100_000
SEED = 1234
PARAM_NAMES = ("nlist", "m", "nbits", "nprobe", "k_factor", "train_size", "seed")


def _sub_quantizers(dimension: int) -> int:
    """About 8 dimensions per PQ sub-vector (48 for 384), a divisor of the dimension as faiss requires."""
    target = max(1, dimension // 8)
    return max(m for m in range(1, target + 1) if dimension % m == 0)


def default_params(passages: int, dimension: int) -> dict[str, int]:
    train_size = min(passages, TRAIN_SIZE)
    nlist = max(1, min(int(4 * math.sqrt(passages)), train_size // POINTS_PER_CELL or 1))
    return {
        "nlist": nlist,
        "m": _sub_quantizers(dimension),
        "nbits": 8,
        "nprobe": min(nlist, max(16, nlist // 32)),
        "k_factor": 16,
        "train_size": train_size,
        "seed": SEED,
    }


def _check(params: dict[str, int], passages: int, dimension: int) -> None:
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise ValueError(f"ivfpq needs the parameter(s) {', '.join(missing)}")
    if dimension % params["m"]:
        raise ValueError(f"ivfpq: m={params['m']} must divide the dimension {dimension}")
    # PQ codebooks have 2**nbits centroids per sub-quantizer and need enough points to train them.
    needed = max(params["nlist"], 2 ** params["nbits"])
    if min(passages, params["train_size"]) < needed:
        raise IndexStoreError(
            f"ivfpq needs at least {needed} passages to train (nlist={params['nlist']}, nbits={params['nbits']}); "
            f"this index has {passages}: use --index-type flat or ivf"
        )


def train_sample(vectors: np.ndarray, size: int, seed: int) -> np.ndarray:
    """A seeded sample of rows, in row order (the same vectors give the same sample)."""
    import numpy as np

    if size >= len(vectors):
        return vectors
    rows = np.sort(np.random.default_rng(seed).choice(len(vectors), size=size, replace=False))
    return vectors[rows]


def build(vectors: np.ndarray, params: dict[str, int]) -> Any:
    """An IndexRefine(IndexIVFPQ, 8-bit IndexScalarQuantizer) holding ``vectors`` in row order."""
    import faiss

    passages, dim = vectors.shape
    _check(params, passages, dim)
    quantizer = faiss.IndexFlatIP(dim)
    coarse = faiss.IndexIVFPQ(quantizer, dim, params["nlist"], params["m"], params["nbits"], faiss.METRIC_INNER_PRODUCT)
    coarse.cp.seed = params["seed"]
    coarse.pq.cp.seed = params["seed"]
    exact = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    index = faiss.IndexRefine(coarse, exact)
    index.train(train_sample(vectors, params["train_size"], params["seed"]))
    index.add(vectors)
    apply_params(index, params)
    return index


def apply_params(index: Any, params: dict[str, int]) -> None:
    import faiss

    faiss.downcast_index(index.base_index).nprobe = params.get("nprobe", 1)
    index.k_factor = float(params.get("k_factor", 1))
