"""SciFact metrics and the verdict-to-prediction mapping of bench/scifact.py, on tiny hand-made cases.

Every expected figure below was worked out by hand from the definitions in allenai/scifact
doc/evaluation.md, not produced by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.scifact import (
    CONTRADICT,
    NEI,
    SUPPORT,
    BenchError,
    GoldClaim,
    GoldDoc,
    PredictedDoc,
    Prediction,
    abstract_scores,
    abstract_spans,
    bootstrap_intervals,
    claim_scores,
    paired_bootstrap,
    parse_args,
    predictions_jsonl,
    prf,
    read_gold,
    read_predictions,
    recall_at,
    scifact_doc_id,
    sentence_scores,
    sentences_at,
    to_prediction,
    wrong_claims,
)
from claims.types import Claim
from evidence.readers import jsonl_document
from evidence.types import Evidence
from factcheck.types import Label, Verdict

# Claim 7: two gold abstracts; "100" has two rationale sets, "200" one.
# Claim 8: contradicted by abstract "300". Claim 9: NEI.
GOLD = {
    7: GoldClaim(7, "c7", (GoldDoc("100", SUPPORT, ((2, 3), (6,))), GoldDoc("200", SUPPORT, ((0,),)))),
    8: GoldClaim(8, "c8", (GoldDoc("300", CONTRADICT, ((4,),)),)),
    9: GoldClaim(9, "c9", ()),
}


def approx(p: float, r: float, f1: float) -> tuple[float, float, float]:
    return pytest.approx(p), pytest.approx(r), pytest.approx(f1)


def triple(score) -> tuple[float, float, float]:
    return score.precision, score.recall, score.f1


def test_prf_is_zero_rather_than_undefined_when_nothing_is_predicted_or_gold() -> None:
    assert triple(prf(0, 0, 5)) == (0.0, 0.0, 0.0)
    assert triple(prf(0, 3, 0)) == (0.0, 0.0, 0.0)
    assert triple(prf(1, 2, 4)) == approx(0.5, 0.25, 1 / 3)


def test_abstract_and_sentence_scores_on_a_mixed_run() -> None:
    predictions = [
        # Right label; sentences 3 and 6 complete the set (6,) but only half of (2, 3).
        Prediction(7, SUPPORT, (PredictedDoc("100", SUPPORT, (3, 6, 9)), PredictedDoc("555", SUPPORT, (1,)))),
        # Right abstract, wrong label, exact rationale.
        Prediction(8, SUPPORT, (PredictedDoc("300", SUPPORT, (4,)),)),
        # An NEI claim that the system supported with an abstract of its own.
        Prediction(9, SUPPORT, (PredictedDoc("900", SUPPORT, (0, 1)),)),
    ]
    label_only, with_rationale = abstract_scores(GOLD, predictions)
    # 4 predicted abstracts, 3 gold ones; only claim 7's "100" has the right label, and its set (6,)
    # lies among its first three sentences.
    assert triple(label_only) == approx(1 / 4, 1 / 3, 2 / 7)
    assert triple(with_rationale) == approx(1 / 4, 1 / 3, 2 / 7)

    selection, selection_label = sentence_scores(GOLD, predictions)
    # Predicted sentences: 3 + 1 + 1 + 2 = 7; gold sentences: 2 + 1 + 1 + 1 = 5.
    # Correct selections: 6 in "100" (3 lacks its partner 2) and 4 in "300" (label ignored).
    assert triple(selection) == approx(2 / 7, 2 / 5, 1 / 3)
    # With the label: only sentence 6 of "100".
    assert triple(selection_label) == approx(1 / 7, 1 / 5, 1 / 6)


def test_only_the_first_three_sentences_count_for_the_abstract_rationale() -> None:
    late = [Prediction(8, CONTRADICT, (PredictedDoc("300", CONTRADICT, (0, 1, 2, 4)),))]
    label_only, with_rationale = abstract_scores(GOLD, late)
    assert triple(label_only) == approx(1.0, 1 / 3, 0.5)
    assert triple(with_rationale) == (0.0, 0.0, 0.0)
    # Sentence level counts every predicted sentence: 4 predicted, sentence 4 is right.
    selection, _ = sentence_scores(GOLD, late)
    assert triple(selection) == approx(1 / 4, 1 / 5, 2 / 9)


def test_nei_abstracts_are_not_predictions() -> None:
    predictions = [Prediction(7, NEI, (PredictedDoc("100", NEI, (6,)),))]
    assert triple(abstract_scores(GOLD, predictions)[0]) == (0.0, 0.0, 0.0)
    selection, _ = sentence_scores(GOLD, predictions)
    assert triple(selection) == (0.0, 0.0, 0.0)


def test_a_perfect_run_scores_one_everywhere() -> None:
    perfect = [
        Prediction(7, SUPPORT, (PredictedDoc("100", SUPPORT, (2, 3, 6)), PredictedDoc("200", SUPPORT, (0,)))),
        Prediction(8, CONTRADICT, (PredictedDoc("300", CONTRADICT, (4,)),)),
        Prediction(9, NEI, ()),
    ]
    for pair in (abstract_scores(GOLD, perfect), sentence_scores(GOLD, perfect)):
        for score in pair:
            assert triple(score) == approx(1.0, 1.0, 1.0)
    claims = claim_scores(GOLD, perfect)
    assert claims.accuracy == pytest.approx(1.0)
    assert claims.macro_f1 == pytest.approx(1.0)


def test_bad_predictions_are_refused() -> None:
    twice = [Prediction(7, SUPPORT, (PredictedDoc("100", SUPPORT, (6,)), PredictedDoc("100", SUPPORT, (2,))))]
    with pytest.raises(ValueError, match="twice"):
        abstract_scores(GOLD, twice)
    stranger = [Prediction(42, SUPPORT, ())]
    with pytest.raises(ValueError, match="42"):
        sentence_scores(GOLD, stranger)
    with pytest.raises(ValueError, match="42"):
        claim_scores(GOLD, stranger)


def test_claim_scores_confusion_and_macro_f1() -> None:
    # Claim 9 has no prediction and counts as NEI.
    predictions = [Prediction(7, CONTRADICT, ()), Prediction(8, CONTRADICT, ())]
    scores = claim_scores(GOLD, predictions)
    assert scores.confusion == ((0, 1, 0), (0, 1, 0), (0, 0, 1))
    assert scores.accuracy == pytest.approx(2 / 3)
    # F1 per label: SUPPORT 0, CONTRADICT 2/3 (P 1/2, R 1), NEI 1.
    assert scores.macro_f1 == pytest.approx((0 + 2 / 3 + 1) / 3)


def test_recall_at_k_averages_over_claims_with_evidence() -> None:
    rankings = {7: ["200", "x", "100"], 8: ["y", "300"], 9: ["z"]}
    recall = recall_at(GOLD, rankings, ks=(1, 2, 3))
    assert recall[1] == pytest.approx((1 / 2 + 0) / 2)
    assert recall[2] == pytest.approx((1 / 2 + 1) / 2)
    assert recall[3] == pytest.approx(1.0)
    assert recall_at(GOLD, {}, ks=(1,))[1] == 0.0


def test_abstract_spans_match_how_the_jsonl_reader_joins_sentences() -> None:
    sentences = ["  Background: mice were fed.", "Weight rose 12% (n = 30).\n", " ", "No change in rats."]
    record = {"doc_id": 17, "title": "Feeding mice", "abstract": sentences}
    doc = jsonl_document("corpus.jsonl", json.dumps(record).encode())
    spans = abstract_spans(doc.text, sentences)
    assert [doc.text[a:b] for a, b in spans] == [s.strip() for s in sentences]
    assert doc.title not in doc.text[: spans[0][0]]
    with pytest.raises(BenchError, match="index-dir"):
        abstract_spans(doc.text, ["Weight rose 12% (n = 30).", "Background: mice were fed."])


def test_sentences_at_maps_split_and_merged_sentences() -> None:
    spans = ((0, 10), (11, 20), (21, 30))
    assert sentences_at(spans, 11, 20) == (1,)
    assert sentences_at(spans, 14, 18) == (1,)  # factcheck split a SciFact sentence in two
    assert sentences_at(spans, 0, 20) == (0, 1)  # factcheck merged two SciFact sentences
    assert sentences_at(spans, 10, 11) == ()  # only the space between sentences


TEXT_A = "Alpha rises. Beta falls. Gamma stays. Delta goes."
TEXT_B = "One sentence here. Another one there."
SPANS = {"1": ((0, 12), (13, 24), (25, 37), (38, 49)), "2": ((0, 18), (19, 37))}


def _evidence(doc: str, start: int, end: int, text: str) -> Evidence:
    scores = {"score": 0.1, "dense_score": 0.8, "lexical_score": 1.0, "sentence_score": 0.8, "rank": 1}
    doc_id = f"corpus.jsonl#{doc}"
    return Evidence(doc_id, "t", "corpus.jsonl", 0, text, text[start:end], start, end, **scores)


def _verdict(label: Label, evidence: tuple[Evidence, ...]) -> Verdict:
    claim = Claim("31", "a claim", "a claim", "claims.jsonl", 0, 7, 1, 1)
    return Verdict(claim, label, 0.9, evidence, (), "test")


def test_one_piece_of_evidence_becomes_one_predicted_abstract() -> None:
    prediction = to_prediction(_verdict(Label.REFUTED, (_evidence("1", 13, 24, TEXT_A),)), SPANS)
    assert prediction == Prediction(31, CONTRADICT, (PredictedDoc("1", CONTRADICT, (1,)),))


def test_several_pieces_of_evidence_in_several_abstracts() -> None:
    evidence = (
        _evidence("1", 25, 37, TEXT_A),
        _evidence("2", 19, 37, TEXT_B),
        _evidence("1", 0, 24, TEXT_A),  # overlaps sentence 0 and 1
        _evidence("1", 25, 37, TEXT_A),  # the same sentence again
        _evidence("1", 38, 49, TEXT_A),  # a fourth sentence: beyond the three kept
    )
    prediction = to_prediction(_verdict(Label.SUPPORTED, evidence), SPANS)
    assert prediction == Prediction(
        31, SUPPORT, (PredictedDoc("1", SUPPORT, (2, 0, 1)), PredictedDoc("2", SUPPORT, (1,)))
    )


def test_not_enough_info_predicts_no_abstract_even_with_evidence_shown() -> None:
    prediction = to_prediction(_verdict(Label.NOT_ENOUGH_INFO, (_evidence("1", 0, 12, TEXT_A),)), SPANS)
    assert prediction == Prediction(31, NEI, ())


def test_evidence_from_another_file_is_refused() -> None:
    assert scifact_doc_id("corpus.jsonl#4983") == "4983"
    with pytest.raises(BenchError, match="SciFact corpus"):
        scifact_doc_id("notes/other.md")


def test_wrong_claims_are_wrong_labels_or_right_labels_from_wrong_abstracts() -> None:
    predictions = [
        Prediction(7, SUPPORT, (PredictedDoc("555", SUPPORT, (1,)),)),  # right label, no gold abstract
        Prediction(8, CONTRADICT, (PredictedDoc("300", CONTRADICT, (0,)),)),  # right
        Prediction(9, SUPPORT, (PredictedDoc("900", SUPPORT, (0,)),)),  # wrong label
    ]
    assert wrong_claims(GOLD, predictions) == [7, 9]


def test_read_gold(tmp_path: Path) -> None:
    path = tmp_path / "claims_dev.jsonl"
    lines = [
        {"id": 3, "claim": "X binds Y.", "evidence": {"20": [{"sentences": [5, 1], "label": "SUPPORT"}],
                                                      "10": [{"sentences": [0], "label": "SUPPORT"}]},
         "cited_doc_ids": [10, 20]},
        {"id": 4, "claim": "Z is blue.", "evidence": {}, "cited_doc_ids": [30]},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    gold = read_gold(path)
    assert gold[3].label == SUPPORT
    assert gold[3].docs == (GoldDoc("10", SUPPORT, ((0,),)), GoldDoc("20", SUPPORT, ((1, 5),)))
    assert gold[4].label == NEI
    path.write_text(json.dumps({"id": 5, "claim": "No labels."}) + "\n")
    with pytest.raises(BenchError, match="no labels"):
        read_gold(path)


def test_tuning_is_refused_on_dev() -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--tune"])
    assert stopped.value.code == 2
    assert parse_args(["--tune", "--split", "train"]).tune


def test_bootstrap_intervals_are_degenerate_for_a_perfect_run_and_bracket_a_mixed_one() -> None:
    perfect = [
        Prediction(7, SUPPORT, (PredictedDoc("100", SUPPORT, (6,)), PredictedDoc("200", SUPPORT, (0,)))),
        Prediction(8, CONTRADICT, (PredictedDoc("300", CONTRADICT, (4,)),)),
        Prediction(9, NEI, ()),
    ]
    intervals = bootstrap_intervals(GOLD, perfect, rounds=200)
    assert intervals["abstract_label_f1"] == (1.0, 1.0)
    # A three-claim resample can miss a label, whose F1 then counts as 0 in the macro average.
    assert intervals["claim_macro_f1"][1] == 1.0

    # Right on claim 7, wrong label on 8, a false support on NEI claim 9: label-only F1 2 / 4 and 2 / 3.
    mixed = [perfect[0], Prediction(8, SUPPORT, (PredictedDoc("300", SUPPORT, (4,)),)),
             Prediction(9, SUPPORT, (PredictedDoc("900", SUPPORT, (1,)),))]
    point = abstract_scores(GOLD, mixed)[0].f1
    assert point == pytest.approx(2 * (2 / 4) * (2 / 3) / (2 / 4 + 2 / 3))
    low, high = bootstrap_intervals(GOLD, mixed, rounds=500)["abstract_label_f1"]
    assert 0.0 <= low < point < high <= 1.0
    assert bootstrap_intervals(GOLD, mixed, rounds=500) == bootstrap_intervals(GOLD, mixed, rounds=500)


def test_paired_bootstrap_sees_a_run_against_itself_as_no_change_and_a_better_run_as_ahead() -> None:
    right = [
        Prediction(7, SUPPORT, (PredictedDoc("100", SUPPORT, (6,)),)),
        Prediction(8, CONTRADICT, (PredictedDoc("300", CONTRADICT, (4,)),)),
        Prediction(9, NEI, ()),
    ]
    worse = [right[0], Prediction(8, SUPPORT, (PredictedDoc("300", SUPPORT, (4,)),)), right[2]]
    same = paired_bootstrap(GOLD, worse, worse, rounds=200)
    assert same["abstract_label_f1"] == (0.0, 0.0, 0.0, 0.0)

    better = paired_bootstrap(GOLD, worse, right, rounds=400)
    # Label-only F1: worse gets 1 of 2 predicted right against 3 gold (0.4); right gets 2 of 2 (0.8).
    diff, low, high, ahead = better["abstract_label_f1"]
    assert diff == pytest.approx(0.8 - 0.4)
    # A resample without claim 8 ties the runs, so the lower bound is 0, never below.
    assert low == 0.0 < diff <= high
    assert 0.5 < ahead < 1.0
    assert paired_bootstrap(GOLD, right, worse, rounds=400)["abstract_label_f1"][0] == pytest.approx(-0.4)


def test_predictions_read_back_as_written(tmp_path: Path) -> None:
    predictions = [
        Prediction(7, SUPPORT, (PredictedDoc("100", SUPPORT, (6, 2)), PredictedDoc("200", SUPPORT, (0,)))),
        Prediction(9, NEI, ()),
    ]
    path = tmp_path / "predictions.jsonl"
    path.write_text(predictions_jsonl(predictions), encoding="utf-8")
    assert read_predictions(path, GOLD) == predictions


def test_reading_predictions_of_other_claims_or_a_broken_file_says_what_to_do(tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": 12, "evidence": {}}) + "\n", encoding="utf-8")
    with pytest.raises(BenchError, match="claim 12 is not among the 3 claims"):
        read_predictions(other, GOLD)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 7}\n', encoding="utf-8")
    with pytest.raises(BenchError, match="line 1 is not a SciFact prediction"):
        read_predictions(broken, GOLD)
    with pytest.raises(BenchError, match="--predictions first"):
        read_predictions(tmp_path / "missing.jsonl", GOLD)


def test_held_out_runs_only_on_train_and_not_with_tune() -> None:
    assert parse_args(["--split", "train", "--held-out"]).held_out
    for argv in (["--held-out"], ["--split", "train", "--tune", "--held-out"]):
        with pytest.raises(SystemExit):
            parse_args(argv)


def test_held_out_of_names_a_verifier_folder_and_excludes_held_out(tmp_path: Path) -> None:
    (tmp_path / "training.json").write_text("{}", encoding="utf-8")
    assert parse_args(["--split", "train", "--held-out-of", str(tmp_path)]).held_out_of == tmp_path
    for argv in (
        ["--held-out-of", str(tmp_path)],
        ["--split", "train", "--held-out", "--held-out-of", str(tmp_path)],
        ["--split", "train", "--held-out-of", str(tmp_path / "missing")],
    ):
        with pytest.raises(SystemExit):
            parse_args(argv)
