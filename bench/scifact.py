"""SciFact end to end: factcheck's own index and `check --claims` path, scored with SciFact's metrics.

    .venv/bin/python bench/scifact.py                          # dev claims, the shipped settings
    .venv/bin/python bench/scifact.py --verifier model         # the same with the cross-encoder verifier
    .venv/bin/python bench/scifact.py --split train --tune     # grid-search the thresholds on TRAIN only
    .venv/bin/python bench/scifact.py --top-k 8 --support-threshold 0.75   # dev with other settings
    .venv/bin/python bench/scifact.py --wrong 20               # also list the first 20 wrong claims by id
    .venv/bin/python bench/scifact.py --split train --held-out --predictions base.jsonl   # then, changed:
    .venv/bin/python bench/scifact.py --split train --held-out --baseline base.jsonl      # paired difference
    .venv/bin/python bench/scifact.py --split train --held-out-of build/other --verifier model  # its claims

The corpus ($PUBLIC_DATA/scifact/corpus.jsonl, copied into a temporary
folder) is indexed once with `evidence.build_index` and cached in --index-dir; a rerun only checks.
Every claim of the split goes through `factcheck.pipeline.check_claims` with the verifier of
`factcheck.verify.factory.make_verifier`, from a claims JSONL read by `claims.read_claims_file`,
exactly as `factcheck check --claims` does.

Mapping a verdict to a SciFact prediction: a NOT ENOUGH INFO verdict predicts no abstract. A
SUPPORTED (REFUTED) verdict predicts every document of ``Verdict.evidence``, each labelled SUPPORT
(CONTRADICT); a document's rationale is the abstract sentences whose character spans overlap the
``sentence_start``..``sentence_end`` of its evidence items, in evidence order, at most three. The spans
of the abstract sentences are found by locating each SciFact sentence, in order, in the document
text stored in the index (the jsonl reader keeps the title apart and joins the stripped sentences),
so factcheck's own sentence splitting may differ from SciFact's without breaking the mapping.

Metrics follow allenai/scifact doc/evaluation.md: abstract level (label only; label and rationale,
with only the first three predicted sentences counted) and sentence level (selection only;
selection and label, every predicted sentence counted), plus claim-level 3-way accuracy and
macro-F1, and recall@k of the gold abstracts in the fused retrieval ranking (first k distinct
documents), the same definition as bench/retrieval.py.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
# The public datasets (`make` passes PUBLIC_DATA; the default is where this team keeps them).
PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", REPO.parent / "shared" / "data"))
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
# The model-loading bars would land in the middle of the printed table.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

if TYPE_CHECKING:
    from evidence import Embedder, Evidence, EvidenceIndex
    from factcheck.config import Settings
    from factcheck.types import Report, Verdict

DATA = PUBLIC_DATA / "scifact"
INDEX_DIR = Path(tempfile.gettempdir()) / "factcheck-bench" / "scifact-index"
CORPUS_FILE = "corpus.jsonl"
SUPPORT, CONTRADICT, NEI = "SUPPORT", "CONTRADICT", "NEI"
LABELS = (SUPPORT, CONTRADICT, NEI)
DECISIVE = frozenset({SUPPORT, CONTRADICT})
MAX_SENTENCES = 3
KS = (1, 5, 10)
# Tuning grids, searched on train claims only; the shipped values lie on them. The heuristic reads
# the cosine thresholds, the model verifier the probability thresholds; both read top_k.
GRID: dict[str, tuple[float, ...]] = {
    "top_k": (3, 5, 8, 10),
    "support_threshold": (0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85),
    "conflict_threshold": (0.45, 0.50, 0.55, 0.60, 0.65, 0.70),
}
MODEL_GRID: dict[str, tuple[float, ...]] = {
    "top_k": (1, 2, 3, 5, 8, 10),
    "evidence_sentences": (1, 2, 3),
    "verdict_threshold": (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.80),
    "evidence_threshold": (0.80, 0.90, 1.00),
}
INT_SETTINGS = frozenset({"top_k", "evidence_sentences"})
Span = tuple[int, int]


class BenchError(Exception):
    """One line: what is wrong with the data or the run, and what to do."""


# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One evidence abstract of a claim: its label and its rationale sets (sentence indices)."""

    doc_id: str
    label: str
    rationales: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class GoldClaim:
    id: int
    text: str
    docs: tuple[GoldDoc, ...]

    @property
    def label(self) -> str:
        return self.docs[0].label if self.docs else NEI


@dataclass(frozen=True, slots=True)
class PredictedDoc:
    doc_id: str
    label: str
    sentences: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Prediction:
    """A claim's predicted label and its predicted abstracts (none for NEI)."""

    claim_id: int
    label: str
    docs: tuple[PredictedDoc, ...]


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class ClaimScores:
    accuracy: float
    macro_f1: float
    # confusion[gold][predicted], both in LABELS order.
    confusion: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class Scores:
    abstract_label: PRF
    abstract_rationale: PRF
    sentence_selection: PRF
    sentence_label: PRF
    claims: ClaimScores


Gold = Mapping[int, GoldClaim]
Abstracts = Mapping[str, Sequence[str]]
Tuned = list[tuple[Scores, "Settings"]]


# ---------------------------------------------------------------- metrics


