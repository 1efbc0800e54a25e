"""Speed of the verifier on a base encoder: training and inference pairs/s, and peak memory.

    .venv/bin/python bench/base_speed.py [--base mpnet|FOLDER] [--threads 2] [--device cpu|cuda] [--json OUT]

Times the recipe's LoRA training step (batch 16; on CPU also a full fine-tune's, for comparison), fp32
inference (batches 16 and 32) and, on CPU, dynamic int8 inference, on pairs of exactly --tokens tokens (the
recipe's truncation length: an upper bound, real pairs are shorter), after one warm-up batch each. Prints one
line per figure; --json also writes them.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from factcheck.training.base_train import BASES, base_folder_of, read_recipe  # noqa: E402
from factcheck.training.loop import load_model  # noqa: E402
from factcheck.training.lora import add_lora  # noqa: E402


def batch(size: int, tokens: int, vocab: int, device: Any) -> dict[str, Any]:
    import torch

    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, vocab - 10, (size, tokens), generator=generator)
    return {"input_ids": ids.to(device), "attention_mask": torch.ones_like(ids).to(device)}


def train_rate(model: Any, size: int, tokens: int, steps: int, device: Any) -> tuple[float, float]:
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    inputs, labels = batch(size, tokens, model.config.vocab_size, device), torch.zeros(size, dtype=torch.long)
    labels = labels.to(device)
    model.train()
    for step in range(steps + 1):
        if step == 1:  # the first step pays for allocation and kernel choice
            _sync(device)
            started, cpu = time.perf_counter(), time.process_time()
        model(**inputs, labels=labels).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    _sync(device)
    return size * steps / (time.perf_counter() - started), size * steps / (time.process_time() - cpu)


def infer_rate(model: Any, size: int, tokens: int, batches: int, device: Any) -> tuple[float, float]:
    import torch

    inputs = batch(size, tokens, model.config.vocab_size, device)
    model.eval()
    with torch.inference_mode():
        model(**inputs)
        _sync(device)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(batches):
            model(**inputs)
        _sync(device)
    return size * batches / (time.perf_counter() - started), size * batches / (time.process_time() - cpu)


def _sync(device: Any) -> None:
    import torch

    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def main() -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="mpnet")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--steps", type=int, default=3, help="timed training steps (after one warm-up)")
    parser.add_argument("--batches", type=int, default=2, help="timed inference batches (after one warm-up)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    recipe = read_recipe(BASES["mpnet"])
    folder, name = base_folder_of(args.base)
    model, _ = load_model(folder)
    add_lora(model, recipe.lora)
    model.to(args.device)
    figures: dict[str, float] = {}

    def record(name: str, rates: tuple[float, float]) -> None:
        # Pairs per CPU-second too: on a shared machine the wall-clock rate says more about the neighbours.
        figures[name], figures[f"{name}_per_cpu_s"] = rates

    for size in (16, 32) if args.device != "cpu" else (16,):
        record(f"train_lora_fp32_b{size}", train_rate(model, size, args.tokens, args.steps, args.device))
    for size in (16, 32):
        record(f"infer_fp32_b{size}", infer_rate(model, size, args.tokens, args.batches, args.device))
    if args.device == "cpu":
        from factcheck.verify.crossencoder import _quantize

        plain, _ = load_model(folder)
        plain.get_input_embeddings().weight.requires_grad_(False)  # as the MiniLM recipe trains
        record("train_full_fp32_b16", train_rate(plain.to(args.device), 16, args.tokens, args.steps, args.device))
        int8 = _quantize(plain.eval())
        for size in (16, 32):
            record(f"infer_int8_b{size}", infer_rate(int8, size, args.tokens, args.batches, args.device))
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if str(args.device).startswith("cuda"):
        figures["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
    for key, value in figures.items():
        print(f"{name} {args.device} threads={args.threads} tokens={args.tokens} {key}: {value:.2f}")
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
