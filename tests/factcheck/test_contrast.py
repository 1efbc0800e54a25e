"""Direction words: contrast pairs for training (factcheck/training/contrast.py) and the verifier's
direction-symmetric reading (factcheck/verify/directions.py)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from factcheck.training.contrast import contrast_pairs
from factcheck.training.types import NEI, REFUTED, SUPPORTED, Pair
from factcheck.verify.directions import OPPOSITES, direction_words, reverse_direction


def flip(text: str, seed: int = 0) -> str | None:
    return reverse_direction(text, random.Random(seed))


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("PCSK9 inhibitors decrease plasma Lp(a) levels.", "PCSK9 inhibitors increase plasma Lp(a) levels."),
        ("Statins lowered LDL in the trial.", "Statins raised LDL in the trial."),
        ("Exercise reduces cancer mortality.", "Exercise increases cancer mortality."),
        ("Increased acetylation repairs transport.", "Decreased acetylation repairs transport."),
        ("RUNX1 is up-regulated in T-ALL.", "RUNX1 is down-regulated in T-ALL."),
        ("Statins are associated with an increased risk of diabetes.",
         "Statins are associated with a decreased risk of diabetes."),
        ("PKG plays an essential role in LTP.", "PKG plays a dispensable role in LTP."),
        ("Aged patients are less susceptible to injury.", "Aged patients are more susceptible to injury."),
        ("TAXOL IS EFFECTIVE.", "TAXOL IS INEFFECTIVE."),
    ],
)  # fmt: skip
def test_one_direction_word_is_reversed_keeping_case_and_article(claim: str, expected: str) -> None:
    assert flip(claim) == expected


def test_words_after_not_or_than_and_inside_hyphenated_names_are_left_alone() -> None:
    # "does not increase" and "does not decrease" can both be true, so negated words are no direction.
    assert flip("Aspirin does not increase bleeding.") is None
    assert flip("HIV-positive adults were enrolled.") is None
    assert flip("Deletion of Rpl38 alters translation without raising protein synthesis.") is None
    assert flip("No claim here about anything.") is None
    assert [m.group(0) for m in direction_words("Drug A is more potent than higher doses of B.")] == ["more"]


def test_every_opposite_is_a_word_the_table_can_read() -> None:
    # Each replacement is itself a direction word (or a deliberate one-way end such as "dispensable"),
    # so no entry is a typo that would teach the model a non-word.
    one_way_ends = {"minor", "dispensable"}
    for word, opposite in OPPOSITES.items():
        assert opposite != word
        assert opposite in OPPOSITES or opposite in one_way_ends, (word, opposite)


def test_contrast_pairs_refute_supported_pairs_keep_nei_and_drop_refuted() -> None:
    claim = "Metformin lowers glucose and increases insulin sensitivity."
    pairs = [
        Pair(claim, "Metformin raised insulin sensitivity in trial A.", SUPPORTED, "user"),
        Pair(claim, "An unrelated sentence about kidney function.", NEI, "user"),
        Pair(claim, "Metformin had no effect on glucose.", REFUTED, "user"),
        Pair("A claim without any such word.", "Evidence.", SUPPORTED, "user"),
    ]
    made = contrast_pairs(pairs, seed=5)
    assert [p.label for p in made] == [REFUTED, NEI]
    assert made[0].claim == made[1].claim != claim  # one draw per claim, shared by all its pairs
    assert all(p.source == "user/contrast_direction" for p in made)
    assert contrast_pairs(pairs, seed=5) == made
    # For data whose refuted claims are reversals of true ones, the reversal of a refuted claim is supported.
    both = contrast_pairs(pairs, seed=5, reverse_refuted=True)
    assert [p.label for p in both] == [REFUTED, NEI, SUPPORTED]
    assert both[2].evidence == "Metformin had no effect on glucose."


def test_cli_writes_the_input_then_the_contrast_pairs(tmp_path: Path) -> None:
    source = tmp_path / "pairs.jsonl"
    rows = [
        {"claim": "Drug X increases survival.", "evidence": "X improved survival.", "label": "SUPPORT"},
        {"claim": "Drug X increases survival.", "evidence": "Y was studied.", "label": "NEI"},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out" / "contrast.jsonl"
    cmd = [sys.executable, "-m", "factcheck.cli", "train", "contrast", "--pairs", str(source), "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "2 contrast pairs" in done.stdout
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["claim"], r["label"]) for r in written] == [
        ("Drug X increases survival.", SUPPORTED),
        ("Drug X increases survival.", NEI),
        ("Drug X decreases survival.", REFUTED),
        ("Drug X decreases survival.", NEI),
    ]
    assert sorted(p.name for p in out.parent.iterdir()) == ["contrast.jsonl"]  # no staging file left


def test_cli_reports_a_missing_or_empty_input_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    for path in (tmp_path / "missing.jsonl", empty):
        out = tmp_path / "out.jsonl"
        cmd = [sys.executable, "-m", "factcheck.cli", "train", "contrast", "--pairs", str(path), "--out", str(out)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 2
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
        assert not out.exists()


def test_symmetric_reading_averages_the_reversed_claim_with_support_and_refutation_swapped() -> None:
    from factcheck.verify.directions import direction_symmetric_proba

    labels = ("REFUTED", "NOT ENOUGH INFO", "SUPPORTED")  # the model's own order, not the usual one
    calls = []

    def predict(pairs):
        calls.append(list(pairs))
        table = {
            "X increases Y.": [0.5, 0.3, 0.2],  # refuted by the evidence, weakly
            "X decreases Y.": [0.1, 0.1, 0.8],  # its reversal is clearly supported
            "Z is blue.": [0.2, 0.6, 0.2],
        }
        return np.array([table[claim] for claim, _ in pairs])

    probs = direction_symmetric_proba(predict, labels, [("X increases Y.", "e1"), ("Z is blue.", "e2")])
    assert len(calls) == 1 and calls[0][2] == ("X decreases Y.", "e1")  # one model call, reversal appended
    assert np.allclose(probs[0], [(0.5 + 0.8) / 2, (0.3 + 0.1) / 2, (0.2 + 0.1) / 2])
    assert np.allclose(probs[1], [0.2, 0.6, 0.2])  # no direction word: read once, unchanged


def test_combiner_file_keeps_the_direction_symmetric_flag(tmp_path: Path) -> None:
    from factcheck.verify.combine import FEATURES, Combiner, fit

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, len(FEATURES)))
    combiner = fit(x, rng.integers(0, 3, size=60), ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO"))
    assert combiner.direction_symmetric is False
    path = tmp_path / "combiner.json"
    for flag in (True, False):
        path.write_text(replace(combiner, direction_symmetric=flag).to_json(), encoding="utf-8")
        assert Combiner.load(path).direction_symmetric is flag
        refit = fit(x[:30], np.zeros(30, dtype=int), combiner.labels, prior=Combiner.load(path))
        assert refit.direction_symmetric is flag  # a user's refit keeps how its prior reads claims


def test_verifier_reads_claims_both_ways_only_when_its_combiner_says_so(tmp_path: Path) -> None:
    import shutil

    from claims.types import Claim
    from evidence.types import Evidence
    from factcheck.config import Settings
    from factcheck.verify.crossencoder import FAST_MODEL
    from factcheck.verify.model import ModelVerifier

    folder = tmp_path / "fast"
    shutil.copytree(FAST_MODEL, folder)
    text = "Exercise reduces depressive symptoms."
    sentence = "Exercise training reduced depressive symptoms compared with usual care."
    claim = Claim("c", text, text, "a.md", 0, len(text), 1, 1)
    ev = Evidence("e.md", "Trial", "e.md", 0, sentence, sentence, 0, len(sentence), 0.03, 0.8, 3.0, 0.8, 1)
    seen: dict[bool, list] = {}
    for flag in (False, True):
        combiner = json.loads((folder / "combiner.json").read_text(encoding="utf-8"))
        (folder / "combiner.json").write_text(json.dumps({**combiner, "direction_symmetric": flag}), encoding="utf-8")
        verifier = ModelVerifier(Settings(verifier="model"), folder)
        real = verifier.model.predict_proba
        seen[flag] = []
        verifier.model.predict_proba = lambda pairs, real=real, log=seen[flag]: log.extend(pairs) or real(pairs)  # type: ignore[method-assign]
        (verdict,) = verifier.verify([claim], [(ev,)])
        assert verdict.label.value in ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO")
        assert verifier.id.endswith("+direction-symmetric") is flag
    assert [c for c, _ in seen[False]] == [text]
    assert [c for c, _ in seen[True]] == [text, "Exercise increases depressive symptoms."]