def prf(correct: int, predicted: int, gold: int) -> PRF:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def _decisive_docs(prediction: Prediction) -> Iterable[PredictedDoc]:
    seen: set[str] = set()
    for doc in prediction.docs:
        if doc.doc_id in seen:
            raise ValueError(
                f"claim {prediction.claim_id} predicts abstract {doc.doc_id} twice; merge them first"
            )
        seen.add(doc.doc_id)
        # An NEI abstract is no prediction at all: it is neither counted nor scored.
        if doc.label in DECISIVE:
            yield doc


def _gold_of(gold: Gold, claim_id: int) -> dict[str, GoldDoc]:
    if claim_id not in gold:
        raise ValueError(f"prediction for claim {claim_id}, which is not in the gold claims")
    return {doc.doc_id: doc for doc in gold[claim_id].docs}


def abstract_scores(gold: Gold, predictions: Iterable[Prediction]) -> tuple[PRF, PRF]:
    """(label only, label and rationale) over (claim, abstract) pairs."""
    n_gold = sum(len(claim.docs) for claim in gold.values())
    n_predicted = label_ok = rationale_ok = 0
    for prediction in predictions:
        gold_docs = _gold_of(gold, prediction.claim_id)
        for doc in _decisive_docs(prediction):
            n_predicted += 1
            truth = gold_docs.get(doc.doc_id)
            if truth is None or truth.label != doc.label:
                continue
            label_ok += 1
            first = set(doc.sentences[:MAX_SENTENCES])
            if any(set(rationale) <= first for rationale in truth.rationales):
                rationale_ok += 1
    return prf(label_ok, n_predicted, n_gold), prf(rationale_ok, n_predicted, n_gold)


def sentence_scores(gold: Gold, predictions: Iterable[Prediction]) -> tuple[PRF, PRF]:
    """(selection only, selection and label) over predicted rationale sentences."""
    n_gold = sum(len(r) for claim in gold.values() for doc in claim.docs for r in doc.rationales)
    n_predicted = selected = labelled = 0
    for prediction in predictions:
        gold_docs = _gold_of(gold, prediction.claim_id)
        for doc in _decisive_docs(prediction):
            chosen = set(doc.sentences)
            n_predicted += len(chosen)
            truth = gold_docs.get(doc.doc_id)
            if truth is None:
                continue
            # A sentence earns credit only when its whole rationale set was predicted with it.
            hits = sum(1 for s in chosen if any(s in r and set(r) <= chosen for r in truth.rationales))
            selected += hits
            if truth.label == doc.label:
                labelled += hits
    return prf(selected, n_predicted, n_gold), prf(labelled, n_predicted, n_gold)


def claim_scores(gold: Gold, predictions: Iterable[Prediction]) -> ClaimScores:
    """3-way claim labels; a gold claim without a prediction counts as predicted NEI."""
    predicted = {p.claim_id: p.label for p in predictions}
    unknown = sorted(set(predicted) - set(gold))
    if unknown:
        raise ValueError(f"predictions for claims {unknown[:5]} that are not in the gold claims")
    matrix = [[0] * len(LABELS) for _ in LABELS]
    for claim_id, claim in gold.items():
        matrix[LABELS.index(claim.label)][LABELS.index(predicted.get(claim_id, NEI))] += 1
    total = sum(map(sum, matrix))
    f1s = []
    for i in range(len(LABELS)):
        column = sum(row[i] for row in matrix)
        f1s.append(prf(matrix[i][i], column, sum(matrix[i])).f1)
    accuracy = sum(matrix[i][i] for i in range(len(LABELS))) / total if total else 0.0
    return ClaimScores(accuracy, sum(f1s) / len(f1s), tuple(tuple(row) for row in matrix))


def score(gold: Gold, predictions: Sequence[Prediction]) -> Scores:
    label, rationale = abstract_scores(gold, predictions)
    selection, selection_label = sentence_scores(gold, predictions)
    return Scores(label, rationale, selection, selection_label, claim_scores(gold, predictions))


