"""bench/scifact_pairs.py: SciFact train claims as a user's label file, on the tiny corpus of
test_scifact_run (real index), with every label below worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.scifact_pairs import main
from tests.bench.test_scifact_run import ABSTRACTS, DEV, _jsonl

# Claim 4 is supported by abstract 11, sentence 1, but worded so that abstract 22 is retrieved too.
TRAIN = [
    *DEV,
    {"id": 4, "claim": "Zinc supplements shortened colds, and coffee after 6 pm delayed sleep.",
     "evidence": {"11": [{"sentences": [1], "label": "CONTRADICT"}]}, "cited_doc_ids": [11]},
]  # fmt: skip


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scifact-pairs")
    _jsonl(folder / "corpus.jsonl", ABSTRACTS)
    _jsonl(folder / "claims_train.jsonl", TRAIN)
    return folder


def _run(data: Path, tmp_path: Path, labels: str) -> list[dict]:
    out = tmp_path / f"{labels}.jsonl"
    args = ["--data", str(data), "--index-dir", str(data / "index"), "--claims", "all", "--labels", labels]
    assert main([*args, "--out", str(out)]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_sentence_and_abstract_labels_follow_the_gold_annotations(data: Path, tmp_path: Path) -> None:
    rows = _run(data, tmp_path, "sentence")
    by_claim: dict[str, list[dict]] = {}
    for row in rows:
        by_claim.setdefault(row["claim"], []).append(row)
    assert set(by_claim) == {c["claim"] for c in TRAIN}
    zinc = by_claim[DEV[0]["claim"]]
    # The zinc claim reads its own sentence in abstract 11 (a rationale) and other abstracts (not gold).
    assert [r["label"] for r in zinc if r["evidence"].startswith("Zinc supplements")] == ["SUPPORTED"]
    assert all(r["label"] == "NOT ENOUGH INFO" for r in zinc if not r["evidence"].startswith("Zinc supplements"))
    assert all(r["label"] == "NOT ENOUGH INFO" for r in by_claim[DEV[1]["claim"]])  # an NEI claim
    mixed = {r["evidence"].split(":")[0]: r["label"] for r in by_claim[TRAIN[3]["claim"]]}
    assert mixed["Zinc supplements and the common cold"] == "REFUTED"
    assert mixed["Coffee intake and sleep in adults"] == "NOT ENOUGH INFO"

    abstract_rows = _run(data, tmp_path, "abstract")
    assert [(r["claim"], r["evidence"]) for r in abstract_rows] == [(r["claim"], r["evidence"]) for r in rows]


def test_hard_negatives_keep_rationales_and_drop_gold_abstract_sentences(data: Path, tmp_path: Path) -> None:
    rows = _run(data, tmp_path, "hard-negatives")
    glacier = [r for r in rows if r["claim"] == DEV[2]["claim"]]
    rationale = "Glacier retreat in the Alps: " + DEV[2]["claim"]
    assert {"claim": DEV[2]["claim"], "evidence": rationale, "label": "SUPPORTED"} in glacier
    assert all(not r["evidence"].startswith("Glacier") for r in glacier if r["label"] == "NOT ENOUGH INFO")
    assert sum(r["label"] == "NOT ENOUGH INFO" for r in glacier) >= 1  # other abstracts were retrieved


def test_context_pairs_start_with_the_sentence_before(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "context.jsonl"
    args = ["--data", str(data), "--index-dir", str(data / "index"), "--claims", "all", "--labels", "hard-negatives"]
    assert main([*args, "--context", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    plain = _run(data, tmp_path, "hard-negatives")
    assert len(rows) == len(plain)
    # The zinc rationale (sentence 1) now follows sentence 0 of its abstract; the glacier one is sentence 0.
    zinc = "Zinc supplements and the common cold: BACKGROUND: Colds are frequent in children. " + DEV[0]["claim"]
    assert {"claim": DEV[0]["claim"], "evidence": zinc, "label": "SUPPORTED"} in rows
    glacier = "Glacier retreat in the Alps: " + DEV[2]["claim"]
    assert {"claim": DEV[2]["claim"], "evidence": glacier, "label": "SUPPORTED"} in rows
    # A retrieved coffee sentence that is not its passage's first reads the survey sentence before it.
    assert any(r["evidence"].endswith("We surveyed 900 adults about coffee. Drinking coffee after 6 pm delayed sleep "
                                      "onset by forty minutes.") for r in rows if r["label"] == "NOT ENOUGH INFO")
