"""bench/verifier.py's oracle evidence, read through the whole verifier (real model, real spaCy, real
embedder) on a tiny SciFact-shaped data folder written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.verifier import oracle_evidence, verdict_labels
from evidence import SentenceTransformerEmbedder
from factcheck.config import load_settings
from factcheck.training.scifact import SciFactCorpus, oracle_pairs, oracle_records
from factcheck.verify.factory import make_verifier

ABSTRACTS = [
    (1, "Zinc supplements and the common cold", [
        "Colds are frequent in school children.",
        "Daily zinc supplements shortened the common cold by two days in school children.",
        "No serious side effects were seen.",
    ]),
    (2, "Coffee intake and sleep in adults", [
        "We surveyed 900 adults about coffee.",
        "Drinking coffee after 6 pm delayed sleep onset by forty minutes.",
        "Tea was not studied.",
    ]),
]  # fmt: skip
CLAIMS = [
    {"id": 1, "claim": "Zinc supplements shorten the common cold in school children.",
     "evidence": {"1": [{"sentences": [1], "label": "SUPPORT"}]}, "cited_doc_ids": [1]},
    {"id": 2, "claim": "Drinking coffee in the evening has no effect on when adults fall asleep.",
     "evidence": {"2": [{"sentences": [0, 1], "label": "CONTRADICT"}]}, "cited_doc_ids": [2]},
    {"id": 3, "claim": "Zinc supplements cause hair loss.", "evidence": {}, "cited_doc_ids": [1]},
]  # fmt: skip


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    (root / "scifact").mkdir()
    rows = [{"doc_id": d, "title": t, "abstract": s, "structured": False} for d, t, s in ABSTRACTS]
    (root / "scifact" / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (root / "scifact" / "claims_dev.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CLAIMS))
    return root


def test_oracle_records_carry_the_abstract_of_each_oracle_pair(data: Path) -> None:
    corpus = SciFactCorpus(data)
    records = oracle_records(data, "dev", corpus)
    assert tuple(r.pair for r in records) == oracle_pairs(data, "dev", corpus)
    assert [r.doc.doc_id for r in records] == [1, 2, 1]
    assert [r.pair.label for r in records] == ["SUPPORTED", "REFUTED", "NOT ENOUGH INFO"]


def test_oracle_evidence_is_what_retrieval_would_hand_over_and_the_verifier_decides_on_it(data: Path) -> None:
    records = oracle_records(data, "dev", SciFactCorpus(data))
    embedder = SentenceTransformerEmbedder()
    claims, evidence = oracle_evidence(records, embedder)
    assert [c.text for c in claims] == [c["claim"] for c in CLAIMS]
    zinc, coffee = evidence[0], evidence[1]
    assert zinc.doc_title == "Zinc supplements and the common cold"
    assert zinc.passage_text == " ".join(ABSTRACTS[0][2])
    assert zinc.passage_text[zinc.sentence_start : zinc.sentence_end] == zinc.sentence == ABSTRACTS[0][2][1]
    # Two adjacent rationale sentences are one span of the abstract.
    assert coffee.passage_text[coffee.sentence_start : coffee.sentence_end] == " ".join(ABSTRACTS[1][2][:2])
    # The sentence score is the retrieval embedder's query-document cosine, as retrieval scores sentences.
    cosine = float((embedder.encode_queries([claims[0].text]) * embedder.encode_documents([zinc.sentence])).sum())
    assert zinc.sentence_score == pytest.approx(cosine, abs=1e-5)

    verifier = make_verifier(load_settings(overrides={"verifier": "model"}))
    labels = verdict_labels(verifier, claims, evidence)
    assert len(labels) == 3 and set(labels) <= {"SUPPORTED", "REFUTED", "NOT ENOUGH INFO"}
    # A close paraphrase of the rationale, naming the same subject, is supported by the shipped model.
    assert labels[0] == "SUPPORTED"


def test_host_line_names_the_cpu_cores_and_vector_extensions() -> None:
    import os

    from bench.verifier import host

    line = host()
    assert f"{os.cpu_count()} cores" in line
    # On Linux the flags are read from /proc/cpuinfo; every x86 host this project runs on has AVX2.
    if Path("/proc/cpuinfo").is_file() and "avx2" in Path("/proc/cpuinfo").read_text(encoding="utf-8"):
        assert "avx2" in line


def test_held_out_of_must_name_a_trained_verifier_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.verifier import main

    with pytest.raises(SystemExit) as info:
        main(["--held-out-of", str(tmp_path), "--png", str(tmp_path / "r.png")])
    assert info.value.code == 2
    assert "holds no training.json" in capsys.readouterr().err
    assert not (tmp_path / "r.png").exists()