def bootstrap_intervals(
    gold: Gold, predictions: Sequence[Prediction], *, rounds: int = 1000, level: float = 0.95, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals over claims for abstract label-only F1 and claim macro-F1.

    Each round draws len(gold) claims with replacement (a claim drawn twice counts twice) and scores
    them with the same functions as the point estimate. It says how far a dev figure can move by the
    luck of which claims were asked, which is what separates a real change from noise.
    """
    import random

    by_id = {p.claim_id: p for p in predictions}
    ids = sorted(gold)
    rng = random.Random(seed)
    label_f1: list[float] = []
    macro_f1: list[float] = []
    for _ in range(rounds):
        drawn = [rng.choice(ids) for _ in ids]
        sample = {k: replace(gold[cid], id=k) for k, cid in enumerate(drawn)}
        sample_predictions = [replace(by_id[cid], claim_id=k) for k, cid in enumerate(drawn) if cid in by_id]
        label_f1.append(abstract_scores(sample, sample_predictions)[0].f1)
        macro_f1.append(claim_scores(sample, sample_predictions).macro_f1)

    return {
        "abstract_label_f1": _percentiles(label_f1, level),
        "claim_macro_f1": _percentiles(macro_f1, level),
    }


def paired_bootstrap(
    gold: Gold,
    base: Sequence[Prediction],
    candidate: Sequence[Prediction],
    *,
    rounds: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float, float, float]]:
    """How much a candidate's run beats a base run on the same claims, with the luck of the draw.

    Each round draws the same claims for both runs, so what the two get right together cancels and
    only their disagreements move the difference: on 129 claims a one-point change that is noise for
    either run's own interval can still be told from zero. Returns, for abstract label-only F1 and
    claim macro-F1, (difference, low, high, share of rounds where the candidate is ahead).
    """
    import random

    runs = [{p.claim_id: p for p in base}, {p.claim_id: p for p in candidate}]
    ids = sorted(gold)
    rng = random.Random(seed)
    diffs: dict[str, list[float]] = {"abstract_label_f1": [], "claim_macro_f1": []}

    def measures(sample: Gold, run: Mapping[int, Prediction], drawn: Sequence[int]) -> tuple[float, float]:
        predictions = [replace(run[cid], claim_id=k) for k, cid in enumerate(drawn) if cid in run]
        return abstract_scores(sample, predictions)[0].f1, claim_scores(sample, predictions).macro_f1

    for _ in range(rounds):
        drawn = [rng.choice(ids) for _ in ids]
        sample = {k: replace(gold[cid], id=k) for k, cid in enumerate(drawn)}
        (label_a, macro_a), (label_b, macro_b) = (measures(sample, run, drawn) for run in runs)
        diffs["abstract_label_f1"].append(label_b - label_a)
        diffs["claim_macro_f1"].append(macro_b - macro_a)
    point_base, point_candidate = score(gold, list(base)), score(gold, list(candidate))
    points = {
        "abstract_label_f1": point_candidate.abstract_label.f1 - point_base.abstract_label.f1,
        "claim_macro_f1": point_candidate.claims.macro_f1 - point_base.claims.macro_f1,
    }
    out = {}
    for name, values in diffs.items():
        low, high = _percentiles(values, level)
        out[name] = (points[name], low, high, sum(v > 0 for v in values) / rounds)
    return out


def _percentiles(values: list[float], level: float) -> tuple[float, float]:
    values = sorted(values)
    return (
        values[round((1 - level) / 2 * (len(values) - 1))],
        values[round((1 + level) / 2 * (len(values) - 1))],
    )


def recall_at(gold: Gold, rankings: Mapping[int, Sequence[str]], ks: Sequence[int] = KS) -> dict[int, float]:
    """Mean share of a claim's gold abstracts among its first k ranked abstracts, over claims with
    evidence; a claim missing from ``rankings`` retrieved nothing."""
    with_docs = [claim for claim in gold.values() if claim.docs]
    out: dict[int, float] = {}
    for k in ks:
        shares = [
            len({d.doc_id for d in claim.docs} & set(rankings.get(claim.id, ())[:k])) / len(claim.docs)
            for claim in with_docs
        ]
        out[k] = sum(shares) / len(shares) if shares else 0.0
    return out


# ---------------------------------------------------------------- mapping verdicts to predictions


def abstract_spans(text: str, sentences: Sequence[str]) -> tuple[Span, ...]:
    """Character spans of SciFact's abstract sentences in the document text the index stores."""
    spans: list[Span] = []
    cursor = 0
    for index, sentence in enumerate(sentences):
        part = sentence.strip()
        at = text.find(part, cursor)
        if at < 0:
            raise BenchError(
                f"abstract sentence {index} ({part[:40]!r}...) is not in the indexed text after offset "
                f"{cursor}: the index was built from another corpus file; delete --index-dir and rerun"
            )
        spans.append((at, at + len(part)))
        cursor = at + len(part)
    return tuple(spans)


def sentences_at(spans: Sequence[Span], start: int, end: int) -> tuple[int, ...]:
    """Indices of the spans that share at least one character with [start, end)."""
    return tuple(i for i, (a, b) in enumerate(spans) if min(b, end) > max(a, start))


def scifact_doc_id(doc_id: str) -> str:
    """factcheck's id of a jsonl document is ``<file>#<id>``; SciFact's is the id alone."""
    path, sep, own = doc_id.rpartition("#")
    if not sep or path != CORPUS_FILE:
        raise BenchError(
            f"evidence document {doc_id!r} is not from {CORPUS_FILE}: index only the SciFact corpus"
        )
    return own


_LABEL_OF = {"SUPPORTED": SUPPORT, "REFUTED": CONTRADICT, "NOT ENOUGH INFO": NEI}


def to_prediction(verdict: Verdict, spans_of: Mapping[str, Sequence[Span]]) -> Prediction:
    """A verdict as a SciFact prediction; works with one or several pieces of evidence, in one or
    several documents (see the module docstring for the rule)."""
    label = _LABEL_OF[str(verdict.label)]
    claim_id = int(verdict.claim.id)
    if label == NEI:
        return Prediction(claim_id, NEI, ())
    chosen: dict[str, list[int]] = {}
    for evidence in verdict.evidence:
        doc = scifact_doc_id(evidence.doc_id)
        if doc not in spans_of:
            raise BenchError(
                f"no sentence spans for abstract {doc}: pass every evidence document to to_prediction"
            )
        picked = chosen.setdefault(doc, [])
        for idx in sentences_at(spans_of[doc], evidence.sentence_start, evidence.sentence_end):
            if idx not in picked:
                picked.append(idx)
    docs = tuple(PredictedDoc(doc, label, tuple(idx[:MAX_SENTENCES])) for doc, idx in chosen.items())
    return Prediction(claim_id, label, docs)


# ---------------------------------------------------------------- SciFact files


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise BenchError(
            f"{path} does not exist: SciFact is expected in $PUBLIC_DATA/scifact (or pass --data)"
        )
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_gold(path: Path) -> dict[int, GoldClaim]:
    claims: dict[int, GoldClaim] = {}
    for record in read_jsonl(path):
        if "evidence" not in record:
            raise BenchError(f"{path} has no labels (claim {record.get('id')}); use --split train or dev")
        docs = []
        for doc_id, sets in sorted(record["evidence"].items(), key=lambda item: int(item[0])):
            labels = {s["label"] for s in sets}
            if len(labels) != 1 or not labels <= DECISIVE:
                raise BenchError(
                    f"{path}: claim {record['id']} abstract {doc_id} has labels {sorted(labels)}"
                )
            rationales = tuple(tuple(sorted(s["sentences"])) for s in sets)
            docs.append(GoldDoc(str(doc_id), labels.pop(), rationales))
        claims[int(record["id"])] = GoldClaim(int(record["id"]), record["claim"], tuple(docs))
    return claims


def read_abstracts(path: Path) -> dict[str, tuple[str, ...]]:
    return {str(r["doc_id"]): tuple(r["abstract"]) for r in read_jsonl(path)}


# ---------------------------------------------------------------- the run


@dataclass(frozen=True, slots=True)
class BuildFigures:
    seconds: float
    documents: int
    passages: int
    cached: bool


def open_or_build(
    corpus_file: Path, index_dir: Path, embedder: Embedder
) -> tuple[EvidenceIndex, BuildFigures]:
    """The cached index of corpus_file, built first when missing or built from another file."""
    from evidence import BuildOptions, build_index, corpus_fingerprint, open_index, update_index
    from evidence.errors import IndexCorrupt, IndexMismatch, IndexNotFound

    stats_file = index_dir.with_name(index_dir.name + ".build.json")
    with tempfile.TemporaryDirectory(prefix="scifact-corpus-") as tmp:
        # build_index reads a folder; this one holds only the corpus, so the claims files stay out.
        folder = Path(tmp)
        # a copy, not a symlink: a corpus never follows links out of its folder (8.6 MB, copied in a blink)
        shutil.copy2(corpus_file, folder / CORPUS_FILE)
        fingerprint = corpus_fingerprint(folder)
        try:
            index = open_index(index_dir, embedder)
            if index.manifest.corpus_fingerprint != fingerprint:
                # Same folder, other fingerprint (the data was copied or touched): an update re-embeds
                # only abstracts whose content changed, usually none, and keeps the index id.
                index.close()
                update_index(index_dir, folder, embedder, follow_symlinks=True)
                index = open_index(index_dir, embedder)
            m = index.manifest
            recorded = json.loads(stats_file.read_text()) if stats_file.is_file() else {}
            seconds = recorded.get("seconds", float("nan")) if recorded.get("index_id") == m.index_id else float("nan")
            return index, BuildFigures(seconds, m.documents, m.passages, cached=True)
        except (IndexNotFound, IndexCorrupt, IndexMismatch):
            pass
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        embedder.encode_documents(["warm-up"])  # loading the model is not indexing time
        last = [time.perf_counter()]

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "embed" and time.perf_counter() - last[0] > 60:
                last[0] = time.perf_counter()
                print(f"  indexing: embedded {done}/{total} passages", file=sys.stderr, flush=True)

        start = time.perf_counter()
        result = build_index(folder, index_dir, embedder, BuildOptions(follow_symlinks=True, progress=progress))
        seconds = time.perf_counter() - start
    m = result.manifest
    stats_file.write_text(json.dumps({"index_id": m.index_id, "seconds": round(seconds, 1)}))
    return open_index(index_dir, embedder), BuildFigures(seconds, m.documents, m.passages, cached=False)


def claims_file(claims: Iterable[GoldClaim], path: Path) -> Path:
    """The claims as the JSONL that `factcheck check --claims` reads, ids kept."""
    lines = [json.dumps({"id": str(c.id), "claim": c.text}, ensure_ascii=False) for c in claims]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check(claims_path: Path, index: Any, settings: Settings, verifier: Any = None) -> tuple[Report, float]:
    """`factcheck check --claims` without the CLI: the same reader, pipeline and verifier factory."""
    from claims import read_claims_file
    from factcheck.pipeline import GIVEN_CLAIMS, ClaimSet, check_claims
    from factcheck.verify.factory import make_verifier

    claim_set = ClaimSet(str(claims_path), *read_claims_file(claims_path))
    verifier = verifier if verifier is not None else make_verifier(settings)
    start = time.perf_counter()
    report = check_claims([claim_set], index, verifier, settings, claim_source=GIVEN_CLAIMS)
    return report, time.perf_counter() - start


def predictions_of(report: Report, index: EvidenceIndex, abstracts: Abstracts) -> list[Prediction]:
    from evidence import store

    verdicts = report.verdicts()
    ids = {e.doc_id for v in verdicts for e in v.evidence}
    texts = store.document_texts(index.connection, ids)
    spans = {
        scifact_doc_id(i): abstract_spans(text, abstracts[scifact_doc_id(i)]) for i, text in texts.items()
    }
    return [to_prediction(v, spans) for v in verdicts]


def doc_rankings(index: EvidenceIndex, gold: Gold, depth: int) -> dict[int, list[str]]:
    """Per claim, abstracts in the order of the index's fused passage ranking (first occurrence)."""
    from evidence.retrieve import fuse

    claims = list(gold.values())
    dense, lexical = index.candidates([c.text for c in claims], max(depth, index.fusion.candidates))
    doc_of = {int(pid): doc for pid, doc in index.connection.execute("SELECT id, doc_id FROM passages")}
    rankings: dict[int, list[str]] = {}
    for claim, d, lx in zip(claims, dense, lexical, strict=True):
        ranked = dict.fromkeys(scifact_doc_id(doc_of[pid]) for pid, _ in fuse(d, lx, index.fusion))
        rankings[claim.id] = list(ranked)
    return rankings


class SearchOnce:
    """Stands in for the index inside check_claims while tuning: one search at the largest k, then
    the first k hits for any smaller k (fusion ranks passages independently of k)."""

    def __init__(self, index: EvidenceIndex, queries: Sequence[str], k: int, sentences: int = 1) -> None:
        self.manifest = index.manifest
        self.k, self.sentences = k, sentences
        unique = list(dict.fromkeys(queries))
        self._hits: dict[str, tuple[Evidence, ...]] = dict(
            zip(unique, index.search(unique, k=k, sentences=sentences), strict=True)
        )

    def search(
        self, queries: Sequence[str], k: int = 5, *, sentences: int = 1
    ) -> tuple[tuple[Evidence, ...], ...]:
        if k > self.k or sentences > self.sentences:
            raise ValueError(
                f"searched with k={self.k}, sentences={self.sentences} only, asked for k={k}, sentences={sentences}"
            )
        return tuple(_first(self._hits[q], k, sentences) for q in queries)


def _first(hits: Sequence[Evidence], k: int, sentences: int) -> tuple[Evidence, ...]:
    """The evidence a search with smaller k and sentences returns: each passage's sentences come best first."""
    kept, seen = [], Counter()
    for ev in hits:
        seen[ev.passage_id] += 1
        if ev.rank <= k and seen[ev.passage_id] <= sentences:
            kept.append(ev)
    return tuple(kept)


def memo_reader() -> Any:
    """A FactReader that reads each text once: while tuning, only thresholds change between runs."""
    from factcheck.verify.facts import FactReader, TextFacts

    class MemoReader(FactReader):
        def __init__(self) -> None:
            super().__init__()
            self.seen: dict[str, TextFacts] = {}

        def read(self, texts: Sequence[str]) -> tuple[TextFacts, ...]:
            todo = [t for t in dict.fromkeys(texts) if t not in self.seen]
            if todo:
                self.seen.update(zip(todo, FactReader.read(self, todo), strict=True))
            return tuple(self.seen[t] for t in texts)

    return MemoReader()


def grid_for(verifier: Any) -> dict[str, tuple[float, ...]]:
    from factcheck.verify.heuristic import HeuristicVerifier

    if isinstance(verifier, HeuristicVerifier):
        return dict(GRID)
    if hasattr(verifier, "model"):
        return dict(MODEL_GRID)
    return {"top_k": GRID["top_k"]}


def held_out_of_training(gold: Gold, model_dir: Path, data: Path) -> Gold:
    """The train claims that a trained verifier never saw: the same per-claim draw its training used.

    Tuning on claims the model was trained on would reward it for remembering their rationales.
    """
    from factcheck.training.dataset import HELD_OUT, held_out_by, held_out_draw, scifact_claim_groups
    from factcheck.training.text import claim_key

    record = json.loads((model_dir / "training.json").read_text(encoding="utf-8"))
    seed, share = int(record["seed"]), HELD_OUT["scifact_train"]
    # A model whose split held out whole groups of claims citing a common abstract is tuned on those.
    groups = scifact_claim_groups(data / "claims_train.jsonl") if held_out_by(model_dir) == "abstract" else {}
    return {
        cid: c
        for cid, c in gold.items()
        if held_out_draw(seed, groups.get(claim_key(c.text), claim_key(c.text))) < share
    }


def memo_model(model: Any) -> Any:
    """Wraps a cross-encoder so that each (claim, evidence) pair is scored once while tuning."""
    import numpy as np

    seen: dict[tuple[str, str], Any] = {}
    predict = model.predict_proba

    def predict_proba(pairs: Sequence[tuple[str, str]]) -> Any:
        todo = [p for p in dict.fromkeys(pairs) if p not in seen]
        if todo:
            seen.update(zip(todo, predict(todo), strict=True))
        return np.vstack([seen[p] for p in pairs]) if pairs else predict(pairs)

    model.predict_proba = predict_proba
    return model


def tune(index: EvidenceIndex, claims_path: Path, gold: Gold, abstracts: Abstracts, base: Settings) -> Tuned:
    """Every grid setting scored on the given (train) claims, best first by abstract label-only F1.

    Only the settings the configured verifier reads are searched (see ``grid_for``). The verifier,
    its spaCy analyses and its model scores are made once and reused across the settings.
    """
    from factcheck.verify.factory import make_verifier
    from factcheck.verify.facts import FactReader

    verifier = make_verifier(base)
    grid = grid_for(verifier)
    searched = SearchOnce(
        index, [c.text for c in gold.values()], int(max(grid["top_k"])), int(max(grid.get("evidence_sentences", (1,))))
    )
    if isinstance(getattr(verifier, "reader", None), FactReader):
        verifier.reader = memo_reader()
    if hasattr(verifier, "model"):
        memo_model(verifier.model)
    results = []
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    print(f"  tuning: searched once; scoring {len(combos)} settings", file=sys.stderr, flush=True)
    for combo in combos:
        settings = replace(base, **{k: int(v) if k in INT_SETTINGS else v for k, v in combo.items()})
        verifier.settings = settings
        report, _ = check(claims_path, searched, settings, verifier)
        results.append((score(gold, predictions_of(report, index, abstracts)), settings))
    # Among equally good settings, the one nearest the configured values: no change without a gain.
    results.sort(
        key=lambda r: (
            -r[0].abstract_label.f1,
            -r[0].abstract_rationale.f1,
            -r[0].claims.macro_f1,
            _distance(r[1], base, tuple(grid)),
        )
    )
    return results


# ---------------------------------------------------------------- printing


def build_text(build: BuildFigures) -> str:
    if build.cached and math.isnan(build.seconds):
        return "cached; built by another run, build time not recorded"
    how = "cached; built earlier in" if build.cached else "built in"
    return f"{how} {build.seconds:.0f} s on {os.cpu_count()} CPUs"


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}"


