"""Labelled pairs from what factcheck retrieves for SciFact train claims: a user's label file for
`factcheck train verifier --data FILE`, with SciFact standing in for the user's corpus.

    .venv/bin/python bench/scifact_pairs.py --claims held-out --labels sentence --out pairs.jsonl
    .venv/bin/python bench/scifact_pairs.py --claims trained --labels hard-negatives --out pairs.jsonl

Each retrieved evidence item (top_k of factcheck's configuration) gives one pair, read as the verifier reads it
(title, then sentence). Labels:

- ``sentence``: the claim's label when the sentence overlaps a gold rationale sentence, else NOT ENOUGH INFO;
- ``abstract``: the claim's label when the sentence comes from a gold abstract, else NOT ENOUGH INFO;
- ``hard-negatives``: every gold rationale set with the claim's label, and the retrieved sentences of abstracts
  that are not gold as NOT ENOUGH INFO (sentences of gold abstracts are left out: they may hold the answer).

``--claims held-out`` takes the train claims the shipped verifier never trained on (those judge the tuning),
``trained`` the others, ``all`` both. bench/README.md ("Per-corpus recalibration", "Verifier experiments not
adopted") has what these files gave.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.scifact import (  # noqa: E402
    CORPUS_FILE,
    DATA,
    INDEX_DIR,
    NEI,
    GoldClaim,
    Span,
    abstract_spans,
    held_out_of_training,
    open_or_build,
    read_abstracts,
    read_gold,
    read_jsonl,
    scifact_doc_id,
    sentences_at,
)

if TYPE_CHECKING:
    from evidence import Evidence

VERDICT_LABEL = {"SUPPORT": "SUPPORTED", "CONTRADICT": "REFUTED", NEI: "NOT ENOUGH INFO"}
MODES = ("sentence", "abstract", "hard-negatives")


def labelled_pairs(
    claims: Sequence[GoldClaim],
    hits: Sequence[Sequence[Evidence]],
    spans: Mapping[str, Sequence[Span]],
    abstracts: Mapping[str, Sequence[str]],
    titles: Mapping[str, str],
    mode: str,
    *,
    context: bool = False,
) -> list[dict[str, str]]:
    """One {"claim", "evidence", "label"} row per pair; ``spans`` are keyed by index document id. With
    ``context`` each evidence text starts with the sentence before it, as the verifier reads it with
    the setting evidence_context (for a rationale set, the abstract sentence before its first one)."""
    from factcheck.verify.model import evidence_text

    if mode not in MODES:
        raise ValueError(f"unknown label mode {mode!r}; use one of {', '.join(MODES)}")
    rows: list[dict[str, str]] = []
    for claim, evidence in zip(claims, hits, strict=True):
        gold = {doc.doc_id: doc for doc in claim.docs}
        if mode == "hard-negatives":
            for doc in claim.docs:
                for rationale in doc.rationales:
                    first = min(rationale)
                    before = [first - 1] if context and first > 0 else []
                    text = " ".join(abstracts[doc.doc_id][i].strip() for i in [*before, *rationale])
                    rows.append({"claim": claim.text, "evidence": f"{titles[doc.doc_id]}: {text}",
                                 "label": VERDICT_LABEL[doc.label]})  # fmt: skip
        for ev in evidence:
            truth = gold.get(scifact_doc_id(ev.doc_id))
            label = VERDICT_LABEL[NEI]
            if mode == "hard-negatives":
                if truth is not None:
                    continue
            elif truth is not None:
                read = set(sentences_at(spans[ev.doc_id], ev.sentence_start, ev.sentence_end))
                rationale = {i for r in truth.rationales for i in r}
                if mode == "abstract" or read & rationale:
                    label = VERDICT_LABEL[truth.label]
            rows.append({"claim": claim.text, "evidence": evidence_text(ev, context=context), "label": label})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with corpus.jsonl and claims_train.jsonl")
    parser.add_argument("--index-dir", type=Path, default=INDEX_DIR, help=f"index cache (default {INDEX_DIR})")
    parser.add_argument("--claims", choices=("held-out", "trained", "all"), default="held-out")
    parser.add_argument("--labels", choices=MODES, default="sentence")
    parser.add_argument("--model", type=Path, help="verifier folder whose training split decides held-out claims")
    parser.add_argument("--context", action="store_true", help="evidence texts start with the sentence before")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    from evidence import SentenceTransformerEmbedder, store
    from factcheck.config import load_settings
    from factcheck.verify.crossencoder import SHIPPED_MODEL

    index, _ = open_or_build(args.data / CORPUS_FILE, args.index_dir, SentenceTransformerEmbedder())
    gold = read_gold(args.data / "claims_train.jsonl")
    held = held_out_of_training(gold, args.model or SHIPPED_MODEL, args.data)
    wanted = {"all": set(gold), "held-out": set(held), "trained": set(gold) - set(held)}[args.claims]
    claims = [c for cid, c in sorted(gold.items()) if cid in wanted]
    abstracts = read_abstracts(args.data / CORPUS_FILE)
    titles = {str(r["doc_id"]): str(r.get("title", "")) for r in read_jsonl(args.data / CORPUS_FILE)}
    hits = index.search([c.text for c in claims], k=load_settings().top_k)
    texts = store.document_texts(index.connection, {e.doc_id for found in hits for e in found})
    spans = {i: abstract_spans(text, abstracts[scifact_doc_id(i)]) for i, text in texts.items()}
    rows = labelled_pairs(claims, hits, spans, abstracts, titles, args.labels, context=args.context)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts = Counter(r["label"] for r in rows)
    print(f"{len(claims)} claims, {len(rows)} pairs ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
