"""Benchmark the shipped cross-encoder verifier on public data it was never trained on.

    .venv/bin/python bench/verifier.py [--data $PUBLIC_DATA] [--model factcheck/models/verifier]

Prints, per dataset, accuracy, macro-F1, per-label recall and the confusion matrix; expected calibration
error (15 bins) before and after the model's temperature; throughput in pairs/s at batch 32 on
SciFact-length pairs for fp32 and int8; and writes a reliability diagram PNG (next to this script unless
--png says otherwise). Datasets: SciFact dev with oracle evidence, the four FEVER Symmetric files,
the held-out slices of SufficientFacts, FEVER dev and SciFact train (rebuilt with the training seed and
split of the model, or of --held-out-of MODEL_DIR to score a model on the pairs another never saw).
Each dataset also gets a "symmetric" row: the model's probabilities with every claim that has a
direction word read both ways (``factcheck.verify.directions``), as the verifier reads them when the
model's combiner was fitted that way.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
# The public datasets (`make` passes PUBLIC_DATA; the default is where this team keeps them).
PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", REPO.parent / "shared" / "data"))
sys.path.insert(0, str(REPO))

from factcheck.training.dataset import held_out_by as split_of  # noqa: E402
from factcheck.training.dataset import held_out_pairs, titles_of  # noqa: E402
from factcheck.training.metrics import (  # noqa: E402
    ECE_BINS,
    classification_report,
    expected_calibration_error,
    reliability,
    softmax,
)
from factcheck.training.scifact import OracleRecord, SciFactCorpus, oracle_pairs, oracle_records  # noqa: E402
from factcheck.training.sources import read_fever_symmetric  # noqa: E402
from factcheck.training.types import Pair  # noqa: E402
from factcheck.verify.crossencoder import SHIPPED_MODEL, CrossEncoderModel  # noqa: E402
from factcheck.verify.directions import direction_symmetric_proba, direction_words  # noqa: E402

TARGETS = (
    "SciFact dev macro-F1 >= 0.70 with REFUTED recall >= 0.5; FEVER Symmetric accuracy >= 0.65; ECE <= 0.05"
)


def datasets(
    data: Path,
    seed: int,
    held_out_by: str = "claim",
    corpus: SciFactCorpus | None = None,
    scifact_titles: bool = False,
) -> dict[str, tuple[Pair, ...]]:
    sets = {"scifact_dev_oracle": oracle_pairs(data, "dev", corpus or SciFactCorpus(data))}
    for name, pairs in read_fever_symmetric(data).items():
        sets[f"fever_symmetric/{Path(name).stem}"] = pairs
    held = held_out_pairs(data, seed=seed, held_out_by=held_out_by, scifact_titles=scifact_titles)
    sets["sufficient_facts (held out)"] = tuple(p for p in held if p.source.startswith("sufficient_facts"))
    sets["fever_dev (held out)"] = tuple(p for p in held if p.source.startswith("fever_dev"))
    sets["scifact_train (held out)"] = tuple(p for p in held if p.source.startswith("scifact_train"))
    return sets


def oracle_evidence(records: Sequence[OracleRecord], embedder: Any) -> tuple[list[Any], list[Any]]:
    """Claims and one Evidence each, as factcheck's retrieval would hand them over had it found exactly
    the oracle sentences: the abstract's title, the whole abstract as the passage (the typed checks
    and the subject rule read it), and the claim-sentence cosine of the retrieval embedder as the
    sentence score. Offsets point at the evidence in the abstract text, or span the abstract when the
    rationale sentences are not adjacent; the verifier does not read them."""
    from claims.types import Claim
    from evidence.types import Evidence

    texts = [r.pair.claim for r in records]
    sims = np.sum(
        embedder.encode_queries(texts) * embedder.encode_documents([r.pair.evidence for r in records]), axis=1
    )
    claims, evidence = [], []
    for n, (record, sim) in enumerate(zip(records, sims, strict=True)):
        claim = record.pair.claim
        claims.append(Claim(str(n), claim, claim, "oracle", 0, len(claim), 1, 1))
        passage = " ".join(record.doc.sentences)
        start = passage.find(record.pair.evidence)
        start, end = (start, start + len(record.pair.evidence)) if start >= 0 else (0, len(passage))
        score = float(sim)
        evidence.append(
            Evidence(
                str(record.doc.doc_id), record.doc.title, "corpus.jsonl", 0, passage, record.pair.evidence,
                start, end, score, score, 0.0, score, 1,
            )
        )  # fmt: skip
    return claims, evidence


def verdict_labels(verifier: Any, claims: Sequence[Any], evidence: Sequence[Any]) -> list[str]:
    """factcheck's verdict for each claim on its one evidence item: model, typed checks, combiner,
    subject rule and verdict threshold, as `factcheck check` decides."""
    verdicts = verifier.verify(list(claims), [(e,) for e in evidence])
    return [v.label.value for v in verdicts]


def two_way_accuracy(logits: np.ndarray, gold: Sequence[str], labels: tuple[str, ...]) -> float:
    """Accuracy when only SUPPORTED and REFUTED may be predicted (FEVER Symmetric has no third label)."""
    columns = [labels.index("SUPPORTED"), labels.index("REFUTED")]
    picked = [labels[columns[i]] for i in logits[:, columns].argmax(axis=1)]
    return float(np.mean([p == g for p, g in zip(picked, gold, strict=True)]))


def show(name: str, report: dict, extra: str = "") -> None:
    recall = " ".join(f"{label[:3]}={m['recall']:.2f}" for label, m in report["per_label"].items())
    print(
        f"{name:<44} n={report['n']:>5} acc={report['accuracy']:.3f} macroF1={report['macro_f1']:.3f} "
        f"recall[{recall}]{extra}"
    )
    labels = report["labels"]
    print(" " * 6 + "gold \\ pred " + " ".join(f"{label[:8]:>9}" for label in labels))
    for label, row in zip(labels, report["confusion"], strict=True):
        if sum(row):
            print(" " * 6 + f"{label[:11]:<12}" + " ".join(f"{n:>9}" for n in row))


def throughput(model: CrossEncoderModel, pairs: list[tuple[str, str]], rounds: int = 2) -> float:
    model.predict_proba(pairs[:32])  # load and warm up outside the timing
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        model.predict_proba(pairs)
        best = max(best, len(pairs) / (time.perf_counter() - start))
    return best


def host() -> str:
    """CPU model, cores and the vector extensions that decide transformer speed on CPU.

    Throughput differs about twofold between this project's AVX2 hosts and AVX-512 ones with the same
    two cores, so a pairs/s figure means little without the host it was measured on.
    """
    name, flags = "unknown CPU", set()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                name = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    except OSError:
        pass
    isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile") if f in flags]
    return f"{name}, {os.cpu_count()} cores, {' '.join(isa) or 'no AVX2/AVX-512 flags read'}"


def write_png(path: Path, image: np.ndarray) -> None:
    """A minimal RGB PNG writer (zlib + struct), used when matplotlib is not installed."""
    height, width, _ = image.shape
    raw = b"".join(b"\x00" + image[y].astype(np.uint8).tobytes() for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def draw_reliability(path: Path, panels: list[tuple[str, list[tuple[float, float, int]]]]) -> str:
    """Reliability diagrams side by side: per confidence bin, a bar up to the accuracy of that bin, the
    diagonal for perfect calibration. Uses matplotlib when installed, else plain numpy."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
    if plt is not None:
        fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 5))
        for ax, (title, rows) in zip(np.atleast_1d(axes), panels, strict=True):
            centres = (np.arange(ECE_BINS) + 0.5) / ECE_BINS
            ax.bar(centres, [acc for _, acc, _ in rows], width=1 / ECE_BINS, edgecolor="k", label="accuracy")
            ax.plot([0, 1], [0, 1], "k--", label="perfect calibration")
            ax.set(title=title, xlabel="confidence", ylabel="accuracy", xlim=(0, 1), ylim=(0, 1))
            ax.legend(loc="upper left")
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        return "matplotlib"
    size, margin = 300, 20
    image = np.full((size + 2 * margin, len(panels) * (size + 2 * margin), 3), 255, dtype=np.uint8)
    for p, (_, rows) in enumerate(panels):
        left = p * (size + 2 * margin) + margin
        box = image[margin : margin + size, left : left + size]
        box[:, :] = 245
        for b, (_, acc, count) in enumerate(rows):
            if count:
                x0, x1 = b * size // ECE_BINS, (b + 1) * size // ECE_BINS
                box[size - round(acc * size) :, x0 + 1 : x1 - 1] = (70, 110, 200)
        for i in range(size):
            box[size - 1 - i, max(0, i - 1) : i + 1] = (200, 40, 40)  # the diagonal: perfect calibration
        box[[0, -1], :] = 0
        box[:, [0, -1]] = 0
    write_png(path, image)
    return "numpy PNG writer (left: before calibration, right: after; x confidence, y accuracy, red diagonal)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PUBLIC_DATA)
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--png", type=Path, default=Path(__file__).with_name("verifier_reliability.png"))
    parser.add_argument("--int8", action="store_true", help="score with dynamic int8 instead of fp32")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: shared cores)")
    parser.add_argument(
        "--held-out-of",
        type=Path,
        metavar="MODEL_DIR",
        help="draw the held-out slices from this verifier folder's training split instead of --model's "
        "(two models on the pairs one of them never saw)",
    )
    parser.add_argument(
        "--held-out-titles",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="held-out SciFact train evidence behind its abstract's title, as factcheck feeds it (default: as the "
        "split's model was trained); lets models trained either way be read on the same pairs",
    )
    parser.add_argument("--runtime", choices=("torch", "onnx"), default="torch",
                        help="score through torch or ONNX Runtime (the exported model is kept in .factcheck-cache)")
    args = parser.parse_args(argv)
    if args.runtime == "onnx" and args.int8:
        parser.error("--int8 is dynamic quantisation in torch; leave it out with --runtime onnx")

    import torch

    torch.set_num_threads(args.threads)
    onnx_cache = REPO / ".factcheck-cache" / "bench" / "onnx" if args.runtime == "onnx" else None
    model = CrossEncoderModel(args.model, quantize=args.int8, runtime=args.runtime, cache_dir=onnx_cache)
    labels = model.labels
    split_from = args.held_out_of or args.model
    if not (split_from / "training.json").is_file():
        parser.error(f"{split_from} holds no training.json: pass a verifier folder made by factcheck training")
    seed = json.loads((split_from / "training.json").read_text(encoding="utf-8"))["seed"]
    print(
        f"model {model.model_id} ({model.model_hash}), {'int8' if args.int8 else 'fp32'} {args.runtime}, "
        f"temperature {model.temperature:.3f}, {args.threads} thread(s)"
    )
    pooled_logits, pooled_gold = [], []
    # The corpus's TF-IDF indexes are built once for the three readings of SciFact dev below.
    corpus = SciFactCorpus(args.data)
    titles = titles_of(split_from) if args.held_out_titles is None else args.held_out_titles
    if args.held_out_of or titles:
        print(
            f"held-out slices: the split of {split_from} (held out by {split_of(split_from)}, seed {seed}, "
            f"SciFact evidence {'behind' if titles else 'without'} its abstract's title)"
        )
    for name, pairs in datasets(args.data, seed, split_of(split_from), corpus, titles).items():
        if not pairs:
            continue
        logits = model.predict_logits([(p.claim, p.evidence) for p in pairs])
        gold = [p.label for p in pairs]
        gold_ids = np.array([labels.index(g) for g in gold])
        report = classification_report(gold, [labels[i] for i in logits.argmax(axis=1)], labels)
        before = expected_calibration_error(softmax(logits), gold_ids)
        after = expected_calibration_error(softmax(logits, model.temperature), gold_ids)
        extra = f" ECE {before:.3f}->{after:.3f}"
        if name.startswith("fever_symmetric"):
            extra += f" acc(2-way)={two_way_accuracy(logits, gold, labels):.3f}"
        show(name, report, extra)
        texts = [(p.claim, p.evidence) for p in pairs]
        symmetric = direction_symmetric_proba(model.predict_proba, labels, texts)
        report = classification_report(gold, [labels[i] for i in symmetric.argmax(axis=1)], labels)
        reversed_share = np.mean([bool(direction_words(claim)) for claim, _ in texts])
        extra = f" ECE {expected_calibration_error(symmetric, gold_ids):.3f}; {reversed_share:.0%} of claims reversed"
        if name.startswith("fever_symmetric"):
            extra += f" acc(2-way)={two_way_accuracy(np.log(symmetric), gold, labels):.3f}"
        show(f"{name} symmetric", report, extra)
        if "held out" in name or name.startswith("scifact_dev"):
            pooled_logits.append(logits)
            pooled_gold.append(gold_ids)
    # The figures above are the model's alone; what a user gets is the verdict, which also weighs the
    # typed checks, the document title and the retrieval similarity, and abstains under the threshold.
    from evidence import SentenceTransformerEmbedder
    from factcheck.config import load_settings
    from factcheck.verify.factory import make_verifier

    settings = load_settings(overrides={"verifier": str(args.model)})
    records = oracle_records(args.data, "dev", corpus)
    claims, evidence = oracle_evidence(records, SentenceTransformerEmbedder())
    predicted = verdict_labels(make_verifier(settings), claims, evidence)
    show(
        "scifact_dev_oracle as factcheck's verdict",
        classification_report([r.pair.label for r in records], predicted, labels),
        f" (checks, combiner, title; verdict_threshold {settings.verdict_threshold:.2f})",
    )
    logits, gold_ids = np.concatenate(pooled_logits), np.concatenate(pooled_gold)
    before, after = softmax(logits), softmax(logits, model.temperature)
    print(
        f"\nECE ({ECE_BINS} bins), SciFact dev + held-out slices pooled, n={len(gold_ids)}: "
        f"{expected_calibration_error(before, gold_ids):.4f} before, "
        f"{expected_calibration_error(after, gold_ids):.4f} after calibration"
    )
    how = draw_reliability(
        args.png,
        [("before calibration", reliability(before, gold_ids)), ("after", reliability(after, gold_ids))],
    )
    print(f"reliability diagram: {args.png} ({how})")

    scifact = [(p.pair.claim, p.pair.evidence) for p in records]
    fp32, int8 = CrossEncoderModel(args.model, quantize=False), CrossEncoderModel(args.model, quantize=True)
    agree = float(np.mean(fp32.predict_logits(scifact).argmax(1) == int8.predict_logits(scifact).argmax(1)))
    print(f"host: {host()}")
    # The target is per machine, so the figure that counts uses every core; one thread is what a
    # shared machine gives and is printed too.
    for threads in sorted({args.threads, os.cpu_count() or 1}):
        torch.set_num_threads(threads)
        speed_fp32, speed_int8 = throughput(fp32, scifact), throughput(int8, scifact)
        print(
            f"throughput, batch 32, {len(scifact)} SciFact dev pairs, {threads} thread(s): fp32 {speed_fp32:.1f} "
            f"pairs/s, int8 {speed_int8:.1f} pairs/s"
        )
    print(f"int8/fp32 argmax agreement {agree:.3f}")
    print(f"targets (issue): {TARGETS}; >= 100 pairs/s at batch 32 (--model factcheck/models/verifier-fast for the "
          "3-layer student)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