def score_table(scores: Scores) -> list[str]:
    rows = [
        ("abstract  label only", scores.abstract_label),
        ("abstract  label+rationale", scores.abstract_rationale),
        ("sentence  selection only", scores.sentence_selection),
        ("sentence  selection+label", scores.sentence_label),
    ]
    out = [
        "| level / task              |   P   |   R   |  F1   |",
        "|---------------------------|-------|-------|-------|",
    ]
    out += [f"| {name:<25} | {_pct(s.precision)} | {_pct(s.recall)} | {_pct(s.f1)} |" for name, s in rows]
    c = scores.claims
    out.append(f"claim level (3-way): accuracy {_pct(c.accuracy)}, macro-F1 {_pct(c.macro_f1)}")
    out.append("| gold \\ predicted | SUPPORT | CONTRADICT |  NEI  |")
    out += [
        f"| {label:<16} | {r[0]:7d} | {r[1]:10d} | {r[2]:5d} |"
        for label, r in zip(LABELS, c.confusion, strict=True)
    ]
    return out


def _setting_text(settings: Settings) -> str:
    if settings.verifier == "heuristic":
        detail = f"support={settings.support_threshold:.2f} conflict={settings.conflict_threshold:.2f}"
    else:
        detail = f"verdict={settings.verdict_threshold:.2f} evidence={settings.evidence_threshold:.2f}"
    sentences = f" sentences={settings.evidence_sentences}" if settings.evidence_sentences != 1 else ""
    return f"verifier={settings.verifier} top_k={settings.top_k}{sentences} {detail}"


