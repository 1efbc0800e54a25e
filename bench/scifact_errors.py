"""Where SciFact claims go wrong, stage by stage: each wrong claim of a run gets one cause.

    .venv/bin/python bench/scifact.py --predictions dev.jsonl          # a run first
    .venv/bin/python bench/scifact_errors.py --predictions dev.jsonl   # then its causes
    .venv/bin/python bench/scifact_errors.py --predictions dev.jsonl --ids 10   # and which claims

A claim is wrong by the rule of `bench/scifact.py --wrong`: its 3-way label is wrong, or its SUPPORT /
CONTRADICT label came from no gold abstract. The cause is the first stage that fails, in pipeline order:

1. a NOT ENOUGH INFO claim given a verdict (by a look-alike sentence: there is nothing to retrieve);
2. retrieval: none of the claim's gold abstracts is among the first top_k abstracts of the fused ranking;
3. the model: reading the gold rationale of the claim's first gold abstract, the model alone picks the
   wrong label;
4. the verdict path: the model alone is right on that rationale, but the verdict (title in front, combiner,
   subject rule, threshold) is wrong;
5. evidence choice: the verdict is right on the gold rationale, so another sentence or abstract decided.

Steps 3 and 4 read the oracle evidence exactly as `bench/verifier.py` does. Nothing here chooses a
setting: it says where the next round of work should look.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from bench.scifact import (  # noqa: E402
    CONTRADICT,
    CORPUS_FILE,
    DATA,
    DECISIVE,
    INDEX_DIR,
    NEI,
    SUPPORT,
    BenchError,
    GoldClaim,
    Prediction,
    doc_rankings,
    open_or_build,
    read_gold,
    read_predictions,
    wrong_claims,
)

CAUSES = (
    "NEI claim given a verdict",
    "retrieval: no gold abstract in the top k",
    "model: wrong label on the gold rationale",
    "verdict path: overturns the model on the gold rationale",
    "evidence choice: another sentence or abstract decided",
)
# SciFact's labels in the verifier's words, for comparing with the oracle readings.
VERDICT_OF = {SUPPORT: "SUPPORTED", CONTRADICT: "REFUTED", NEI: "NOT ENOUGH INFO"}


def cause(
    claim: GoldClaim, ranking: Sequence[str], top_k: int, model_label: str | None, verdict_label: str | None
) -> str:
    """The first stage that fails for a wrong claim (see the module docstring); the labels are the
    model's and the verdict's on the gold rationale, in the verifier's words (None for an NEI claim)."""
    if not claim.docs:
        return CAUSES[0]
    if not {d.doc_id for d in claim.docs} & set(ranking[:top_k]):
        return CAUSES[1]
    truth = VERDICT_OF[claim.label]
    if model_label != truth:
        return CAUSES[2]
    if verdict_label != truth:
        return CAUSES[3]
    return CAUSES[4]


def table(
    gold: Mapping[int, GoldClaim],
    predictions: Sequence[Prediction],
    causes: Mapping[int, str],
) -> list[str]:
    """Counts per cause, split by gold label and by what was predicted."""
    by_id = {p.claim_id: p for p in predictions}
    counts: Counter[tuple[str, str, str]] = Counter()
    for cid, why in causes.items():
        predicted = by_id[cid].label if cid in by_id else NEI
        counts[(why, gold[cid].label, predicted)] += 1
    lines = ["| cause | wrong claims | gold -> predicted |", "|---|---|---|"]
    for why in CAUSES:
        rows = {k: n for k, n in counts.items() if k[0] == why}
        detail = ", ".join(f"{g} -> {p} {n}" for (_, g, p), n in sorted(rows.items(), key=lambda kv: -kv[1]))
        lines.append(f"| {why} | {sum(rows.values())} | {detail} |")
    lines.append(f"| all | {len(causes)} of {len(gold)} | |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--predictions", type=Path, required=True, help="a --predictions file of bench/scifact.py")
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--index-dir", type=Path, default=INDEX_DIR)
    parser.add_argument("--verifier", default="model", help="the verifier of that run (setting verifier)")
    parser.add_argument("--ids", type=int, default=0, metavar="N", help="also list the first N claim ids of each cause")
    args = parser.parse_args(argv)

    from bench.verifier import oracle_evidence, verdict_labels
    from evidence import SentenceTransformerEmbedder
    from evidence.errors import EvidenceError
    from factcheck.config import load_settings
    from factcheck.errors import FactcheckError
    from factcheck.training.scifact import SciFactCorpus, oracle_records
    from factcheck.verify.factory import make_verifier

    try:
        every = read_gold(args.data / f"claims_{args.split}.jsonl")  # file order, as oracle_records reads it
        predictions = read_predictions(args.predictions, every)
        gold = {cid: every[cid] for cid in sorted({p.claim_id for p in predictions})}
        wrong = wrong_claims(gold, predictions)
        settings = load_settings(overrides={"verifier": args.verifier})
        verifier = make_verifier(settings)
        if not hasattr(verifier, "model"):
            raise BenchError("the causes read the gold rationales with the model: pass a model verifier")
        embedder = SentenceTransformerEmbedder()
        index, _ = open_or_build(args.data / CORPUS_FILE, args.index_dir, embedder)
        with index:
            rankings = doc_rankings(index, gold, settings.top_k)
        records = oracle_records(args.data.parent, args.split, SciFactCorpus(args.data.parent))
        by_claim = dict(zip(every, records, strict=True))
        needed = [by_claim[cid] for cid in wrong if gold[cid].docs]
        claims, evidence = oracle_evidence(needed, embedder)
        labels = verifier.model.labels
        alone = verifier.model.predict_proba([(r.pair.claim, r.pair.evidence) for r in needed]).argmax(axis=1)
        verdicts = verdict_labels(verifier, claims, evidence)
        oracle = {
            cid: (labels[int(a)], v)
            for cid, a, v in zip([c for c in wrong if gold[c].docs], alone, verdicts, strict=True)
        }
        causes = {
            cid: cause(gold[cid], rankings[cid], settings.top_k, *oracle.get(cid, (None, None))) for cid in wrong
        }
    except (BenchError, EvidenceError, FactcheckError) as exc:
        print(f"scifact_errors: error: {exc}", file=sys.stderr)
        return 2
    decisive = sum(1 for p in predictions if p.label in DECISIVE)
    print(
        f"{args.predictions}: {len(wrong)} of {len(gold)} claims wrong ({decisive} given a verdict); "
        f"top_k {settings.top_k}"
    )
    print("\n".join(table(gold, predictions, causes)))
    if args.ids:
        for why in CAUSES:
            ids = [cid for cid, c in causes.items() if c == why]
            print(f"{why}: {', '.join(map(str, ids[: args.ids]))}{' ...' if len(ids) > args.ids else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
