"""Low-rank adaptation (LoRA, Hu et al. 2021) of a frozen encoder, and the adapter file it ships as.

Each targeted Linear keeps its weight W frozen and learns ``B @ A`` (rank r) scaled by ``alpha / r``;
B starts at zero, so training starts from the base model exactly. Tensors named by ``whole`` (the new
classification head, and the layer norms when asked) are trained and shipped whole. What ships is
``factcheck.verify.adapter``'s format: a few MB instead of the base's 438.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from factcheck.training.errors import TrainingError
from factcheck.verify.adapter import ADAPTER_CONFIG, ADAPTER_WEIGHTS, LORA_A, LORA_B


@dataclass(frozen=True, slots=True)
class LoraSettings:
    rank: int = 16
    alpha: float = 32.0
    # Last parts of the Linear modules' names that get factors (MPNet: attention q, k, v, o and both
    # feed-forward projections, whose module names end in "dense").
    targets: tuple[str, ...] = ("q", "k", "v", "o", "dense")
    # Parameters trained and shipped whole: any whose name contains one of these.
    whole: tuple[str, ...] = ("classifier.",)


class LoraLinear(torch.nn.Module):
    def __init__(self, base: torch.nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.lora_a = torch.nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
        torch.nn.init.kaiming_uniform_(self.lora_a, a=5**0.5)
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale


def add_lora(model: Any, settings: LoraSettings) -> list[str]:
    """Wrap the targeted Linear layers of the encoder in place and freeze all else but ``whole``;
    the wrapped modules' names, in model order."""
    if settings.rank < 1:
        raise TrainingError(f"LoRA rank must be at least 1, got {settings.rank}")
    for name, param in model.named_parameters():
        param.requires_grad_(any(part in name for part in settings.whole))
    wrapped = [
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear)
        and ".encoder." in f".{name}."
        and name.rsplit(".", 1)[-1] in settings.targets
    ]
    if not wrapped:
        raise TrainingError(f"no Linear layer of the encoder ends in {', '.join(settings.targets)}: fix lora targets")
    for name in wrapped:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoraLinear(getattr(parent, child), settings.rank, settings.alpha))
    inside = [n for n, p in model.named_parameters() if p.requires_grad and ".base." in n]
    if inside:
        raise TrainingError(f"lora whole names {inside[0]}, a tensor of an adapted layer: train it low-rank or not")
    return wrapped


def adapter_tensors(model: Any) -> dict[str, torch.Tensor]:
    """What ships: per wrapped layer A and scale * B (names without the wrapper), and every whole tensor."""
    out: dict[str, torch.Tensor] = {}
    for name, module in model.named_modules():
        if isinstance(module, LoraLinear):
            out[name + LORA_A] = module.lora_a.detach().float().cpu().contiguous()
            out[name + LORA_B] = (module.lora_b.detach().float() * module.scale).cpu().contiguous()
    for name, param in model.named_parameters():
        if param.requires_grad and not name.endswith((LORA_A, LORA_B)):
            out[name] = param.detach().float().cpu().contiguous()
    return out


def save_adapter(model: Any, folder: Path, spec: dict[str, Any]) -> None:
    """``adapter.safetensors``, ``adapter.json`` (``spec``: base, its weights' hash, max_length...) and the
    classifier's ``config.json`` with the label map."""
    from safetensors.torch import save_file

    save_file(adapter_tensors(model), str(folder / ADAPTER_WEIGHTS))
    (folder / ADAPTER_CONFIG).write_text(json.dumps(spec, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    model.config.save_pretrained(folder)