def wrong_claims(gold: Gold, predictions: Sequence[Prediction]) -> list[int]:
    """Claims whose 3-way label is wrong, or whose right SUPPORT/CONTRADICT label came from no gold
    abstract; ascending ids (the fixed rule of the error analysis)."""
    wrong = []
    for p in predictions:
        truth = gold[p.claim_id]
        gold_docs = {d.doc_id for d in truth.docs}
        if p.label != truth.label or (p.label in DECISIVE and not gold_docs & {d.doc_id for d in p.docs}):
            wrong.append(p.claim_id)
    return sorted(wrong)


def describe_wrong(
    claim_ids: Sequence[int],
    gold: Gold,
    report: Report,
    predictions: Sequence[Prediction],
    rankings: Mapping[int, Sequence[str]],
    abstracts: Abstracts,
) -> list[str]:
    verdicts = {int(v.claim.id): v for v in report.verdicts()}
    by_id = {p.claim_id: p for p in predictions}
    lines = []
    for cid in claim_ids:
        truth, verdict, pred = gold[cid], verdicts[cid], by_id[cid]
        ranks = [rankings[cid].index(d.doc_id) + 1 if d.doc_id in rankings[cid] else None for d in truth.docs]
        lines.append(f"- claim {cid} [{truth.label} -> {pred.label}] {truth.text}")
        for doc, rank in zip(truth.docs, ranks, strict=True):
            first = abstracts[doc.doc_id][doc.rationales[0][0]].strip()
            lines.append(
                f"    gold {doc.doc_id} (retrieval rank {rank}) s{list(doc.rationales[0])}: {first[:160]}"
            )
        for doc in pred.docs:
            lines.append(f"    predicted {doc.doc_id} s{list(doc.sentences)}")
        lines.append(f"    verifier: {verdict.reason}")
        for e in verdict.evidence[:2]:
            lines.append(
                f"    evidence {scifact_doc_id(e.doc_id)} ({e.sentence_score:.2f}): {e.sentence[:160]}"
            )
    return lines


