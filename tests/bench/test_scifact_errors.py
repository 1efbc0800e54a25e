"""The cause that bench/scifact_errors.py gives a wrong claim: the first failing stage, in pipeline order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.scifact import CONTRADICT, NEI, SUPPORT, GoldClaim, GoldDoc, PredictedDoc, Prediction
from bench.scifact_errors import CAUSES, cause, table

REFUTED_CLAIM = GoldClaim(1, "c1", (GoldDoc("10", CONTRADICT, ((2,),)), GoldDoc("20", CONTRADICT, ((0,),))))
NEI_CLAIM = GoldClaim(2, "c2", ())


def test_each_stage_is_blamed_only_when_every_stage_before_it_worked() -> None:
    assert cause(NEI_CLAIM, ["10"], 3, None, None) == CAUSES[0]
    # Gold abstracts ranked 4th and 5th are out of reach at top_k 3, not at 5.
    ranking = ["30", "40", "50", "20", "10"]
    assert cause(REFUTED_CLAIM, ranking, 3, "REFUTED", "REFUTED") == CAUSES[1]
    assert cause(REFUTED_CLAIM, ranking, 5, "REFUTED", "REFUTED") == CAUSES[4]
    retrieved = ["20", "30"]
    assert cause(REFUTED_CLAIM, retrieved, 3, "SUPPORTED", "REFUTED") == CAUSES[2]
    assert cause(REFUTED_CLAIM, retrieved, 3, "REFUTED", "NOT ENOUGH INFO") == CAUSES[3]
    assert cause(REFUTED_CLAIM, retrieved, 3, "REFUTED", "REFUTED") == CAUSES[4]


def test_the_table_counts_each_cause_with_what_was_predicted() -> None:
    gold = {1: REFUTED_CLAIM, 2: NEI_CLAIM}
    predictions = [
        Prediction(1, SUPPORT, (PredictedDoc("10", SUPPORT, (2,)),)),
        Prediction(2, SUPPORT, (PredictedDoc("10", SUPPORT, (1,)),)),
    ]
    lines = table(gold, predictions, {1: CAUSES[2], 2: CAUSES[0]})
    assert f"| {CAUSES[0]} | 1 | {NEI} -> {SUPPORT} 1 |" in lines
    assert f"| {CAUSES[2]} | 1 | {CONTRADICT} -> {SUPPORT} 1 |" in lines
    assert f"| {CAUSES[1]} | 0 |  |" in lines
    assert lines[-1] == "| all | 2 of 2 | |"


def test_the_command_blames_evidence_choice_for_a_wrong_label_the_gold_rationale_does_not_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import scifact, scifact_errors
    from tests.bench.test_scifact_run import ABSTRACTS, DEV

    data = tmp_path / "data" / "scifact"
    data.mkdir(parents=True)
    for name, rows in (("corpus.jsonl", ABSTRACTS), ("claims_dev.jsonl", DEV)):
        (data / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    index_dir, out = tmp_path / "index", tmp_path / "dev.jsonl"
    assert scifact.main(["--data", str(data), "--index-dir", str(index_dir), "--predictions", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["evidence"] == {"11": {"sentences": [1], "label": SUPPORT}}
    # The run says CONTRADICT where the verifier, reading the gold rationale, says SUPPORTED.
    rows[0]["evidence"]["11"]["label"] = CONTRADICT
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    capsys.readouterr()
    args = ["--predictions", str(out), "--data", str(data), "--index-dir", str(index_dir), "--ids", "5"]
    assert scifact_errors.main(args) == 0
    printed = capsys.readouterr().out
    assert "1 of 3 claims wrong" in printed
    assert f"| {CAUSES[4]} | 1 | {SUPPORT} -> {CONTRADICT} 1 |" in printed
    assert f"{CAUSES[4]}: 1" in printed
