"""SciFact pairs: rationale sentences of cited abstracts as evidence, and the oracle set used for scoring.

Only ``claims_train.jsonl`` is ever turned into training pairs; ``claims_dev.jsonl`` is read for the
benchmark and for the leakage guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evidence.titles import behind_title
from factcheck.training.errors import DataFormatError
from factcheck.training.sources import label_of, read_jsonl
from factcheck.training.tfidf import TfidfIndex
from factcheck.training.types import NEI, Pair

# Evidence for a NOT ENOUGH INFO claim: as many of its cited abstract's sentences as a typical
# rationale has, chosen as the ones closest to the claim so that topic alone never gives the label away.
NEI_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class Abstract:
    doc_id: int
    title: str
    sentences: tuple[str, ...]


class SciFactCorpus:
    """The 5,183 abstracts with a sentence-level TF-IDF index (built once, a few seconds)."""

    def __init__(self, data_dir: Path) -> None:
        path = data_dir / "scifact" / "corpus.jsonl"
        self.docs = {
            int(row["doc_id"]): Abstract(int(row["doc_id"]), row["title"], tuple(row["abstract"]))
            for row in read_jsonl(path)
        }
        self._offsets: dict[int, int] = {}
        sentences: list[str] = []
        for doc_id, doc in self.docs.items():
            self._offsets[doc_id] = len(sentences)
            sentences.extend(doc.sentences)
        self._sentences = TfidfIndex(sentences)
        self._abstracts = TfidfIndex([f"{d.title} {' '.join(d.sentences)}" for d in self.docs.values()])
        self._doc_order = tuple(self.docs)

    def doc(self, doc_id: int) -> Abstract | None:
        return self.docs.get(int(doc_id))

    def closest_sentences(
        self, claim: str, doc_id: int, k: int, exclude: frozenset[int] = frozenset()
    ) -> str:
        """The ``k`` sentences of one abstract nearest to the claim, joined in document order."""
        doc = self.docs[doc_id]
        base = self._offsets[doc_id]
        candidates = [base + i for i in range(len(doc.sentences)) if i not in exclude]
        chosen = sorted(self._sentences.rank_within(claim, candidates)[:k])
        return " ".join(doc.sentences[i - base] for i in chosen)

    def nearest_doc(self, claim: str) -> int:
        return self._doc_order[int(self._abstracts.nearest([claim], 1)[0, 0])]


def rationale_text(doc: Abstract, indices: list[int] | tuple[int, ...]) -> str:
    return " ".join(doc.sentences[i] for i in sorted(set(indices)) if 0 <= i < len(doc.sentences))


@dataclass(frozen=True, slots=True)
class OracleRecord:
    """An oracle pair and the abstract its evidence comes from."""

    pair: Pair
    doc: Abstract


def oracle_pairs(data_dir: Path, split: str, corpus: SciFactCorpus) -> tuple[Pair, ...]:
    """One pair per claim, as scored by the benchmark: SUPPORT / CONTRADICT claims with all rationale
    sentences of their first evidence abstract, NEI claims with the closest sentences of their first
    cited abstract (or of the nearest abstract when none is cited)."""
    return tuple(record.pair for record in oracle_records(data_dir, split, corpus))


def oracle_records(data_dir: Path, split: str, corpus: SciFactCorpus) -> tuple[OracleRecord, ...]:
    """``oracle_pairs`` with the abstract of each pair, for reading them through the whole verifier."""
    records = []
    for row in read_jsonl(data_dir / "scifact" / f"claims_{split}.jsonl"):
        claim, evidence = row["claim"], row.get("evidence") or {}
        if evidence:
            doc_id = min(evidence, key=int)
            sets = evidence[doc_id]
            doc = _doc(corpus, doc_id, split)
            label = label_of(sets[0]["label"], f"claims_{split}.jsonl id {row['id']}")
            rationale = rationale_text(doc, [i for s in sets for i in s["sentences"]])
            records.append(OracleRecord(Pair(claim, rationale, label, _src(split)), doc))
            continue
        cited = [int(d) for d in row.get("cited_doc_ids", ()) if corpus.doc(d) is not None]
        doc_id = min(cited) if cited else corpus.nearest_doc(claim)
        nearest = corpus.closest_sentences(claim, doc_id, NEI_SENTENCES)
        records.append(OracleRecord(Pair(claim, nearest, NEI, _src(split)), corpus.docs[doc_id]))
    return tuple(records)


def training_pairs(data_dir: Path, corpus: SciFactCorpus, *, titles: bool = False) -> tuple[Pair, ...]:
    """SciFact train pairs: every rationale set and each abstract's union of rationales with the claim's
    label; NOT ENOUGH INFO from NEI claims' cited abstracts, from cited abstracts without rationales, and
    from the non-rationale sentences of an evidence abstract (hard negatives on the same topic).
    With ``titles`` each evidence text stands behind its abstract's title, as factcheck feeds it."""
    pairs: dict[tuple[str, str], Pair] = {}
    doc_of: dict[tuple[str, str], Abstract] = {}

    def add(claim: str, evidence: str, label: str, source: str, doc: Abstract) -> None:
        if evidence:
            pairs.setdefault((claim, evidence), Pair(claim, evidence, label, source))
            doc_of.setdefault((claim, evidence), doc)

    for row in read_jsonl(data_dir / "scifact" / "claims_train.jsonl"):
        claim, evidence = row["claim"], row.get("evidence") or {}
        for doc_key, sets in sorted(evidence.items(), key=lambda item: int(item[0])):
            doc = _doc(corpus, doc_key, "train")
            label = label_of(sets[0]["label"], f"claims_train.jsonl id {row['id']}")
            rationale = [i for s in sets for i in s["sentences"]]
            add(claim, rationale_text(doc, rationale), label, "scifact_train", doc)
            for rationale_set in sets:
                add(claim, rationale_text(doc, rationale_set["sentences"]), label, "scifact_train", doc)
            if len(doc.sentences) - len(set(rationale)) >= NEI_SENTENCES:
                hard = corpus.closest_sentences(claim, doc.doc_id, NEI_SENTENCES, frozenset(rationale))
                add(claim, hard, NEI, "scifact_train/non_rationale", doc)
        for doc_id in row.get("cited_doc_ids", ()):
            cited = corpus.doc(doc_id)
            if str(doc_id) not in evidence and cited is not None:
                text = corpus.closest_sentences(claim, int(doc_id), NEI_SENTENCES)
                add(claim, text, NEI, "scifact_train", cited)
    if not titles:
        return tuple(pairs.values())
    # Titled after deduplication, so that the same pairs come out in the same order either way.
    return tuple(
        Pair(p.claim, behind_title(doc_of[key].title, p.evidence), p.label, p.source) for key, p in pairs.items()
    )


def _doc(corpus: SciFactCorpus, doc_id: str | int, split: str) -> Abstract:
    doc = corpus.doc(int(doc_id))
    if doc is None:
        raise DataFormatError(
            f"claims_{split}.jsonl cites abstract {doc_id}, which corpus.jsonl lacks: use the full corpus"
        )
    return doc


def _src(split: str) -> str:
    return f"scifact_{split}"
