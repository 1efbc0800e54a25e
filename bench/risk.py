"""Precision and coverage of decided verdicts at several confidence thresholds (a risk-coverage table).

    .venv/bin/python bench/risk.py scifact                 # SciFact dev, end to end (report)
    .venv/bin/python bench/risk.py scifact --split train   # SciFact train claims the verifier never saw (tuning)
    .venv/bin/python bench/risk.py fm2                     # FM2 dev (report)
    .venv/bin/python bench/risk.py fm2 --split test        # FM2 test (tuning; FM2 has no train split)
    .venv/bin/python bench/risk.py news                    # bench/data/news_claims.jsonl on the NATO corpus
    .venv/bin/python bench/risk.py choose                  # apply the threshold rule to the tuning runs

Each benchmark goes through `factcheck.pipeline.check_claims` with the configured verifier, as
`factcheck check --claims` does, with the verifier's thresholds lowered to the table's lowest row, so
one run gives every row: the claim's most decisive evidence pair does not depend on the threshold,
so a verdict of confidence c is exactly what a run with any threshold up to c decides. A row t counts
the SUPPORTED (REFUTED) verdicts of confidence >= t. Precision: the share of them whose gold label is
the same. Coverage: their share of all claims of the set. Recall: their right ones over the gold
claims of that label. The per-claim results are written to --out (one JSON line a claim), which
`choose` reads.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on the path, and its claims.py would hide the claims package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

SHARED = REPO.parent / "shared" / "data"
NEWS_CLAIMS = REPO / "bench" / "data" / "news_claims.jsonl"
NEWS_CORPUS = SHARED / "nato_russia_demo_corpus" / "wikipedia_2019"
# The news set's corpus: the demo corpus's articles these claims are about (indexing all 25, 3.6 MB,
# would take most of an hour on two cores and add nothing the claims ask about).
NEWS_FILES = (
    "NATO.md", "North_Atlantic_Treaty.md", "Diplomatic_mission.md", "Finlandization.md", "Montenegro.md",
    "Brussels.md", "Diplomatic_immunity.md", "NATO_reporting_name.md",
)
CACHE = Path(tempfile.gettempdir()) / "factcheck-bench"
THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))  # 0.30 .. 0.95
SUPPORTED, REFUTED, NEI = "SUPPORTED", "REFUTED", "NOT ENOUGH INFO"
DECIDED = (SUPPORTED, REFUTED)
GOLD_NAMES = {"SUPPORT": SUPPORTED, "SUPPORTS": SUPPORTED, "CONTRADICT": REFUTED, "REFUTES": REFUTED,
              "NEI": NEI, "NOT ENOUGH INFO": NEI, SUPPORTED: SUPPORTED, REFUTED: REFUTED}  # fmt: skip
# The rule that picks the default thresholds (docs/precision.md): per label, the lowest row whose
# precision reaches TARGET on every tuning set with at least MIN_VERDICTS such verdicts there.
TARGET = 0.80
MIN_VERDICTS = 10
TUNING_SETS = ("scifact-train", "fm2-test")


@dataclass(frozen=True, slots=True)
class Result:
    """One claim: its gold label, the verdict and the verdict's confidence."""

    id: str
    gold: str
    label: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Row:
    threshold: float
    label: str
    verdicts: int
    right: int
    claims: int
    gold: int

    @property
    def precision(self) -> float:
        return self.right / self.verdicts if self.verdicts else float("nan")

    @property
    def coverage(self) -> float:
        return self.verdicts / self.claims if self.claims else 0.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else float("nan")


def rows(results: Sequence[Result], thresholds: Sequence[float] = THRESHOLDS) -> list[Row]:
    """The table: for each threshold, each decided label, and both together ("decided")."""
    out = []
    for t in thresholds:
        for label in (*DECIDED, "decided"):
            wanted = DECIDED if label == "decided" else (label,)
            picked = [r for r in results if r.label in wanted and r.confidence >= t]
            right = sum(1 for r in picked if r.gold == r.label)
            gold = sum(1 for r in results if r.gold in wanted)
            out.append(Row(t, label, len(picked), right, len(results), gold))
    return out


def table(results: Sequence[Result], thresholds: Sequence[float] = THRESHOLDS) -> list[str]:
    """Markdown: one line per threshold; per label the verdicts, precision, coverage and recall."""
    head = "| min confidence | " + " | ".join(
        f"{label} n / precision / coverage / recall" for label in (*DECIDED, "decided")
    ) + " |"
    lines = [head, "|---|---|---|---|"]
    by_t: dict[float, list[Row]] = {}
    for row in rows(results, thresholds):
        by_t.setdefault(row.threshold, []).append(row)
    for t, group in by_t.items():
        cells = [f"{r.verdicts} / {_pct(r.precision)} / {_pct(r.coverage)} / {_pct(r.recall)}" for r in group]
        lines.append(f"| {t:.2f} | " + " | ".join(cells) + " |")
    return lines


def choose(
    sets: dict[str, Sequence[Result]], target: float = TARGET, minimum: int = MIN_VERDICTS
) -> dict[str, float | None]:
    """Per decided label, the lowest threshold whose precision reaches ``target`` on every set that
    has at least ``minimum`` verdicts of the label there (and at least one set must); None if none."""
    chosen: dict[str, float | None] = {}
    for label in DECIDED:
        chosen[label] = None
        for t in THRESHOLDS:
            measured = [
                r for results in sets.values() for r in rows(results, (t,)) if r.label == label
            ]
            counted = [r for r in measured if r.verdicts >= minimum]
            if counted and all(r.precision >= target for r in counted):
                chosen[label] = t
                break
    return chosen


