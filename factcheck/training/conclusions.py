"""Pseudo-labelled pairs from a corpus's own abstracts: a conclusion and the result that backs it.

    python -m factcheck.training.conclusions --corpus ../shared/data/scifact/corpus.jsonl \\
        --exclude ../shared/data/scifact/claims_train.jsonl --exclude ../shared/data/scifact/claims_dev.jsonl \\
        --teacher factcheck/models/verifier --out pairs.jsonl

The verifier's weak spot is a claim whose direction the evidence reverses in other words ("increases
fibrosis" against "lower fibrotic activity"); the direction contrasts made from labelled claims only
cover the few hundred wordings of their evidence. An abstract's conclusion usually restates one of its
results in other words, so the abstracts nobody labelled give many more: each conclusion with a
direction word (lead-in such as "These results suggest that" removed) becomes a claim, the sentence of
the same abstract the teacher verifier finds supporting it best (among the closest few by embedding)
becomes its evidence, and the pair is kept only when the teacher is confident. With ``--index`` (a
factcheck index of the same corpus) each claim also gets the sentences retrieved from other abstracts
as NOT ENOUGH INFO. Reversing the claim's
direction word (``python -m factcheck.training.contrast``) then gives a refuted pair whose evidence
words the reversal differently from the claim.

Abstracts cited by the ``--exclude`` claim files are skipped, so nothing evaluated on is seen. The
labels are the teacher's, not a person's: this is self-training, and the confidence threshold is what
keeps its noise down.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck.errors import FactcheckError
from factcheck.training.contrast import write_pairs
from factcheck.training.errors import TrainingError
from factcheck.training.sources import read_jsonl, titled
from factcheck.training.types import NEI, SUPPORTED, Pair
from factcheck.verify.directions import direction_words

if TYPE_CHECKING:
    from evidence import Evidence, EvidenceIndex
    from evidence.embed import Embedder
    from factcheck.verify.crossencoder import CrossEncoderModel

_SECTION = re.compile(r"^(?:CONCLUSIONS?|INTERPRETATIONS?|SIGNIFICANCE|IMPLICATIONS?)\b[\s:.-]*", re.IGNORECASE)
_CONNECTIVE = re.compile(
    r"^(?:in conclusion|in summary|to conclude|taken together|together|overall|thus|therefore|hence|"
    r"collectively|consequently|in addition|finally)\b,?\s*",
    re.IGNORECASE,
)
# "These results suggest that X": the claim is X. Only near the start, so a "that" deep inside the
# sentence (a relative clause) is not taken for the report's boundary.
_REPORT = re.compile(
    r"^.{0,90}?\b(?:suggest|suggests|suggested|indicate|indicates|indicated|show|shows|showed|shown|"
    r"demonstrate|demonstrates|demonstrated|reveal|reveals|revealed|conclude|concluded|establish|"
    r"establishes|established|confirm|confirms|confirmed|imply|implies|support|supports)\s+that\s+",
    re.IGNORECASE,
)
# Sentences that say what was studied, not what was found, cannot back a conclusion.
_NOT_A_FINDING = re.compile(r"^(?:BACKGROUND|OBJECTIVES?|PURPOSE|AIMS?|METHODS?|DESIGN|SETTING)\b")
MIN_WORDS, MAX_WORDS = 6, 40


@dataclass(frozen=True, slots=True)
class Abstract:
    doc_id: str
    title: str
    sentences: tuple[str, ...]


def claim_of(sentence: str) -> str | None:
    """The finding a conclusion sentence states, as a claim, or None when it has no direction word
    or is too short or long to be one fact."""
    text = _SECTION.sub("", sentence.strip())
    text = _CONNECTIVE.sub("", text)
    text = _REPORT.sub("", text).strip()
    if not text:
        return None
    text = text[0].upper() + text[1:]
    if not text.endswith("."):
        text = text.rstrip(";:,") + "."
    if not MIN_WORDS <= len(text.split()) <= MAX_WORDS or not direction_words(text):
        return None
    return text


def conclusion_claim(abstract: Abstract) -> tuple[int, str] | None:
    """The abstract's conclusion as a claim: the sentence under a CONCLUSION heading, else the last one."""
    for index in range(len(abstract.sentences) - 1, max(-1, len(abstract.sentences) - 3), -1):
        if _SECTION.match(abstract.sentences[index]):
            claim = claim_of(abstract.sentences[index])
            return (index, claim) if claim else None
    if len(abstract.sentences) < 3:
        return None
    index = len(abstract.sentences) - 1
    claim = claim_of(abstract.sentences[index])
    return (index, claim) if claim else None


def read_abstracts(corpus: Path, excluded: set[str]) -> tuple[Abstract, ...]:
    out = []
    for row in read_jsonl(corpus):
        doc_id = str(row.get("doc_id", ""))
        sentences = row.get("abstract")
        if doc_id in excluded or not isinstance(sentences, list):
            continue
        out.append(Abstract(doc_id, str(row.get("title", "")), tuple(str(s) for s in sentences)))
    return tuple(out)


def cited_doc_ids(claim_files: Iterable[Path]) -> set[str]:
    """Every abstract a SciFact-format claim file cites or takes evidence from."""
    cited: set[str] = set()
    for path in claim_files:
        for row in read_jsonl(path):
            cited.update(str(d) for d in row.get("cited_doc_ids", []))
            cited.update(str(d) for d in (row.get("evidence") or {}))
    return cited


