"""Training the verifier: the pair builder on a tiny data folder in every shared format, the typed
perturbations (real spaCy), the metrics, and a short real fine-tune that writes a loadable model."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factcheck.training import (
    LABELS,
    DataFormatError,
    HyperParameters,
    Pair,
    TrainingError,
    TrainSettings,
    build_training_set,
    train_verifier,
)
from factcheck.training.dataset import water_fill
from factcheck.training.metrics import (
    classification_report,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from factcheck.training.perturb import Perturber, _change_number, _flip_negation
from factcheck.training.sources import read_user_pairs
from factcheck.training.text import claim_key, detokenize
from factcheck.verify.crossencoder import SHIPPED_MODEL, CrossEncoderModel

PAIRS = Path(__file__).parent / "data" / "verifier_pairs.jsonl"
TRAIN = [sys.executable, "-m", "factcheck.cli", "train"]  # `factcheck train`, with this interpreter
SUPPORTED, REFUTED, NEI = LABELS

# Claims that only appear in the evaluation sets; the builder must never emit them.
SYMMETRIC_CLAIM = "Telemundo is a English-language television network ."
SCIFACT_DEV_CLAIM = "Vitamin D supplements prevent fractures in older adults."


def _jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def write_tiny_data(root: Path) -> Path:
    """A few records in each format the builder reads (field names as in each README.txt)."""
    fever = [
        (
            "Fox 2000 Pictures released the film Soul Food .",
            "Soul Food is a 1997 film released by Fox 2000 Pictures -LRB- a studio -RRB- .",
            "SUPPORTS",
        ),
        (
            "The Nile flows into the Pacific Ocean .",
            "The Nile flows north and drains into the Mediterranean Sea .",
            "REFUTES",
        ),
        (
            "Berlin has 3.6 million inhabitants .",
            "Berlin , with 3.6 million inhabitants , is the most populous city of Germany .",
            "SUPPORTS",
        ),
        (
            "Ada Lovelace was a mathematician .",
            "Ada Lovelace was an English mathematician and writer .",
            "SUPPORTS",
        ),
        (
            SYMMETRIC_CLAIM,
            "Telemundo is an American Spanish-language terrestrial television network .",
            "REFUTES",
        ),
    ]
    _jsonl(
        root / "fever_dev_nli" / "fever_dev_pairs.jsonl",
        [{"row": i, "claim": c, "evidence": e, "label": lab} for i, (c, e, lab) in enumerate(fever)],
    )
    fm2 = {
        "dev": [
            (
                "The Alps are higher than the Pyrenees.",
                "Mont Blanc, in the Alps, is higher than any Pyrenean peak.",
                "SUPPORTS",
                "The Alps formed during the Alpine orogeny.",
            )
        ],
        "test": [
            (
                "Mozart was born in Vienna.",
                "Mozart was born in Salzburg.",
                "REFUTES",
                "Mozart moved to Vienna in 1781.",
            )
        ],
    }
    for split, rows in fm2.items():
        _jsonl(
            root / "fm2" / f"{split}.jsonl",
            [
                {
                    "id": f"{split}{i}",
                    "text": claim,
                    "label": label,
                    "gold_evidence": [{"section_header": "", "text": gold}],
                    "retrieved_evidence": [
                        {"section_header": "", "text": gold},
                        {"section_header": "", "text": distractor},
                    ],
                }
                for i, (claim, gold, label, distractor) in enumerate(rows)
            ],
        )
    feverous = [
        {
            "id": 1,
            "claim": "Lake Bled is in Slovenia.",
            "label": "supports",
            "challenge": "",
            "evidence": "Lake Bled\tLake Bled is a lake in the [[Julian_Alps|Julian Alps]] of northwestern "
            "[[Slovenia|Slovenia]].",
        },
        {
            "id": 2,
            "claim": "Lake Bled is in Austria.",
            "label": "refutes",
            "challenge": "",
            "evidence": "Lake Bled\tLake Bled is a lake in the Julian Alps of northwestern Slovenia.",
        },
    ]
    (root / "feverous_s_programfc").mkdir(parents=True)
    (root / "feverous_s_programfc" / "dev.json").write_text(json.dumps(feverous), encoding="utf-8")
    for subset in ("fever", "hover", "vitaminc"):
        _jsonl(
            root / "sufficient_facts" / f"{subset}_sufficient_facts.jsonl",
            [
                {
                    "claim": f"The {subset} album was released by Columbia Records .",
                    "evidence": [[f"{subset} album", "The album was released on 2 April 1990 ."]],
                    "label_before": "SUPPORTED" if subset == "hover" else "SUPPORTS",
                    "label_after": "NOT ENOUGH",
                    "type": "PP",
                    "removed": ["by Columbia Records"],
                    "text_orig": f"[[{subset} album]] The album was released on 2 April 1990 "
                    '<span style="color:red;">by Columbia Records</span> .',
                }
            ],
        )
    corpus = [
        (
            1,
            "Vitamin D and bone",
            [
                "Background sentence about bones.",
                "Vitamin D lowered fracture rates in trial participants.",
                "Funding was public.",
            ],
        ),
        (
            2,
            "Statins",
            [
                "Statins did not change the incidence of dementia.",
                "Participants were followed for ten years.",
                "Statins lower cholesterol.",
            ],
        ),
        (
            3,
            "Sleep",
            [
                "Sleep duration was self-reported.",
                "Short sleep was common among shift workers.",
                "The cohort included 4,000 nurses.",
            ],
        ),
    ]
    _jsonl(
        root / "scifact" / "corpus.jsonl",
        [{"doc_id": d, "title": t, "abstract": s, "structured": False} for d, t, s in corpus],
    )
    _jsonl(
        root / "scifact" / "claims_train.jsonl",
        [
            {
                "id": 1,
                "claim": "Vitamin D lowers fracture rates.",
                "evidence": {"1": [{"sentences": [1], "label": "SUPPORT"}]},
                "cited_doc_ids": [1],
            },
            {
                "id": 2,
                "claim": "Statins reduce the incidence of dementia.",
                "evidence": {"2": [{"sentences": [0], "label": "CONTRADICT"}]},
                "cited_doc_ids": [2],
            },
            {"id": 3, "claim": "Shift work causes obesity in nurses.", "evidence": {}, "cited_doc_ids": [3]},
            {
                "id": 4,
                "claim": SCIFACT_DEV_CLAIM,
                "evidence": {"1": [{"sentences": [1], "label": "SUPPORT"}]},
                "cited_doc_ids": [1],
            },
        ],
    )
    _jsonl(
        root / "scifact" / "claims_dev.jsonl",
        [{"id": 9, "claim": SCIFACT_DEV_CLAIM, "evidence": {}, "cited_doc_ids": [1]}],
    )
    symmetric = {"id": "1", "label": "REFUTES", "claim": SYMMETRIC_CLAIM, "evidence_sentence": "Telemundo ."}
    v2 = {
        "id": "2",
        "claim": "Daggering is a metal genre .",
        "evidence": "It is a dance .",
        "gold_label": "REFUTES",
    }
    for name in ("fever_symmetric_generated", "fever_symmetric_full"):
        _jsonl(root / "fever_symmetric" / "symmetric_v0.1" / f"{name}.jsonl", [symmetric])
    for name in ("fever_symmetric_dev", "fever_symmetric_test"):
        _jsonl(root / "fever_symmetric" / "symmetric_v0.2" / f"{name}.jsonl", [v2])
    return root


@pytest.fixture(scope="module")
def tiny_set(tmp_path_factory: pytest.TempPathFactory):
    data = write_tiny_data(tmp_path_factory.mktemp("data"))
    return data, build_training_set(data, seed=13, size=None)


def _all_pairs(training) -> tuple[Pair, ...]:
    return training.train + training.held_out


def test_builder_gives_expected_labels(tiny_set) -> None:
    _, training = tiny_set
    labelled = {(p.claim, p.evidence): p.label for p in _all_pairs(training)}
    assert (
        labelled[
            (
                "Fox 2000 Pictures released the film Soul Food.",
                "Soul Food is a 1997 film released by Fox 2000 Pictures (a studio).",
            )
        ]
        == SUPPORTED
    )
    assert (
        labelled[
            (
                "The Nile flows into the Pacific Ocean.",
                "The Nile flows north and drains into the Mediterranean Sea.",
            )
        ]
        == REFUTED
    )
    assert labelled[("Mozart was born in Vienna.", "Mozart was born in Salzburg.")] == REFUTED
    assert labelled[("Mozart was born in Vienna.", "Mozart moved to Vienna in 1781.")] == NEI
    assert (
        labelled[
            (
                "Lake Bled is in Slovenia.",
                "Lake Bled: Lake Bled is a lake in the Julian Alps of northwestern Slovenia.",
            )
        ]
        == SUPPORTED
    )
    claim = "The fever album was released by Columbia Records."
    assert labelled[(claim, "fever album: The album was released on 2 April 1990.")] == NEI
    assert (
        labelled[(claim, "fever album: The album was released on 2 April 1990 by Columbia Records.")]
        == SUPPORTED
    )
    assert (
        labelled[
            ("Vitamin D lowers fracture rates.", "Vitamin D lowered fracture rates in trial participants.")
        ]
        == SUPPORTED
    )
    assert (
        labelled[
            ("Statins reduce the incidence of dementia.", "Statins did not change the incidence of dementia.")
        ]
        == REFUTED
    )
    nei_claim = [p for p in _all_pairs(training) if p.claim == "Shift work causes obesity in nurses."]
    assert nei_claim and {p.label for p in nei_claim} == {NEI}
    assert all(p.evidence.count(".") == 2 for p in nei_claim), (
        "NEI evidence is two sentences of the cited abstract"
    )


def test_builder_never_emits_scifact_dev_or_fever_symmetric_claims(tiny_set) -> None:
    _, training = tiny_set
    forbidden = {
        claim_key(SYMMETRIC_CLAIM),
        claim_key(SCIFACT_DEV_CLAIM),
        claim_key("Daggering is a metal genre ."),
    }
    assert training.excluded >= 2
    assert not [p for p in _all_pairs(training) if claim_key(p.claim) in forbidden]


def test_builder_adds_perturbed_refutations_and_is_deterministic(tiny_set) -> None:
    data, training = tiny_set
    perturbed = [p for p in training.train if "perturbed" in p.source]
    assert perturbed and {p.label for p in perturbed} == {REFUTED}
    originals = {(p.claim, p.evidence) for p in _all_pairs(training) if p.label == SUPPORTED}
    assert all((p.claim, p.evidence) not in originals for p in perturbed)
    assert build_training_set(data, seed=13, size=None) == training
    counts = training.counts()
    assert sum(n for labels in counts["train"].values() for n in labels.values()) == len(training.train)


def test_builder_balances_labels_to_the_requested_size(tiny_set) -> None:
    data, _ = tiny_set
    training = build_training_set(data, seed=13, size=6)
    assert sorted(p.label for p in training.train) == sorted(LABELS * 2)


def test_builder_rejects_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(TrainingError, match="does not exist"):
        build_training_set(tmp_path / "nowhere")


def test_water_fill_shares_evenly_and_takes_small_groups_whole() -> None:
    assert water_fill({"a": 2, "b": 100, "c": 100}, 20) == {"a": 2, "b": 9, "c": 9}
    assert water_fill({"a": 3, "b": 4}, 100) == {"a": 3, "b": 4}


@pytest.fixture(scope="module")
def perturber() -> Perturber:
    return Perturber(seed=3)


def test_number_and_year_edits_only_touch_figures_the_evidence_states() -> None:
    rng = random.Random(0)
    evidence = "At the end of 2020 the firm had 2,350 employees."
    changed = _change_number("In 2020 the firm had 2,350 employees.", evidence, rng, years=False)
    assert changed is not None and changed.startswith("In 2020 the firm had ") and "2,350" not in changed
    assert re.fullmatch(r"In 2020 the firm had \d{1,3}(,\d{3})* employees\.", changed)
    year = _change_number("In 2020 the firm had 2,350 employees.", evidence, rng, years=True)
    assert year is not None and year.endswith(" the firm had 2,350 employees.") and "2020" not in year
    assert _change_number("The firm had 99 employees.", evidence, rng, years=False) is None


def test_negation_is_inserted_or_removed(perturber) -> None:
    nlp = perturber._spacy()
    assert _flip_negation(nlp("Aspirin reduces fever.")) == "Aspirin does not reduce fever."
    assert _flip_negation(nlp("The Danube is a river.")) == "The Danube is not a river."
    assert _flip_negation(nlp("Smoking never improves lung function.")) == "Smoking improves lung function."
    assert _flip_negation(nlp("The drug was not approved.")) == "The drug was approved."


def test_refute_makes_refuted_variants_of_supported_pairs_only(perturber) -> None:
    pairs = [
        Pair("The bridge opened in 1937.", "The bridge opened to traffic in 1937.", SUPPORTED, "t"),
        Pair(
            "Marie Curie was born in Warsaw.",
            "Marie Curie was born in Warsaw, then in Russian Poland.",
            SUPPORTED,
            "t",
        ),
        Pair("Pierre Curie was born in Paris.", "Pierre Curie was born in Paris, France.", SUPPORTED, "t"),
        Pair("Lyon is in Spain.", "Lyon is in France.", REFUTED, "t"),
    ]
    made = perturber.refute(pairs)
    assert len(made) == 3
    for original, pair in zip(pairs, made, strict=False):
        assert pair.label == REFUTED and pair.evidence == original.evidence and pair.claim != original.claim
        assert re.fullmatch(r"t/perturbed_(number|year|entity|negation)", pair.source)


def test_perturber_skips_refuted_pairs(perturber) -> None:
    assert perturber.refute([Pair("Lyon is in Spain.", "Lyon is in France.", REFUTED, "t")]) == ()


def test_detokenize_restores_plain_text() -> None:
    text = "Soul Food -LRB- 1997 -RRB- is a film , by `` Fox '' 's studio -LSB- a -RSB- ."
    assert detokenize(text) == 'Soul Food (1997) is a film, by "Fox"\'s studio [a].'


def test_user_pairs_accept_label_synonyms_and_reject_unknown_labels(tmp_path: Path) -> None:
    pairs = read_user_pairs(PAIRS)
    assert len(pairs) == 42 and {p.label for p in pairs} == set(LABELS)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"claim": "a", "evidence": "b", "label": "MAYBE"}\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="unknown label 'MAYBE'"):
        read_user_pairs(bad)
    bad.write_text('{"claim": "a", "label": "NEI"}\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="missing field 'evidence'"):
        read_user_pairs(bad)


def test_metrics_report_and_calibration() -> None:
    report = classification_report(["A", "A", "B", "C"], ["A", "B", "B", "C"], ["A", "B", "C"])
    assert report["accuracy"] == 0.75
    assert report["confusion"] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert report["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3.0, size=(4000, 3))
    true_probs = softmax(logits, 2.0)
    gold = np.array([rng.choice(3, p=row) for row in true_probs])
    assert fit_temperature(logits, gold) == pytest.approx(2.0, rel=0.1)
    assert expected_calibration_error(true_probs, gold) < 0.03
    assert expected_calibration_error(softmax(logits), gold) > 0.1


def test_train_verifier_on_user_pairs_writes_a_loadable_model(tmp_path: Path) -> None:
    out = tmp_path / "models" / "mine"
    settings = TrainSettings(seed=5, hyper=HyperParameters(learning_rate=2e-5, epochs=2.0, max_steps=3))
    report = train_verifier(PAIRS, out, settings, log=lambda m: None)
    assert report.out == out.resolve() and report.train_pairs + report.held_out_pairs == 42
    assert sorted(p.name for p in out.parent.iterdir()) == ["mine"], "no staging folder is left behind"
    for name in ("model.safetensors", "config.json", "calibration.json", "training.json", "MODEL_CARD.md"):
        assert (out / name).is_file(), name
    assert (out / "model.safetensors").stat().st_size <= 50 * 2**20
    record = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert record["recipe"] == "user-jsonl" and record["stages"]["stage1"]["steps"] == 3
    assert record["init_from"] == str(SHIPPED_MODEL)
    assert record["device"] == "cpu", "the default is the reproducible CPU recipe"
    model = CrossEncoderModel(out, quantize=False)
    assert model.labels == CrossEncoderModel().labels
    assert model.temperature == pytest.approx(report.temperature, rel=1e-5)
    probs = model.predict_proba(
        [("Canberra is the capital of Australia.", "Canberra is Australia's capital.")]
    )
    assert probs.shape == (1, 3) and probs.sum() == pytest.approx(1.0)
    assert "Fine-tuned on a user's file" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_cli_reports_a_bad_data_path_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*TRAIN, "verifier", "--data", str(tmp_path / "x.txt"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "error: " in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_device_is_cpu_by_default_auto_finds_a_gpu_and_a_missing_gpu_is_one_clear_error() -> None:
    import torch

    from factcheck.training.loop import resolve_device

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(TrainingError, match="not one of cpu, cuda, auto"):
        resolve_device("tpu")
    if torch.cuda.is_available():
        assert resolve_device("cuda") == "cuda"
    else:
        with pytest.raises(TrainingError, match="torch sees no GPU"):
            resolve_device("cuda")


def test_training_cli_refuses_an_unknown_device_before_reading_anything(tmp_path: Path) -> None:
    result = subprocess.run(
        [*TRAIN, "verifier", "--data", str(PAIRS), "--out", str(tmp_path / "o"), "--device", "tpu"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 2 and "not one of cpu, cuda, auto" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_train_command_says_in_one_line_when_there_is_no_gpu(tmp_path: Path) -> None:
    import torch
    from typer.testing import CliRunner

    from factcheck.cli import app

    if torch.cuda.is_available():
        device, expected = "tpu", "not one of cpu, cuda, auto"
    else:
        device, expected = "cuda", "torch sees no GPU"
    result = CliRunner().invoke(
        app, ["train", "verifier", "--data", str(PAIRS), "--out", str(tmp_path / "o"), "--device", device]
    )
    assert result.exit_code != 0 and expected in result.output
    assert not (tmp_path / "o").exists()


def test_recalibrating_on_user_labels_refits_the_combiner_and_keeps_the_temperature(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from factcheck.cli import app
    from factcheck.config import Settings
    from factcheck.verify.combine import COMBINER_FILE, Combiner
    from factcheck.verify.model import ModelVerifier

    # A user whose corpus standard says a paraphrase is not enough: every supported pair relabelled.
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row["label"].upper().startswith("SUPPORT"):
            row["label"] = "NOT ENOUGH INFO"
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "mine"
    result = CliRunner().invoke(app, ["train", "verifier", "--data", str(labels), "--epochs", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "combiner: refitted on 42 pairs" in result.stderr

    shipped = CrossEncoderModel()
    assert CrossEncoderModel(out).temperature == pytest.approx(shipped.temperature, rel=1e-5)
    record = json.loads((out / COMBINER_FILE).read_text(encoding="utf-8"))["metrics"]
    assert record["pairs"] == 42 and record["refit_log_loss"] < record["prior_log_loss"]
    assert not np.allclose(Combiner.load(out / COMBINER_FILE).coef, Combiner.load(SHIPPED_MODEL / COMBINER_FILE).coef)
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card.count("## Combiner") == 1 and "refitted with L2 strength" in card
    assert card.index("## Combiner") < card.index("\n## Training\n")

    from claims.types import Claim
    from evidence.types import Evidence
    from factcheck.types import Label

    text, sentence = "Canberra is the capital of Australia.", "Canberra is the capital city of Australia."
    claim = Claim("c", text, text, "a.md", 0, len(text), 1, 1)
    ev = Evidence("au.md", "Australia", "au.md", 0, sentence, sentence, 0, len(sentence), 0.03, 0.9, 3.0, 0.9, 1)
    (before,) = ModelVerifier(Settings(verifier="model")).verify([claim], [(ev,)])
    (after,) = ModelVerifier(Settings(verifier="model"), out).verify([claim], [(ev,)])
    assert before.label is Label.SUPPORTED
    assert after.label is not Label.SUPPORTED


def test_combiner_section_goes_before_training_and_replaces_an_earlier_one(tmp_path: Path) -> None:
    from factcheck.training.modelcard import write_combiner_section

    (tmp_path / "MODEL_CARD.md").write_text("# m\n\n## Metrics\n\nx\n\n## Training\n\ny\n", encoding="utf-8")
    write_combiner_section(tmp_path, ["first fit"])
    write_combiner_section(tmp_path, ["second fit"])
    card = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert card == "# m\n\n## Metrics\n\nx\n\n## Combiner\n\nsecond fit\n\n## Training\n\ny\n"
    write_combiner_section(tmp_path / "nowhere", ["no card, nothing written"])
    assert not (tmp_path / "nowhere").exists()


def test_user_split_is_independent_of_the_shipped_models_own_split() -> None:
    """A user file of claims the shipped model trained on (its own split's draw put them in training)
    must still get a held-out share for calibration, not a silent fallback to calibrating on everything."""
    from factcheck.training.dataset import HELD_OUT, held_out_draw
    from factcheck.training.train import _user_split
    from factcheck.training.types import Pair

    claims = [f"Compound {i} lowers blood pressure in adults." for i in range(400)]
    trained = [c for c in claims if held_out_draw(13, claim_key(c)) >= HELD_OUT["scifact_train"]]
    pairs = tuple(Pair(c, "Some evidence sentence.", "SUPPORTED", "user") for c in trained)
    split = _user_split(pairs, 13)
    assert 0.05 * len(pairs) < len(split.held_out) < 0.3 * len(pairs)
    assert set(split.held_out).isdisjoint(split.train)


def test_soup_interpolates_weights_and_writes_a_calibrated_model(tmp_path: Path) -> None:
    from safetensors.torch import load_file

    from factcheck.training.soup import SoupSettings, mixed_state, soup
    from factcheck.verify.combine import COMBINER_FILE

    tuned = tmp_path / "tuned"
    settings = TrainSettings(seed=5, hyper=HyperParameters(learning_rate=1e-3, epochs=1.0, max_steps=3))
    train_verifier(PAIRS, tuned, settings, log=lambda m: None)
    base_w, tuned_w = load_file(str(SHIPPED_MODEL / "model.safetensors")), load_file(str(tuned / "model.safetensors"))
    name = next(k for k in base_w if not base_w[k].float().equal(tuned_w[k].float()))
    for alpha in (0.0, 0.25, 1.0):
        mixed = mixed_state(SHIPPED_MODEL, tuned, alpha)[name]
        expected = (1 - alpha) * base_w[name].float() + alpha * tuned_w[name].float()
        assert np.allclose(mixed.numpy(), expected.numpy(), atol=1e-6), alpha
    with pytest.raises(TrainingError, match=r"outside 0\.\.1"):
        mixed_state(SHIPPED_MODEL, tuned, 1.5)

    data = write_tiny_data(tmp_path / "data")
    out = tmp_path / "models" / "soup"
    record = soup(SHIPPED_MODEL, tuned, out, data, SoupSettings(0.5, why="a test"), log=lambda m: None)
    assert sorted(p.name for p in out.parent.iterdir()) == ["soup"], "no staging folder is left behind"
    assert record["recipe"] == "soup" and record["soup"]["alpha"] == 0.5
    shipped_soup = json.loads((SHIPPED_MODEL / "training.json").read_text(encoding="utf-8"))["soup"]
    assert record["soup"]["base_soup"] == shipped_soup, "the base's own soup stage is kept for the card"
    written = load_file(str(out / "model.safetensors"))[name].float()
    midway = (base_w[name].float() + tuned_w[name].float()) / 2
    assert np.allclose(written.numpy(), midway.numpy(), atol=2e-3), "fp16 storage rounds, nothing more"
    model = CrossEncoderModel(out, quantize=False)
    assert model.temperature == pytest.approx(record["calibration"]["temperature"], rel=1e-5)
    assert (out / COMBINER_FILE).is_file()
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "alpha = 0.5" in card and "a test" in card and "factcheck train soup" in card


def test_soup_refuses_models_of_another_shape(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file, save_file

    from factcheck.training.soup import mixed_state

    other = tmp_path / "other"
    other.mkdir()
    weights = load_file(str(SHIPPED_MODEL / "model.safetensors"))
    weights.pop(next(iter(weights)))
    weights["extra"] = torch.zeros(2)
    save_file(weights, str(other / "model.safetensors"))
    with pytest.raises(TrainingError, match="not the same architecture"):
        mixed_state(SHIPPED_MODEL, other, 0.5)


def test_soup_keeps_integer_tensors_and_refuses_when_they_differ(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from factcheck.training.soup import mixed_state

    for name, ids in (("a", [0, 1, 2]), ("b", [0, 1, 2]), ("c", [2, 1, 0])):
        (tmp_path / name).mkdir()
        weights = {"w": torch.full((2,), 1.0 if name == "a" else 3.0), "ids": torch.tensor(ids)}
        save_file(weights, str(tmp_path / name / "model.safetensors"))
    mixed = mixed_state(tmp_path / "a", tmp_path / "b", 0.5)
    assert mixed["ids"].dtype == torch.int64 and mixed["ids"].tolist() == [0, 1, 2]
    assert mixed["w"].tolist() == [2.0, 2.0]
    with pytest.raises(TrainingError, match="integer tensor ids"):
        mixed_state(tmp_path / "a", tmp_path / "c", 0.5)


@pytest.mark.parametrize(
    ("step", "args"),
    [
        ("soup", ["--base", str(SHIPPED_MODEL), "--tuned", "{nowhere}", "--alpha", "0.5"]),
        ("distill", ["--teacher", "{nowhere}"]),
    ],
)
def test_training_cli_reports_a_missing_model_folder_in_one_line(tmp_path: Path, step: str, args: list) -> None:
    nowhere = str(tmp_path / "nowhere")
    args = [a.replace("{nowhere}", nowhere) for a in args]
    result = subprocess.run(
        [*TRAIN, step, *args, "--data", str(tmp_path), "--out", str(tmp_path / "o")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "nowhere holds no model.safetensors" in result.stderr
    assert not (tmp_path / "o").exists()


def test_student_keeps_the_chosen_teacher_layers_exactly() -> None:
    import torch

    from factcheck.training.distill import student_of
    from factcheck.training.loop import load_model

    teacher, _ = load_model(SHIPPED_MODEL)
    student = student_of(teacher, (0, 2, 4))
    assert len(student.base_model.encoder.layer) == 3 and student.config.num_hidden_layers == 3
    assert len(teacher.base_model.encoder.layer) == 6, "the teacher itself is left whole"
    for kept, source in zip(student.base_model.encoder.layer, (0, 2, 4), strict=True):
        original = teacher.base_model.encoder.layer[source]
        assert all(torch.equal(a, b) for a, b in zip(kept.parameters(), original.parameters(), strict=True))
    assert torch.equal(student.classifier.weight, teacher.classifier.weight)
    for bad in ((), (2, 0), (0, 0, 1), (0, 6)):
        with pytest.raises(TrainingError, match="must be increasing"):
            student_of(teacher, bad)


def test_distillation_loss_follows_the_teacher_not_only_the_gold_label() -> None:
    """With the whole weight on the teacher term, the student learns what the teacher says even though
    every gold label says otherwise: proof that the teacher logits drive the loss. The gold label is
    the one the starting model already prefers and the teacher's the one it believes least, so the
    test does not depend on what the shipped weights make of these pairs."""
    import torch

    from factcheck.training.loop import Stage, encode, fit, label_ids, load_model, predict_logits

    torch.manual_seed(0)
    model, tokenizer = load_model(SHIPPED_MODEL)
    ids = label_ids(model)
    texts = [(f"Drug {i} lowers blood pressure.", f"Drug {i} was studied in {i + 20} adults.") for i in range(16)]
    probe = encode(tokenizer, [Pair(c, e, SUPPORTED, "t") for c, e in texts], 64, ids)
    start = softmax(predict_logits(model, probe, 0)).mean(axis=0)
    by_id = {i: label for label, i in ids.items()}
    gold, taught = by_id[int(start.argmax())], int(start.argmin())
    encoded = encode(tokenizer, [Pair(c, e, gold, "t") for c, e in texts], 64, ids)
    before = start[taught]
    teacher = np.full((len(texts), 3), -4.0)
    teacher[:, taught] = 4.0
    hp = HyperParameters(batch_size=8, learning_rate=1e-4, epochs=2.0)
    with pytest.raises(TrainingError, match="teacher rows"):
        fit(model, encoded, 0, hp, Stage("t", 1e-4, 1.0, 1, teacher_logits=teacher[:3]), lambda m: None)
    fit(model, encoded, 0, hp, Stage("t", 1e-4, 2.0, 1, teacher_logits=teacher, distill_weight=1.0), lambda m: None)
    after = softmax(predict_logits(model, encoded, 0))[:, taught].mean()
    assert after > before + 0.3, (gold, by_id[taught], before, after)


def test_distill_writes_a_smaller_calibrated_model_and_drops_extra_pairs_of_held_out_claims(tmp_path: Path) -> None:
    from factcheck.training.dataset import held_out_by, held_out_pairs
    from factcheck.training.distill import DistillSettings, distill
    from factcheck.verify.combine import COMBINER_FILE

    data = write_tiny_data(tmp_path / "data")
    # The student's split is its teacher's, however that was drawn.
    held_claim = held_out_pairs(data, seed=13, held_out_by=held_out_by(SHIPPED_MODEL))[0].claim
    extra = tmp_path / "extra.jsonl"
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    rows.append({"claim": held_claim, "evidence": "An unrelated sentence.", "label": "NOT ENOUGH INFO"})
    _jsonl(extra, rows)
    out = tmp_path / "models" / "fast"
    settings = DistillSettings(layers=(1, 3, 5), extra=extra, max_steps=3)
    record = distill(SHIPPED_MODEL, out, data, settings, log=lambda m: None)
    assert sorted(p.name for p in out.parent.iterdir()) == ["fast"], "no staging folder is left behind"
    assert record["distillation"]["extra_dropped_held_out"] == 1
    assert record["recipe"] == "distilled" and record["stages"]["distill"]["steps"] == 3
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["num_hidden_layers"] == 3
    assert (out / "model.safetensors").stat().st_size < 0.85 * (SHIPPED_MODEL / "model.safetensors").stat().st_size
    model = CrossEncoderModel(out)
    assert model.labels == CrossEncoderModel().labels
    assert model.temperature == pytest.approx(record["calibration"]["temperature"], rel=1e-5)
    probs = model.predict_proba([("Berlin has 3.6 million inhabitants.", "Berlin has 3.6 million inhabitants.")])
    assert probs.shape == (1, 3) and probs.sum() == pytest.approx(1.0)
    assert (out / COMBINER_FILE).is_file()
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "## Distillation" in card and "factcheck train distill" in card and "layers 1, 3, 5" in card


def test_model_card_tells_a_same_size_student_from_a_smaller_one() -> None:
    from factcheck.training.modelcard import _distill_lines, _reproduce_lines

    hp = {"epochs": 2.0, "learning_rate": 1e-4}
    base = {"teacher_model_id": "t-1.1", "teacher_weights": "abc", "teacher_layers": 6, "weight": 0.5,
            "temperature": 2.0, "teacher_scoring_seconds": 60.0, "teacher": "build/verifier/soup",
            "chosen_by": "Because.", "out": "factcheck/models/verifier"}  # fmt: skip
    same = "\n".join(_distill_lines({**base, "layers": [0, 1, 2, 3, 4, 5]}, hp))
    smaller = "\n".join(_distill_lines({**base, "layers": [0, 2, 4]}, hp))
    assert "self-distillation" in same and "made for speed" not in same and "Because." in same
    assert "3 of its encoder layers (0, 2, 4)" in smaller and "self-distillation" not in smaller
    record = {"seed": 13, "threads": 2, "model_id": "m", "hyper_parameters": hp,
              "distillation": {**base, "layers": [0, 2, 4], "teacher_soup": {"alpha": 0.5}}}  # fmt: skip
    steps = "\n".join(_reproduce_lines(record))
    assert "factcheck train soup" in steps and "--out build/verifier/soup" in steps
    assert "--teacher build/verifier/soup --layers 0,2,4" in steps and "make verifier-fast" in steps


def test_model_card_of_a_stage_after_distillation_reproduces_every_step_in_order() -> None:
    from factcheck.training.modelcard import _reproduce_lines, _soup_lines

    hp = {"epochs": 2.0, "learning_rate": 1e-4}
    distillation = {"teacher_model_id": "t-1.1", "teacher_layers": 6, "layers": [0, 1, 2, 3, 4, 5], "weight": 0.5,
                    "temperature": 2.0, "teacher_scoring_seconds": 60.0, "teacher": "build/verifier/soup",
                    "out": "factcheck/models/verifier", "teacher_soup": {"alpha": 0.5}}  # fmt: skip
    soup = {"alpha": 1.0, "base": "build/verifier/born-again", "tuned": "build/verifier/contrast-tuned",
            "base_model_id": "m-1.2", "tuned_data": "build/verifier/contrast.jsonl", "tuned_epochs": 2.0,
            "what": "reversed claims.", "chosen_by": "Because.", "out": "factcheck/models/verifier",
            "tuned_commands": ["factcheck train contrast X", "factcheck train verifier Y"],
            }  # fmt: skip
    card = "\n".join(_soup_lines(soup))
    assert "Last stage" in card and "`m-1.2`" in card and "alpha = 1.0" in card and "Because." in card
    record = {"seed": 13, "threads": 2, "model_id": "m-1.3", "hyper_parameters": hp,
              "distillation": distillation, "soup": soup}  # fmt: skip
    steps = [line for line in _reproduce_lines(record) if line.startswith(("python", "factcheck"))]
    assert "--out build/verifier/soup" in steps[3]  # the teacher of the distillation
    assert "--model-id m-1.2 --out build/verifier/born-again" in steps[4]  # the distillation, into its stage folder
    assert steps[5:7] == soup["tuned_commands"]
    assert steps[7].startswith("factcheck train soup --base build/verifier/born-again")
    assert "--alpha 1.0 --out factcheck/models/verifier" in steps[7] and "--model-id m-1.3" in steps[7]

    seeds = {**soup, "tuned": ["build/verifier/contrast-tuned", "build/verifier/contrast-tuned-s14"],
             "tuned_seeds": [13, 14]}  # fmt: skip
    card = "\n".join(_soup_lines(seeds))
    assert "2 times, with seeds 13, 14, each for 2.0 epochs" in card and "uniform average" in card
    lines = _reproduce_lines({**record, "soup": seeds})
    last = [line for line in lines if line.startswith(("python", "factcheck"))][-1]
    assert "--tuned build/verifier/contrast-tuned --tuned build/verifier/contrast-tuned-s14 --alpha" in last


def test_model_card_of_a_soup_of_a_soup_tells_both_stages_and_reproduces_them_in_order() -> None:
    from factcheck.training.modelcard import _reproduce_lines, _soup_lines

    hp = {"epochs": 2.0, "learning_rate": 1e-4}
    distillation = {"teacher_model_id": "t-1.1", "teacher_layers": 6, "layers": [0, 1, 2, 3, 4, 5], "weight": 0.5,
                    "temperature": 2.0, "teacher_scoring_seconds": 60.0, "teacher": "build/verifier-abs/soup",
                    "out": "build/verifier-abs/born-again", "teacher_soup": {"alpha": 0.5}}  # fmt: skip
    contrast = {"alpha": 1.0, "base": "build/verifier-abs/born-again", "tuned": "build/verifier-abs/contrast-tuned",
                "base_model_id": "m-1.2", "tuned_data": "contrast.jsonl", "tuned_epochs": 2.0,
                "what": "reversed claims.", "chosen_by": "Seeds.", "out": "build/verifier-abs/final",
                "tuned_commands": ["factcheck train contrast X", "factcheck train verifier Y"],
                }  # fmt: skip
    mix = {"alpha": 0.7, "base": "build/verifier-abs/final", "tuned": "build/verifier-abs/born-again-3",
           "base_model_id": "m-1.4", "what": "generation 3.", "chosen_by": "A rule.",
           "out": "factcheck/models/verifier",
           "tuned_commands": ["factcheck train distill G2", "factcheck train distill G3"],
           "base_soup": contrast}  # fmt: skip
    card = "\n".join(_soup_lines(mix))
    assert card.index("stage before last: fine-tuning on direction contrasts") < card.index("Last stage: interpolation")
    assert "Seeds." in card and "`m-1.4`" in card and "alpha = 0.7" in card and "generation 3. A rule." in card
    assert "This stage's weights are that fine-tuned model itself" in card and "The shipped weights are `(1" in card
    record = {"seed": 13, "threads": 2, "model_id": "m-1.5", "hyper_parameters": hp, "held_out_by": "abstract",
              "distillation": distillation, "soup": mix}  # fmt: skip
    lines = _reproduce_lines(record)
    assert "stage folders under `build/verifier-abs/`" in lines[0]
    steps = [line for line in lines if line.startswith(("python", "factcheck"))]
    assert steps[0].endswith("--out build/verifier-abs/base --threads 1 --seed 13 --held-out-by abstract")
    assert "--model-id m-1.2 --out build/verifier-abs/born-again" in steps[4]
    assert steps[5:7] == contrast["tuned_commands"]
    assert "--base build/verifier-abs/born-again" in steps[7] and "--out build/verifier-abs/final" in steps[7]
    assert "--model-id m-1.4" in steps[7] and steps[8:10] == mix["tuned_commands"]
    assert "--base build/verifier-abs/final --tuned build/verifier-abs/born-again-3 --alpha 0.7" in steps[10]
    assert "--out factcheck/models/verifier" in steps[10] and "--model-id m-1.5" in steps[10] and len(steps) == 11


def test_soup_of_several_tuned_copies_averages_them_before_mixing(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from factcheck.training.soup import mixed_state

    for name, value in (("base", 1.0), ("s1", 3.0), ("s2", 5.0), ("s3", 10.0)):
        (tmp_path / name).mkdir()
        weights = {"w": torch.full((2,), value), "ids": torch.tensor([0, 1])}
        save_file(weights, str(tmp_path / name / "model.safetensors"))
    tuned = [tmp_path / "s1", tmp_path / "s2"]
    assert mixed_state(tmp_path / "base", tuned, 1.0)["w"].tolist() == [4.0, 4.0]
    assert mixed_state(tmp_path / "base", tuned, 0.5)["w"].tolist() == [2.5, 2.5]
    assert mixed_state(tmp_path / "base", [*tuned, tmp_path / "s3"], 1.0)["w"].tolist() == [6.0, 6.0]
    assert mixed_state(tmp_path / "base", tuned, 1.0)["ids"].tolist() == [0, 1]
    with pytest.raises(TrainingError, match="at least one"):
        mixed_state(tmp_path / "base", [], 0.5)


def _claims_file(root: Path, rows: list[dict]) -> Path:
    (root / "scifact").mkdir(parents=True, exist_ok=True)
    _jsonl(root / "scifact" / "claims_train.jsonl", rows)
    return root


GROUPED_ROWS = [
    {"id": 1, "claim": "Alpha lowers beta.", "evidence": {"1": [{"sentences": [0], "label": "SUPPORT"}]},
     "cited_doc_ids": [1]},
    {"id": 2, "claim": "Alpha raises gamma.", "evidence": {}, "cited_doc_ids": [1, 2]},
    {"id": 3, "claim": "Delta needs gamma.", "evidence": {"2": [{"sentences": [1], "label": "CONTRADICT"}]},
     "cited_doc_ids": [2]},
    {"id": 4, "claim": "Epsilon is rare.", "evidence": {}, "cited_doc_ids": [7]},
]  # fmt: skip


def test_claims_citing_a_common_abstract_form_one_group_even_through_other_claims(tmp_path: Path) -> None:
    from factcheck.training.dataset import scifact_train_groups

    groups = scifact_train_groups(_claims_file(tmp_path, GROUPED_ROWS))
    keys = [claim_key(row["claim"]) for row in GROUPED_ROWS]
    # 1 and 3 share no abstract, but 2 cites both of theirs.
    assert groups[keys[0]] == groups[keys[1]] == groups[keys[2]] == "abstracts:1"
    assert groups[keys[3]] == "abstracts:7"


def test_an_abstract_split_keeps_each_group_on_one_side_where_a_claim_split_does_not(tmp_path: Path) -> None:
    from factcheck.training.dataset import _split, scifact_train_groups

    groups = scifact_train_groups(_claims_file(tmp_path, GROUPED_ROWS))
    pairs = [Pair(row["claim"], "some evidence", "SUPPORTED", "scifact_train") for row in GROUPED_ROWS[:3]]
    separated = 0
    for seed in range(60):
        _, held = _split(pairs, seed, groups)
        assert len(held) in (0, 3), f"seed {seed} split a group"
        _, held = _split(pairs, seed)
        separated += len(held) in (1, 2)
    assert separated > 0, "claim by claim, some seed must split the three"


def test_a_model_folder_says_how_its_split_was_drawn(tmp_path: Path) -> None:
    from factcheck.training.dataset import held_out_by

    assert held_out_by(tmp_path) == "claim", "folders from before the choice drew claim by claim"
    (tmp_path / "training.json").write_text(json.dumps({"seed": 13, "held_out_by": "abstract"}))
    assert held_out_by(tmp_path) == "abstract"
    (tmp_path / "training.json").write_text(json.dumps({"seed": 13, "held_out_by": "page"}))
    with pytest.raises(TrainingError, match="held_out_by 'page'"):
        held_out_by(tmp_path)
    assert held_out_by(SHIPPED_MODEL) == "abstract", "verifier 1.5 held out whole abstracts"
    assert held_out_by(SHIPPED_MODEL.parent / "verifier-fast") == "claim", "the fast student is older"


def test_the_benchmark_tunes_on_the_groups_an_abstract_split_held_out(tmp_path: Path) -> None:
    from bench.scifact import held_out_of_training, read_gold
    from factcheck.training.dataset import HELD_OUT, held_out_draw, scifact_train_groups

    data = _claims_file(tmp_path / "data", GROUPED_ROWS)
    gold = read_gold(data / "scifact" / "claims_train.jsonl")
    model = tmp_path / "model"
    model.mkdir()
    groups = scifact_train_groups(data)
    seed = next(s for s in range(200) if held_out_draw(s, "abstracts:1") < HELD_OUT["scifact_train"])
    (model / "training.json").write_text(json.dumps({"seed": seed, "held_out_by": "abstract"}))
    held = held_out_of_training(gold, model, data / "scifact")
    assert {1, 2, 3} <= set(held)
    assert (4 in held) == (held_out_draw(seed, groups[claim_key(GROUPED_ROWS[3]["claim"])]) < HELD_OUT["scifact_train"])


def test_the_model_card_says_when_claims_were_held_out_by_abstract(tmp_path: Path) -> None:
    from factcheck.training.modelcard import write_model_card

    record = json.loads((SHIPPED_MODEL / "training.json").read_text(encoding="utf-8"))
    data = write_tiny_data(tmp_path / "data")
    write_model_card(tmp_path, {k: v for k, v in record.items() if k != "held_out_by"}, data)
    assert "held out for calibration and evaluation." in (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    write_model_card(tmp_path, {**record, "held_out_by": "abstract"}, data)
    card = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "in whole groups that cite a common abstract" in card


def test_draw_size_reads_how_many_pairs_a_model_folders_first_stage_drew(tmp_path: Path) -> None:
    from factcheck.training.dataset import DEFAULT_SIZE, draw_size

    assert draw_size(tmp_path / "absent") == DEFAULT_SIZE
    assert draw_size(SHIPPED_MODEL) == DEFAULT_SIZE  # records of the default draw do not name it
    for value, expected in ((45000, 45000), (None, None)):
        (tmp_path / "training.json").write_text(json.dumps({"seed": 13, "size": value}), encoding="utf-8")
        assert draw_size(tmp_path) == expected
    for bad in (0, -5, "45000", True, 1.5):
        (tmp_path / "training.json").write_text(json.dumps({"size": bad}), encoding="utf-8")
        with pytest.raises(TrainingError, match="size"):
            draw_size(tmp_path)


def test_a_student_rebuilds_its_teachers_draw_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factcheck.training.dataset as dataset
    from factcheck.training.distill import DistillSettings, distill

    teacher = tmp_path / "teacher"
    teacher.mkdir()
    (teacher / "model.safetensors").write_bytes(b"")
    record = json.loads((SHIPPED_MODEL / "training.json").read_text(encoding="utf-8"))
    (teacher / "training.json").write_text(json.dumps({**record, "size": 45000}), encoding="utf-8")
    drawn: list[int | None] = []

    class Drawn(Exception):
        pass

    def fake_build(
        data: Path, *, seed: int, size: int | None, held_out_by: str, scifact_titles: bool, log: object
    ) -> None:
        drawn.append((size, scifact_titles))
        raise Drawn

    monkeypatch.setattr(dataset, "build_training_set", fake_build)
    for size in (None, 9000):
        with pytest.raises(Drawn):
            distill(teacher, tmp_path / "out", tmp_path, DistillSettings(size=size), log=lambda m: None)
    (teacher / "training.json").write_text(json.dumps({**record, "scifact_titles": True}), encoding="utf-8")
    with pytest.raises(Drawn):
        distill(teacher, tmp_path / "out", tmp_path, log=lambda m: None)
    assert drawn == [(45000, False), (9000, False), (15000, True)]
    assert not (tmp_path / "out").exists()


def test_the_model_card_reproduces_a_first_stage_that_drew_more_pairs() -> None:
    from factcheck.training.modelcard import _reproduce_lines

    hp = {"epochs": 1.0, "learning_rate": 8e-5}
    soup = {"alpha": 0.5, "base": "build/verifier-abs/base", "tuned": "build/verifier-abs/tuned", "base_model_id": "b"}
    record = {"seed": 13, "threads": 2, "model_id": "m", "hyper_parameters": hp, "soup": soup,
              "held_out_by": "abstract"}  # fmt: skip
    first = next(line for line in _reproduce_lines(record) if "--data path/to/public-data" in line)
    assert "--size" not in first
    first = next(line for line in _reproduce_lines({**record, "size": 45000}) if "--data path/to/public-data" in line)
    assert first.endswith("--size 45000")
    plain = {"seed": 13, "model_id": "m", "hyper_parameters": hp, "size": 45000}
    assert any("--seed 13 --size 45000" in line for line in _reproduce_lines(plain))


def test_scifact_titles_put_each_abstracts_title_in_front_as_factcheck_feeds_evidence(tiny_set) -> None:
    from factcheck.training.scifact import SciFactCorpus, training_pairs

    data, plain_set = tiny_set
    corpus = SciFactCorpus(data)
    plain, titled = training_pairs(data, corpus), training_pairs(data, corpus, titles=True)
    assert [(p.claim, p.label, p.source) for p in plain] == [(p.claim, p.label, p.source) for p in titled]
    by_title = {doc.title: doc.sentences for doc in corpus.docs.values()}
    for before, after in zip(plain, titled, strict=True):
        title, _, rest = after.evidence.partition(": ")
        if title in by_title:
            assert rest == before.evidence and any(before.evidence.startswith(s) for s in by_title[title])
        else:  # the title is already in the sentence, which factcheck's verifier then reads alone
            assert after.evidence == before.evidence
            assert any(t.lower() in before.evidence.lower() for t in by_title)
    assert any(a.evidence != b.evidence for a, b in zip(plain, titled, strict=True))
    assert any(a.evidence == b.evidence for a, b in zip(plain, titled, strict=True))

    titled_set = build_training_set(data, seed=13, size=None, scifact_titles=True)
    for split in ("train", "held_out"):
        before, after = getattr(plain_set, split), getattr(titled_set, split)
        assert len(before) == len(after)
        others = {p for p in before if not p.source.startswith("scifact")}
        assert others == {p for p in after if not p.source.startswith("scifact")}
    scifact = [p for p in _all_pairs(titled_set) if p.source.startswith("scifact")]
    assert scifact and all(
        p.evidence.partition(": ")[0] in by_title or any(t.lower() in p.evidence.lower() for t in by_title)
        for p in scifact
    )


def test_a_model_folder_says_whether_its_scifact_evidence_was_titled(tmp_path: Path) -> None:
    from factcheck.training.dataset import titles_of
    from factcheck.training.modelcard import _reproduce_lines

    assert titles_of(tmp_path) is False and titles_of(SHIPPED_MODEL) is False
    (tmp_path / "training.json").write_text(json.dumps({"seed": 13, "scifact_titles": True}))
    assert titles_of(tmp_path) is True
    (tmp_path / "training.json").write_text(json.dumps({"seed": 13, "scifact_titles": "yes"}))
    with pytest.raises(TrainingError, match="scifact_titles 'yes'"):
        titles_of(tmp_path)
    hp = {"epochs": 1.0, "learning_rate": 8e-5}
    soup = {"alpha": 0.5, "base": "build/M/base", "tuned": "build/M/tuned", "base_model_id": "b"}
    record = {"seed": 13, "threads": 2, "model_id": "m", "hyper_parameters": hp, "soup": soup}
    first = next(line for line in _reproduce_lines(record) if "--data path/to/public-data" in line)
    assert "--scifact-titles" not in first
    first = next(
        line for line in _reproduce_lines({**record, "scifact_titles": True}) if "--data path/to/public-data" in line
    )
    assert first.endswith("--scifact-titles")


def test_the_verifier_benchmark_reads_held_out_scifact_pairs_titled_when_asked(tiny_set) -> None:
    from bench.verifier import datasets
    from factcheck.training.dataset import HELD_OUT, held_out_draw

    data, _ = tiny_set
    claims = [json.loads(line)["claim"] for line in (data / "scifact" / "claims_train.jsonl").read_text().splitlines()]
    seed = next(
        s for s in range(500) if held_out_draw(s, claim_key(claims[0])) < HELD_OUT["scifact_train"]
    )  # the first claim's abstract title is not in its sentences, so its evidence gets one
    plain = datasets(data, seed)["scifact_train (held out)"]
    titled = datasets(data, seed, scifact_titles=True)["scifact_train (held out)"]
    assert plain and len(plain) == len(titled)
    assert any(t.evidence != p.evidence for p, t in zip(plain, titled, strict=True))
    assert all(t.evidence.endswith(p.evidence) for p, t in zip(plain, titled, strict=True))