def _pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.1f}"


# ---------------------------------------------------------------- running the benchmarks


def run_claims(claims: Sequence[tuple[str, str, str]], index: object, settings: object) -> list[Result]:
    """Check (id, text, gold) claims through the `check --claims` path; one Result each."""
    from factcheck.verify.factory import make_verifier

    scifact = _bench("scifact")
    with tempfile.TemporaryDirectory(prefix="risk-claims-") as tmp:
        path = Path(tmp) / "claims.jsonl"
        lines = [json.dumps({"id": cid, "claim": text}, ensure_ascii=False) for cid, text, _ in claims]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report, _ = scifact.check(path, index, settings, make_verifier(settings))
    gold = {cid: label for cid, _, label in claims}
    return [
        Result(v.claim.id, gold[v.claim.id], v.label.value, v.confidence) for v in report.verdicts()
    ]


def _bench(name: str) -> Any:
    """Another benchmark script of this folder, imported by its path."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def lowered(settings: object) -> object:
    """The settings with every decision threshold at the table's lowest row."""
    low = min(THRESHOLDS)
    return replace(settings, verdict_threshold=low, supported_threshold=0.0, refuted_threshold=0.0)  # type: ignore[type-var]


def scifact_claims(split: str, verifier: str | None) -> tuple[list[tuple[str, str, str]], Path]:
    from factcheck.config import VERIFIER_FOLDERS

    scifact = _bench("scifact")

    gold = scifact.read_gold(scifact.DATA / f"claims_{split}.jsonl")
    if split == "train":
        # Only the train claims the verifier never trained on can tune its thresholds fairly.
        folder = VERIFIER_FOLDERS.get(verifier or "model", Path(verifier or "model"))
        gold = scifact.held_out_of_training(gold, folder, scifact.DATA)
    return [(str(c.id), c.text, GOLD_NAMES[c.label]) for c in gold.values()], scifact.DATA / scifact.CORPUS_FILE


def fm2_claims(split: str, cache: Path) -> tuple[list[tuple[str, str, str]], Path]:
    """FM2 as bench/retrieval.py builds it: every evidence sentence of the split is a document."""
    retrieval = _bench("retrieval")
    retrieval.CACHE = cache
    folder, _ = retrieval.fm2_corpus_and_claims(split)
    records = [json.loads(line) for line in (SHARED / "fm2" / f"{split}.jsonl").read_text().splitlines()]
    return [(r["id"], r["text"], GOLD_NAMES[r["label"]]) for r in records], folder


def news_claims(cache: Path) -> tuple[list[tuple[str, str, str]], Path]:
    records = [json.loads(line) for line in NEWS_CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    folder = cache / "news-corpus"
    folder.mkdir(parents=True, exist_ok=True)
    for name in NEWS_FILES:
        # Copies, not links: a corpus reader follows no symlink out of its folder.
        copy = folder / name
        if not copy.is_file() or copy.is_symlink():
            copy.unlink(missing_ok=True)
            shutil.copyfile(NEWS_CORPUS / name, copy)
    return [(r["id"], r["claim"], GOLD_NAMES[r["label"]]) for r in records], folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("benchmark", choices=("scifact", "fm2", "news", "choose"))
    parser.add_argument("--split", choices=("dev", "train", "test"), default="dev")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"indexes and per-claim results (default {CACHE})")
    parser.add_argument("--verifier", help="setting verifier (default: factcheck's configuration)")
    args = parser.parse_args(argv)
    out_dir = args.cache / "risk"
    if args.benchmark == "choose":
        sets = {name: read_results(out_dir / f"{name}.jsonl") for name in TUNING_SETS}
        for label, t in choose(sets).items():
            print(f"{label}: " + (f"{t:.2f}" if t is not None else f"no threshold reaches {TARGET:.0%}"))
        return 0
    from evidence import SentenceTransformerEmbedder
    from factcheck.config import load_settings
    from factcheck.pipeline import index_for_corpus

    settings = load_settings(overrides={"verifier": args.verifier, "cache_dir": str(args.cache)})
    name = args.benchmark if args.benchmark == "news" else f"{args.benchmark}-{args.split}"
    if args.benchmark == "scifact":
        if args.split == "test":
            parser.error("SciFact's test labels are not public: use --split dev or train")
        scifact = _bench("scifact")
        claims, corpus_file = scifact_claims(args.split, args.verifier)
        index, _ = scifact.open_or_build(corpus_file, args.cache / "scifact-index", SentenceTransformerEmbedder())
    else:
        if args.benchmark == "fm2" and args.split == "train":
            parser.error("FM2 has no train split: --split test tunes, --split dev reports")
        claims, folder = fm2_claims(args.split, args.cache) if args.benchmark == "fm2" else news_claims(args.cache)
        index = index_for_corpus(folder, SentenceTransformerEmbedder(), settings)
    with index:
        results = run_claims(claims, index, lowered(settings))
    out_dir.mkdir(parents=True, exist_ok=True)
    write_results(out_dir / f"{name}.jsonl", results)
    counts = {label: sum(1 for r in results if r.gold == label) for label in (SUPPORTED, REFUTED, NEI)}
    print(f"{name}: {len(results)} claims (gold " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")")
    print("\n".join(table(results)))
    return 0


def write_results(path: Path, results: Sequence[Result]) -> None:
    lines = [json.dumps({"id": r.id, "gold": r.gold, "label": r.label, "confidence": r.confidence}) for r in results]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_results(path: Path) -> list[Result]:
    if not path.is_file():
        raise SystemExit(f"risk: error: {path} is missing: run that benchmark first")
    return [Result(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    sys.exit(main())
