"""The trained base verifier's own probabilities on 100 team-written pairs, for the reload test.

    .venv/bin/python bench/base_reference.py --checkpoint build/verifier-base.checkpoints/stage2-step-0000169.pt

A checkpoint holds the training run's tensors before anything is merged: this rebuilds the model as it
trained (all-mpnet-base-v2 wrapped in the recipe's LoRA layers, the checkpoint's trained tensors loaded)
and writes its probabilities, so that `tests/factcheck/test_shipped_base_verifier.py` can check that the
shipped adapter, merged into the installed base at load time, answers as the trained model did.
Pass the last checkpoint of the last stage: the one the shipped adapter was saved from.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

PAIRS = REPO / "tests" / "factcheck" / "data" / "verifier_pairs.jsonl"
OUT = REPO / "tests" / "factcheck" / "data" / "verifier_base_reference.jsonl"
PROBES = 100


def probe_pairs() -> list[tuple[str, str]]:
    """Each claim against its own evidence, then against the next claims' evidence: 100 pairs of all kinds."""
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        (row["claim"], rows[(i + shift) % len(rows)]["evidence"]) for shift in range(3) for i, row in enumerate(rows)
    ][:PROBES]


def trained_probabilities(checkpoint: Path, pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[list[float]]]:
    import torch

    from factcheck.training.base_train import BASES, read_recipe
    from factcheck.training.loop import encode, label_ids, load_model, predict_logits
    from factcheck.training.lora import add_lora
    from factcheck.training.metrics import softmax
    from factcheck.training.types import Pair
    from factcheck.verify.base_encoder import base_encoder_folder

    recipe = read_recipe(BASES["mpnet"])
    model, tokenizer = load_model(base_encoder_folder())
    add_lora(model, recipe.lora)
    trained = torch.load(checkpoint, map_location="cpu", weights_only=False)["trained"]
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in trained.items():
            params[name].copy_(value)
    ids, pad = label_ids(model), int(tokenizer.pad_token_id or 0)
    encoded = encode(tokenizer, [Pair(c, e, "SUPPORTED", "probe") for c, e in pairs], recipe.hyper.max_length, ids)
    labels = [str(model.config.id2label[i]) for i in range(model.config.num_labels)]
    return labels, softmax(predict_logits(model, encoded, pad)).tolist()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, required=True, help="the training run's last checkpoint (.pt)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    pairs = probe_pairs()
    labels, probabilities = trained_probabilities(args.checkpoint, pairs)
    rounded = [dict(zip(labels, (round(x, 8) for x in row), strict=True)) for row in probabilities]
    lines = [
        json.dumps({"claim": c, "evidence": e, "probabilities": p}) for (c, e), p in zip(pairs, rounded, strict=True)
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} pairs to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
