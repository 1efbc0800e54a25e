"""Pseudo-labelled pairs from a corpus's own conclusions (factcheck.training.conclusions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factcheck.training.conclusions import (
    Abstract,
    cited_doc_ids,
    claim_of,
    conclusion_claim,
    conclusion_pairs,
    read_abstracts,
    retrieved_negatives,
)
from factcheck.training.types import NEI, SUPPORTED, Pair

# Written for these tests: two made-up studies whose conclusions restate a result, and one whose
# conclusion says nothing a sentence of its abstract backs.
CORPUS = [
    {"doc_id": 1, "title": "Metformin and tumour growth in mice", "abstract": [
        "BACKGROUND Metformin is widely prescribed for type 2 diabetes.",
        "METHODS Forty mice with xenograft tumours received metformin or saline for six weeks.",
        "RESULTS Tumours grew more slowly in mice given metformin than in mice given saline.",
        "CONCLUSIONS These results suggest that metformin slows tumour growth in mice.",
    ]},
    {"doc_id": 2, "title": "Sleep loss and blood pressure", "abstract": [
        "We followed 300 adults for two years.",
        "Adults with short sleep of under five hours a night had higher systolic blood pressure.",
        "Short sleep was associated with higher blood pressure in adults.",
    ]},
    {"doc_id": 3, "title": "A survey of hospital libraries", "abstract": [
        "We surveyed librarians in forty hospitals about their reading rooms.",
        "Most rooms were open on weekdays.",
        "Future work should increase the number of hospitals surveyed in other countries.",
    ]},
    {"doc_id": 4, "title": "Cited elsewhere", "abstract": [
        "One sentence.", "Two sentences here.", "Exercise improves mood in older adults."]},
]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("CONCLUSIONS These results suggest that metformin slows tumour growth in mice.",
         "Metformin slows tumour growth in mice."),
        ("In conclusion, exercise improves mood in older adults", "Exercise improves mood in older adults."),
        ("CONCLUSION: Our data demonstrate that IL-6 is required for liver regeneration.",
         "IL-6 is required for liver regeneration."),
        ("Short sleep was associated with higher blood pressure in adults.",
         "Short sleep was associated with higher blood pressure in adults."),
    ],
)  # fmt: skip
def test_a_conclusion_loses_its_heading_and_lead_in(sentence: str, expected: str) -> None:
    assert claim_of(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "CONCLUSIONS Metformin was studied in mice for six weeks.",  # no direction word
        "Metformin increases it.",  # too short to be a self-contained fact
        "We show that " + "very " * 45 + "high doses increase risk.",  # too long to be one fact
    ],
)
def test_sentences_that_cannot_be_one_directional_fact_are_not_claims(sentence: str) -> None:
    assert claim_of(sentence) is None


def test_the_conclusion_is_the_headed_sentence_else_the_last() -> None:
    headed = Abstract("1", "t", tuple(CORPUS[0]["abstract"]))
    assert conclusion_claim(headed) == (3, "Metformin slows tumour growth in mice.")
    plain = Abstract("2", "t", tuple(CORPUS[1]["abstract"]))
    assert conclusion_claim(plain) == (2, "Short sleep was associated with higher blood pressure in adults.")
    assert conclusion_claim(Abstract("5", "t", ("Too short.", "Exercise improves mood in older adults."))) is None


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_abstracts_cited_by_evaluation_claims_are_left_out(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "corpus.jsonl", CORPUS)
    claims = _write(tmp_path / "claims.jsonl", [
        {"id": 1, "claim": "x", "evidence": {"4": []}, "cited_doc_ids": [4]},
        {"id": 2, "claim": "y", "evidence": {}, "cited_doc_ids": [3]},
    ])  # fmt: skip
    assert cited_doc_ids([claims]) == {"3", "4"}
    assert [a.doc_id for a in read_abstracts(corpus, cited_doc_ids([claims]))] == ["1", "2"]


class _KeywordTeacher:
    """Calls a pair SUPPORTED in proportion to the claim words its evidence shares: enough to tell
    which sentence backs which conclusion in the tiny corpus, and fully predictable."""

    labels = ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO")

    def predict_proba(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        rows = []
        for claim, evidence in pairs:
            words = {w.strip(".,").lower() for w in claim.split()}
            shared = len(words & {w.strip(".,:").lower() for w in evidence.split()}) / len(words)
            rows.append((shared, 0.0, 1.0 - shared))
        return np.asarray(rows)


def test_each_kept_pair_is_the_conclusion_with_its_best_backed_sentence(embedder) -> None:
    abstracts = tuple(Abstract(str(r["doc_id"]), r["title"], tuple(r["abstract"])) for r in CORPUS[:3])
    pairs = conclusion_pairs(abstracts, embedder, _KeywordTeacher(), threshold=0.5, log=lambda _: None)
    assert [p.claim for p in pairs] == [
        "Metformin slows tumour growth in mice.",
        "Short sleep was associated with higher blood pressure in adults.",
    ]
    assert pairs[1].evidence == (
        "Sleep loss and blood pressure: Adults with short sleep of under five hours a night had higher "
        "systolic blood pressure."
    )
    assert all(p.label == SUPPORTED and p.source == "corpus/conclusion" for p in pairs)
    # A headed sentence that only says what was done (METHODS) never backs a conclusion.
    assert not any("METHODS" in p.evidence or "BACKGROUND" in p.evidence for p in pairs)
    strict = conclusion_pairs(abstracts, embedder, _KeywordTeacher(), threshold=0.99, log=lambda _: None)
    assert strict == ()


def test_retrieved_negatives_come_from_other_abstracts_of_a_real_index(tmp_path: Path, embedder) -> None:
    from evidence import build_index, open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus / "corpus.jsonl", CORPUS)
    build_index(corpus, tmp_path / "index", embedder)
    pair = Pair(
        "Metformin slows tumour growth in mice.",
        "Metformin and tumour growth in mice: RESULTS Tumours grew more slowly in mice given metformin.",
        SUPPORTED,
        "corpus/conclusion",
    )
    index = open_index(tmp_path / "index", embedder)
    try:
        negatives = retrieved_negatives([pair], index, per_claim=2)
    finally:
        index.close()
    # The metformin abstract ranks first for its own conclusion and is skipped: the two best others remain.
    assert len(negatives) == 2
    assert all(n.label == NEI and n.claim == pair.claim for n in negatives)
    assert not any(n.evidence.startswith("Metformin and tumour growth in mice: ") for n in negatives)
    assert {n.evidence.split(": ", 1)[0] for n in negatives} <= {c["title"] for c in CORPUS[1:]}


def test_cli_labels_pairs_with_the_shipped_verifier_and_adds_retrieved_negatives(tmp_path: Path, embedder) -> None:
    from evidence import build_index

    folder = tmp_path / "corpus"
    folder.mkdir()
    corpus = _write(folder / "corpus.jsonl", CORPUS)
    build_index(folder, tmp_path / "index", embedder)
    claims = _write(tmp_path / "claims.jsonl", [{"id": 1, "claim": "x", "evidence": {}, "cited_doc_ids": [4]}])
    out = tmp_path / "pairs.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "factcheck.training.conclusions", "--corpus", str(corpus), "--exclude", str(claims),
         "--teacher", "factcheck/models/verifier", "--threshold", "0.5", "--index", str(tmp_path / "index"),
         "--out", str(out)],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    supported = {r["claim"]: r for r in rows if r["label"] == "SUPPORTED"}
    # The real verifier finds the metformin result backing its conclusion; the library survey's
    # "future work should increase..." has nothing in its abstract that supports it.
    assert "Metformin slows tumour growth in mice." in supported
    assert "RESULTS Tumours grew more slowly" in supported["Metformin slows tumour growth in mice."]["evidence"]
    assert not any("hospitals" in claim for claim in supported)
    negatives = [r for r in rows if r["label"] == "NOT ENOUGH INFO"]
    assert sorted(r["claim"] for r in negatives) == sorted(supported)
    assert {r["label"] for r in rows} == {"SUPPORTED", "NOT ENOUGH INFO"}


def test_cli_reports_a_missing_teacher_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "corpus.jsonl", CORPUS)
    out = tmp_path / "pairs.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "factcheck.training.conclusions", "--corpus", str(corpus),
         "--teacher", str(tmp_path / "nowhere"), "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "nowhere holds no model.safetensors" in result.stderr
    assert not out.exists()