def conclusion_pairs(
    abstracts: Sequence[Abstract],
    embed: Embedder,
    teacher: CrossEncoderModel,
    *,
    candidates: int = 3,
    threshold: float = 0.7,
    log: Callable[[str], object] = print,
) -> tuple[Pair, ...]:
    """One SUPPORTED pair per abstract whose conclusion the teacher finds backed by another sentence
    of the abstract with probability at least ``threshold``."""
    import numpy as np

    found = [(a, c) for a in abstracts if (c := conclusion_claim(a)) is not None]
    log(f"{len(found)} of {len(abstracts)} abstracts have a conclusion with a direction word")
    groups: list[tuple[Abstract, str, list[str]]] = []  # (abstract, claim, its other sentences)
    for abstract, (index, claim) in found:
        others = [
            s
            for i, s in enumerate(abstract.sentences)
            if i != index and not _NOT_A_FINDING.match(s) and len(s.split()) >= 5
        ]
        if others:
            groups.append((abstract, claim, others))
    # One embedding call for every text: per-abstract calls would pay the model's overhead thousands of times.
    vectors = embed.encode_documents([t for _, claim, others in groups for t in (claim, *others)])
    pairs: list[tuple[str, str]] = []  # (claim, titled evidence), the closest sentences of each abstract
    sources: list[str] = []  # the abstract each pair comes from
    start = 0
    for abstract, claim, others in groups:
        block = vectors[start : start + 1 + len(others)]
        start += 1 + len(others)
        scores = block[1:] @ block[0]
        for j in np.argsort(-scores, kind="stable")[:candidates]:
            pairs.append((claim, titled(abstract.title, others[int(j)])))
            sources.append(abstract.doc_id)
    log(f"scoring {len(pairs)} (conclusion, sentence) pairs with the teacher")
    probs = teacher.predict_proba(pairs)
    column = list(teacher.labels).index(SUPPORTED)
    # Each abstract's best-backed pair; dicts keep first-seen order, which is the corpus order.
    best: dict[str, tuple[float, tuple[str, str]]] = {}
    for source, pair, p in zip(sources, pairs, probs[:, column], strict=True):
        if p >= threshold and p > best.get(source, (-1.0, ("", "")))[0]:
            best[source] = (float(p), pair)
    return tuple(Pair(claim, evidence, SUPPORTED, "corpus/conclusion") for _, (claim, evidence) in best.values())


def retrieved_negatives(
    pairs: Sequence[Pair], index: EvidenceIndex, per_claim: int = 1, k: int = 5
) -> tuple[Pair, ...]:
    """NOT ENOUGH INFO pairs: for each claim, the ``per_claim`` best sentences ``index`` retrieves from
    other documents than the one its evidence comes from. Without them the pairs teach only SUPPORTED
    and REFUTED, and a model tuned on them stops abstaining on look-alike sentences."""
    hits = index.search([p.claim for p in pairs], k)
    out = []
    for pair, found in zip(pairs, hits, strict=True):
        others = [e for e in found if not _same_document(pair.evidence, e)][:per_claim]
        out.extend(
            Pair(pair.claim, titled(e.doc_title, e.sentence), NEI, "corpus/conclusion/retrieved_other") for e in others
        )
    return tuple(out)


def _same_document(evidence: str, hit: Evidence) -> bool:
    """Whether a retrieved sentence comes from the abstract the pair's evidence was taken from (its
    title leads the evidence; an untitled document is compared by its sentence)."""
    if hit.doc_title:
        return evidence.startswith(titled(hit.doc_title, ""))
    return evidence == titled("", hit.sentence)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m factcheck.training.conclusions",
        description="SUPPORTED pairs from a corpus's abstracts: each conclusion with the result that backs it.",
    )
    parser.add_argument("--corpus", type=Path, required=True, help="SciFact-format corpus.jsonl")
    parser.add_argument("--exclude", type=Path, action="append", default=[], help="claim file whose abstracts to skip")
    parser.add_argument("--teacher", type=Path, required=True, help="verifier folder that labels the pairs")
    parser.add_argument("--threshold", type=float, default=0.7, help="teacher's SUPPORTED probability to keep")
    parser.add_argument("--candidates", type=int, default=3, help="closest sentences the teacher reads per abstract")
    parser.add_argument(
        "--index", type=Path, help="factcheck index of the same corpus: retrieved sentences of other abstracts as NEI"
    )
    parser.add_argument("--negatives", type=int, default=1, help="NOT ENOUGH INFO pairs per claim with --index")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if not 0.0 < args.threshold < 1.0:
        parser.error("--threshold must be between 0 and 1")
    if args.negatives < 1:
        parser.error("--negatives must be at least 1")
    try:
        from evidence.embed import SentenceTransformerEmbedder
        from factcheck.verify.crossencoder import CrossEncoderModel

        if not (args.teacher / "model.safetensors").is_file():
            raise TrainingError(f"{args.teacher} holds no model.safetensors: pass a verifier folder")
        abstracts = read_abstracts(args.corpus, cited_doc_ids(args.exclude))
        pairs = conclusion_pairs(
            abstracts,
            SentenceTransformerEmbedder(),
            CrossEncoderModel(args.teacher),
            candidates=args.candidates,
            threshold=args.threshold,
        )
        if not pairs:
            raise TrainingError("no conclusion passed the teacher's threshold: lower --threshold")
        if args.index is not None:
            from evidence import open_index

            index = open_index(args.index, SentenceTransformerEmbedder())
            try:
                pairs = (*pairs, *retrieved_negatives(pairs, index, args.negatives))
            finally:
                index.close()
        write_pairs(pairs, args.out)
    except FactcheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = {label: sum(p.label == label for p in pairs) for label in (SUPPORTED, NEI)}
    print(f"wrote {args.out}: {len(pairs)} pairs {counts} from {len(abstracts)} abstracts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