def read_predictions(path: Path, gold: Gold) -> list[Prediction]:
    """Predictions written by ``--predictions`` (SciFact's format) for the claims of ``gold``."""
    if not path.is_file():
        raise BenchError(f"{path} does not exist: write the base run's predictions with --predictions first")
    predictions = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
            docs = tuple(
                PredictedDoc(str(doc_id), str(d["label"]), tuple(int(i) for i in d["sentences"]))
                for doc_id, d in row["evidence"].items()
            )
            claim_id = int(row["id"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BenchError(
                f"{path}: line {n} is not a SciFact prediction ({exc!r}); write it with --predictions"
            ) from exc
        if claim_id not in gold:
            raise BenchError(
                f"{path}: claim {claim_id} is not among the {len(gold)} claims checked now; compare runs of the "
                "same split (and both with or both without --held-out)"
            )
        predictions.append(Prediction(claim_id, docs[0].label if docs else NEI, docs))
    return predictions


def predictions_jsonl(predictions: Sequence[Prediction]) -> str:
    """SciFact's leaderboard submission format, one claim per line."""
    lines = []
    for p in predictions:
        evidence = {d.doc_id: {"sentences": list(d.sentences), "label": d.label} for d in p.docs}
        lines.append(json.dumps({"id": p.claim_id, "evidence": evidence}))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--split", choices=("dev", "train"), default="dev", help="claims to check (default dev)"
    )
    parser.add_argument(
        "--tune", action="store_true", help="grid-search top_k and thresholds (train split only)"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="folder with corpus.jsonl and claims_*.jsonl")
    parser.add_argument(
        "--index-dir", type=Path, default=INDEX_DIR, help=f"index cache (default {INDEX_DIR})"
    )
    parser.add_argument("--verifier", help="setting verifier: heuristic, model, fast or a model folder")
    parser.add_argument("--top-k", type=int, help="setting top_k (default: factcheck's configuration)")
    parser.add_argument(
        "--evidence-sentences", type=int, help="setting evidence_sentences (sentences read per passage)"
    )
    parser.add_argument("--support-threshold", type=float, help="setting support_threshold")
    parser.add_argument("--conflict-threshold", type=float, help="setting conflict_threshold")
    parser.add_argument(
        "--wrong", type=int, default=0, metavar="N", help="list the first N wrong claims by id"
    )
    parser.add_argument(
        "--predictions", type=Path, help="also write the predictions in SciFact's format here"
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="train split only: check just the claims the model verifier's training held out",
    )
    parser.add_argument(
        "--held-out-of",
        type=Path,
        metavar="MODEL_DIR",
        help="train split only: check the claims held out from the training of this verifier folder, whichever "
        "verifier checks them (two models on the claims one of them never saw)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="PREDICTIONS",
        help="a --predictions file of another run on the same claims: print the paired difference",
    )
    args = parser.parse_args(argv)
    if args.tune and args.split != "train":
        parser.error("--tune searches on train claims only, never on dev: add --split train")
    if (args.held_out or args.held_out_of) and (args.split != "train" or args.tune):
        parser.error("--held-out picks train claims to check (add --split train); --tune already uses them")
    if args.held_out and args.held_out_of:
        parser.error("--held-out-of names whose held-out claims to check: drop --held-out")
    if args.held_out_of and not (args.held_out_of / "training.json").is_file():
        parser.error(f"--held-out-of {args.held_out_of}: no training.json there; pass a verifier folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from claims.errors import ClaimsError
    from evidence import SentenceTransformerEmbedder
    from evidence.errors import EvidenceError
    from factcheck.config import load_settings
    from factcheck.errors import FactcheckError

    try:
        gold = read_gold(args.data / f"claims_{args.split}.jsonl")
        abstracts = read_abstracts(args.data / CORPUS_FILE)
        # The same layering as the CLI: defaults < pyproject/factcheck.toml < FACTCHECK_* < these flags.
        settings = load_settings(
            overrides={
                "verifier": args.verifier,
                "top_k": args.top_k,
                "evidence_sentences": args.evidence_sentences,
                "support_threshold": args.support_threshold,
                "conflict_threshold": args.conflict_threshold,
            }
        )
        index, build = open_or_build(args.data / CORPUS_FILE, args.index_dir, SentenceTransformerEmbedder())
        with index, tempfile.TemporaryDirectory(prefix="scifact-claims-") as tmp:
            claims_path = claims_file(gold.values(), Path(tmp) / "claims.jsonl")
            print(
                f"SciFact {args.split}: {len(gold)} claims; index {index.manifest.index_id}: "
                f"{build.documents} abstracts, {build.passages} passages ({build_text(build)})"
            )
            if args.tune:
                run_tune(index, claims_path, gold, abstracts, settings, args.data)
            else:
                warm_up = claims_file(list(gold.values())[:1], Path(tmp) / "warm-up.jsonl")
                run_eval(args, index, (warm_up, claims_path), gold, abstracts, settings)
        return 0
    except (BenchError, ClaimsError, EvidenceError, FactcheckError) as exc:
        print(f"scifact: error: {exc}", file=sys.stderr)
        return 2


def run_eval(
    args: argparse.Namespace,
    index: EvidenceIndex,
    claim_files: tuple[Path, Path],
    gold: Gold,
    abstracts: Abstracts,
    settings: Settings,
) -> None:
    from factcheck.verify.factory import make_verifier

    verifier = make_verifier(settings)
    if args.held_out and not hasattr(verifier, "model"):
        raise BenchError("--held-out needs a model verifier: the heuristic was trained on no claims")
    trained = verifier.model.path if args.held_out else args.held_out_of
    if trained is not None:
        gold = held_out_of_training(gold, trained, args.data)
        claim_files = (claim_files[0], claims_file(gold.values(), claim_files[1].with_name("held-out.jsonl")))
        whose = "the verifier's training" if args.held_out else f"the training of {trained}"
        print(f"checking the {len(gold)} train claims {whose} held out")
    baseline = read_predictions(args.baseline, gold) if args.baseline else None
    start = time.perf_counter()
    # One claim through the whole path first, so that the timed run excludes loading the models.
    check(claim_files[0], index, settings, verifier)
    load_seconds = time.perf_counter() - start
    report, seconds = check(claim_files[1], index, settings, verifier)
    predictions = predictions_of(report, index, abstracts)
    scores = score(gold, predictions)
    start = time.perf_counter()
    rankings = doc_rankings(index, gold, max(KS))
    ranking_seconds = time.perf_counter() - start
    recall = recall_at(gold, rankings)
    print(f"verifier id {report.manifest.verifier}; {_setting_text(settings)}")
    print("verdicts: " + ", ".join(f"{label} {n}" for label, n in report.counts().items()))
    print("\n".join(score_table(scores)))
    intervals = bootstrap_intervals(gold, predictions)
    print(
        "95% bootstrap intervals over claims (1,000 resamples): abstract label-only F1 "
        + "{:.1f} to {:.1f}".format(*(100 * x for x in intervals["abstract_label_f1"]))
        + ", claim macro-F1 "
        + "{:.1f} to {:.1f}".format(*(100 * x for x in intervals["claim_macro_f1"]))
    )
    with_docs = sum(1 for c in gold.values() if c.docs)
    print(
        f"retrieval recall of gold abstracts ({with_docs} claims with evidence): "
        + "  ".join(f"R@{k} {_pct(v)}" for k, v in recall.items())
    )
    print(
        f"wall time: checking {len(gold)} claims {seconds:.1f} s "
        f"({1000 * seconds / max(1, len(gold)):.0f} ms/claim; models loaded before, {load_seconds:.1f} s); "
        f"recall rankings {ranking_seconds:.1f} s"
    )
    if baseline is not None:
        print(f"against {args.baseline} (paired bootstrap over the same claims, 1,000 resamples):")
        for name, (diff, low, high, ahead) in paired_bootstrap(gold, baseline, predictions).items():
            print(
                f"  {name.replace('_', ' ')}: {100 * diff:+.1f} points, 95% interval {100 * low:+.1f} to "
                f"{100 * high:+.1f}, ahead in {100 * ahead:.0f}% of resamples"
            )
    if args.predictions:
        args.predictions.write_text(predictions_jsonl(predictions), encoding="utf-8")
    if args.wrong:
        wrong = wrong_claims(gold, predictions)
        print(f"\n{len(wrong)} wrong claims; the first {min(args.wrong, len(wrong))} by id:")
        print("\n".join(describe_wrong(wrong[: args.wrong], gold, report, predictions, rankings, abstracts)))


def run_tune(
    index: EvidenceIndex,
    claims_path: Path,
    gold: Gold,
    abstracts: Abstracts,
    settings: Settings,
    data: Path,
) -> None:
    from factcheck.verify.factory import make_verifier

    verifier = make_verifier(settings)
    if hasattr(verifier, "model"):
        held = held_out_of_training(gold, verifier.model.path, data)
        if not held:
            raise BenchError(
                f"none of the {len(gold)} train claims was held out from the verifier's training, so none can "
                "tune it fairly: tune with --verifier heuristic, or a model trained without these claims"
            )
        print(f"the verifier was trained on SciFact train: tuning on the {len(held)} train claims it never saw")
        gold = held
        claims_path = claims_file(gold.values(), claims_path.with_name("held-out.jsonl"))
    start = time.perf_counter()
    results = tune(index, claims_path, gold, abstracts, settings)
    names = [n for n in grid_for(verifier) if n != "top_k"]
    print(f"tuned {len(results)} settings on {len(gold)} train claims in {time.perf_counter() - start:.0f} s")
    print("| top_k | " + " | ".join(names) + " | abstract label F1 | abstract +rationale F1 | claim macro-F1 |")
    print("|-------|" + "|".join("-" * (len(n) + 2) for n in names) + "|---|---|---|")
    configured = next((r for r in results if _same(r[1], settings, ("top_k", *names))), None)
    for scores, s in results[:8] + ([configured] if configured and configured not in results[:8] else []):
        mark = " configured" if configured and s is configured[1] else ""
        values = " | ".join(f"{getattr(s, n)}" if n in INT_SETTINGS else f"{getattr(s, n):.2f}" for n in names)
        print(
            f"| {s.top_k:5d} | {values} | {_pct(scores.abstract_label.f1)} | "
            f"{_pct(scores.abstract_rationale.f1)} | {_pct(scores.claims.macro_f1)} |{mark}"
        )
    print(f"best on train: {_setting_text(results[0][1])}")


def _distance(a: Settings, b: Settings, names: Sequence[str]) -> float:
    return sum(abs(getattr(a, n) - getattr(b, n)) / (10 if n in INT_SETTINGS else 1) for n in names)


def _same(a: Settings, b: Settings, names: Sequence[str]) -> bool:
    return all(getattr(a, n) == getattr(b, n) for n in names)


if __name__ == "__main__":
    sys.exit(main())
