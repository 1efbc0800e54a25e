"""The ONNX Runtime path: a BERT-style model folder exported once to an fp32 ``.onnx`` file, then run
without torch.

Importing torch takes seconds; onnxruntime a fraction of one, and it runs these small encoders faster
on CPU. The export itself needs torch and the ``onnx`` package and runs once per model weights: the
file is kept under the cache folder, named by the weights' hash, and written to a temporary name and
renamed, so a crash never leaves half a model. fp32 keeps the outputs within float rounding of the torch
path (bench/perf.py --accuracy prints the differences).

Install with ``pip install 'factcheck-kit[onnx]'``.
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.errors import ModelNotFound
from evidence.offline import offline

if TYPE_CHECKING:
    import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Tokens per ONNX Runtime call (rows times the longest row). Small calls keep each layer's activations in
# the CPU's caches: on 2 cores, 300 SciFact abstracts of about 240 tokens embed at 65 a second in calls of
# about 512 tokens against 46 in batches of 64 rows, sentences of 60 tokens at 262 against 225, with the
# same vectors (bench/perf.py prints the indexing rate).
TOKENS_PER_CALL = 512
_INSTALL = "pip install 'factcheck-kit[onnx]' (or set runtime to torch)"


def require_onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError:
        raise ModelNotFound(f"the onnx runtime is not installed: {_INSTALL}") from None
    return onnxruntime


def exported(
    model_dir: Path, weights_hash: str, cache_dir: Path, *, head: bool, load: Callable[[], Any] | None = None
) -> Path:
    """The ``.onnx`` file of ``model_dir``, exported on first use. ``head`` keeps the classifier (logits)
    rather than the encoder's last hidden state. ``load`` builds the torch model when the folder is not a
    plain transformers model (an adapter merged into its base); ``weights_hash`` must then cover both."""
    kind = "logits" if head else "hidden"
    path = cache_dir / "onnx" / f"{model_dir.name}-{weights_hash}-{kind}.onnx"
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        _export(model_dir, partial, head=head, load=load)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _export(model_dir: Path, out: Path, *, head: bool, load: Callable[[], Any] | None) -> None:
    offline()
    try:
        import onnx  # noqa: F401  (torch's exporter writes through it)
        import torch
        from transformers import AutoModel, AutoModelForSequenceClassification
    except ImportError:
        raise ModelNotFound(f"exporting a model to ONNX needs torch and onnx: {_INSTALL}") from None

    if load is None:
        loader = AutoModelForSequenceClassification if head else AutoModel
        model = loader.from_pretrained(
            model_dir, dtype=torch.float32, local_files_only=True, attn_implementation="eager"
        )
    else:
        model = load()
        # Eager attention, as the plain folders are exported: it traces to plain ONNX operators.
        model.set_attn_implementation("eager")
    model.eval()
    # Models without segment embeddings (MPNet) take no token_type_ids: the graph then has two inputs.
    names = [n for n in INPUTS if n in inspect.signature(model.forward).parameters]

    class Outputs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: Any) -> Any:
            result = self.model(**dict(zip(names, inputs, strict=True)))
            return result.logits if head else result.last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.long)
    samples = tuple(torch.zeros_like(sample) if n == "token_type_ids" else sample for n in names)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        # The tracer warns about Python branches on shapes; they do not depend on the batch here.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Outputs(), samples, str(out), input_names=names, output_names=["output"],
            dynamic_axes={name: axes for name in (*names, "output")}, opset_version=17, dynamo=False,
        )


def session(path: Path) -> Any:
    ort = require_onnxruntime()
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def tokenizer(model_dir: Path, max_length: int) -> Any:
    """The model's fast tokenizer from ``tokenizer.json``, without padding, truncating at ``max_length``."""
    from tokenizers import Tokenizer

    path = model_dir / "tokenizer.json"
    if not path.is_file():
        raise ModelNotFound(f"{model_dir} has no tokenizer.json, which the onnx runtime needs: set runtime to torch")
    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.enable_truncation(max_length, strategy="longest_first")
    return tok


def pad_id(model_dir: Path, tok: Any) -> int:
    """The id of the padding token named in the folder's ``tokenizer_config.json`` ("[PAD]" when it names none)."""
    import json

    config_path = model_dir / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    name = config.get("pad_token") or "[PAD]"
    name = name.get("content", "[PAD]") if isinstance(name, dict) else str(name)
    found = tok.token_to_id(name)
    return int(found) if found is not None else 0


def token_batches(lengths: Sequence[int], max_rows: int, budget: int = TOKENS_PER_CALL) -> list[range]:
    """Consecutive row ranges of ``lengths`` (token counts, shortest first) for one call each: as many rows
    as fit ``budget`` padded tokens, at most ``max_rows``, and never fewer than one."""
    batches: list[range] = []
    start = 0
    while start < len(lengths):
        end, width = start + 1, lengths[start]
        while end < len(lengths) and end - start < max_rows:
            wider = max(width, lengths[end])
            if (end - start + 1) * wider > budget:
                break
            end, width = end + 1, wider
        batches.append(range(start, end))
        start = end
    return batches


def padded(encodings: Sequence[tuple[Sequence[int], Sequence[int]]], pad_id: int) -> dict[str, np.ndarray]:
    """One batch of (token ids, token type ids) as right-padded int64 arrays: a BERT model's inputs."""
    import numpy as np

    width = max(len(ids) for ids, _ in encodings)
    input_ids = np.full((len(encodings), width), pad_id, dtype=np.int64)
    types = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, (ids, type_ids) in enumerate(encodings):
        n = len(ids)
        input_ids[row, :n], types[row, :n], mask[row, :n] = ids, type_ids, 1
    return {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": types}
