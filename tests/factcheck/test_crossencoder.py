"""The shipped cross-encoder verifier: loads offline, reads its labels from config, scores sensibly,
applies its calibration, and its int8 build agrees with fp32."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factcheck.verify.crossencoder import SHIPPED_MODEL, CrossEncoderModel, VerifierModelError

PAIRS_FILE = Path(__file__).parent / "data" / "verifier_pairs.jsonl"
SUPPORTED_PAIR = (
    "The Eiffel Tower is in Paris.",
    "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France.",
)
# The hand-written pairs whose claim changes a figure (a number or a year) of the evidence.
FIGURE_CLAIMS = frozenset(
    {
        "Water boils at 50 degrees Celsius at sea level.",
        "The city of Lyon has about 5 million inhabitants.",
        "The novel was published in 1952.",
        "The bridge opened to traffic in 1973.",
        "The company employs fewer than 200 people.",
    }
)


def _pairs() -> list[tuple[str, str, str]]:
    rows = [json.loads(line) for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines() if line]
    return [(row["claim"], row["evidence"], row["label"]) for row in rows]


@pytest.fixture(scope="module")
def int8() -> CrossEncoderModel:
    return CrossEncoderModel(quantize=True)


@pytest.fixture(scope="module")
def fp32() -> CrossEncoderModel:
    return CrossEncoderModel(quantize=False)


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "verifier"
    shutil.copytree(SHIPPED_MODEL, target)
    return target


def test_shipped_model_loads_offline_with_an_empty_hub_cache(tmp_path: Path) -> None:
    code = (
        "from factcheck.verify.crossencoder import CrossEncoderModel\n"
        "m = CrossEncoderModel()\n"
        "p = m.predict_proba([('Paris is in France.', 'Paris is the capital of France.')])\n"
        "print(m.model_id, p.shape)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "factcheck-verifier-minilm-1.5 (1, 3)"
    assert not (tmp_path / "hf" / "hub").exists(), "nothing was fetched into the hub cache"


def test_importing_the_module_does_not_import_torch() -> None:
    code = (
        "import sys, factcheck.verify.crossencoder\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_labels_come_from_the_model_config(int8: CrossEncoderModel, tmp_path: Path) -> None:
    config = json.loads((SHIPPED_MODEL / "config.json").read_text(encoding="utf-8"))
    expected = tuple(config["id2label"][str(i)] for i in range(len(config["id2label"])))
    assert int8.labels == expected
    assert set(expected) == {"SUPPORTED", "REFUTED", "NOT ENOUGH INFO"}
    # Renaming the outputs in config.json renames the columns: nothing in code assumes an order.
    folder = _copy_model(tmp_path)
    swapped = dict(config)
    swapped["id2label"] = {"0": expected[1], "1": expected[0], "2": expected[2]}
    swapped["label2id"] = {name: int(i) for i, name in swapped["id2label"].items()}
    (folder / "config.json").write_text(json.dumps(swapped), encoding="utf-8")
    renamed = CrossEncoderModel(folder, quantize=False)
    assert renamed.labels == (expected[1], expected[0], expected[2])
    original = CrossEncoderModel(quantize=False).predict_proba([SUPPORTED_PAIR])
    assert np.allclose(renamed.predict_proba([SUPPORTED_PAIR]), original, atol=1e-6)


def test_probabilities_are_a_distribution_in_input_order(fp32: CrossEncoderModel) -> None:
    pairs = [(claim, evidence) for claim, evidence, _ in _pairs()]
    probs = fp32.predict_proba(pairs)
    assert probs.shape == (len(pairs), 3)
    assert np.all(probs >= 0) and np.allclose(probs.sum(axis=1), 1.0)
    # Batches are formed by length; the rows must still come back in the caller's order.
    one_by_one = CrossEncoderModel(quantize=False, batch_size=1).predict_proba(pairs[::-1])
    assert np.allclose(one_by_one[::-1], probs, atol=1e-5)
    assert fp32.predict_proba([]).shape == (0, 3)


def test_obvious_supported_pair_is_supported(int8: CrossEncoderModel, fp32: CrossEncoderModel) -> None:
    for model in (int8, fp32):
        probs = model.predict_proba([SUPPORTED_PAIR])
        assert model.labels[int(probs.argmax())] == "SUPPORTED"


def test_changed_figures_are_refuted(int8: CrossEncoderModel, fp32: CrossEncoderModel) -> None:
    pairs = [(claim, evidence) for claim, evidence, _ in _pairs() if claim in FIGURE_CLAIMS]
    assert len(pairs) == len(FIGURE_CLAIMS)
    for model in (int8, fp32):
        predicted = [model.labels[i] for i in model.predict_proba(pairs).argmax(axis=1)]
        # Verifier 1.2 refuted all five; 1.3 and 1.4 (fine-tuned on scientific direction contrasts) leave
        # "about 5 million" against 513,000 SUPPORTED and "fewer than 200" against 2,350 NOT ENOUGH INFO.
        # Figures are the typed checks' job in the full verifier; the model must still catch most.
        assert predicted.count("REFUTED") >= len(pairs) - 2, predicted


def test_int8_agrees_with_fp32_on_most_pairs(int8: CrossEncoderModel, fp32: CrossEncoderModel) -> None:
    pairs = [(claim, evidence) for claim, evidence, _ in _pairs()]
    agree = (int8.predict_proba(pairs).argmax(axis=1) == fp32.predict_proba(pairs).argmax(axis=1)).mean()
    # 1.2 agreed on 41 of 42 pairs, 1.3 on 39, 1.4 on 40: int8 is opt-in, fp32 is what the verifier runs.
    assert agree >= 0.9


def test_model_scores_the_hand_written_pairs_better_than_chance(fp32: CrossEncoderModel) -> None:
    rows = _pairs()
    probs = fp32.predict_proba([(claim, evidence) for claim, evidence, _ in rows])
    synonyms = {"SUPPORTS": "SUPPORTED", "REFUTES": "REFUTED", "NEI": "NOT ENOUGH INFO"}
    gold = [synonyms.get(label, label) for _, _, label in rows]
    accuracy = np.mean([fp32.labels[i] == g for i, g in zip(probs.argmax(axis=1), gold, strict=True)])
    assert accuracy >= 0.6


def test_calibration_temperature_is_applied(tmp_path: Path) -> None:
    folder = _copy_model(tmp_path)
    (folder / "calibration.json").write_text(json.dumps({"method": "temperature", "temperature": 2.5}))
    model = CrossEncoderModel(folder, quantize=False)
    logits = model.predict_logits([SUPPORTED_PAIR])
    expected = np.exp(logits / 2.5) / np.exp(logits / 2.5).sum()
    assert model.temperature == 2.5
    assert np.allclose(model.predict_proba([SUPPORTED_PAIR]), expected)
    (folder / "calibration.json").unlink()
    assert CrossEncoderModel(folder).temperature == 1.0


def test_identity_comes_from_the_folder(int8: CrossEncoderModel) -> None:
    record = json.loads((SHIPPED_MODEL / "training.json").read_text(encoding="utf-8"))
    assert int8.model_id == record["model_id"] and int8.model_id.startswith("factcheck-verifier-minilm-")
    assert len(int8.model_hash) == 16 and int(int8.model_hash, 16) >= 0
    assert (SHIPPED_MODEL / "model.safetensors").stat().st_size <= 50 * 2**20


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda folder: shutil.rmtree(folder), "does not exist"),
        (lambda folder: (folder / "model.safetensors").unlink(), "model.safetensors is missing"),
        (lambda folder: (folder / "config.json").write_text("{not json"), "not readable JSON"),
        (lambda folder: (folder / "model.safetensors").write_bytes(b"garbage"), "cannot load"),
        (lambda folder: (folder / "calibration.json").write_text('{"temperature": -1}'), "must be > 0"),
    ],
    ids=["no-folder", "no-weights", "bad-config", "bad-weights", "bad-temperature"],
)
def test_broken_model_folders_raise_one_line_errors(tmp_path: Path, damage, message: str) -> None:
    folder = _copy_model(tmp_path)
    damage(folder)
    with pytest.raises(VerifierModelError, match=message) as caught:
        CrossEncoderModel(folder).predict_proba([SUPPORTED_PAIR])
    message_text = str(caught.value)
    assert "\n" not in message_text
    assert "retrain" in message_text or "reinstall" in message_text or "delete it" in message_text


def test_fast_student_has_three_layers_and_mostly_agrees_with_its_teacher(fp32: CrossEncoderModel) -> None:
    from factcheck.verify.crossencoder import FAST_MODEL

    fast = CrossEncoderModel(FAST_MODEL)
    config = json.loads((FAST_MODEL / "config.json").read_text(encoding="utf-8"))
    assert config["num_hidden_layers"] == 3 and fast.labels == fp32.labels
    assert fast.model_id == "factcheck-verifier-minilm-1.2-fast" and fast.temperature != 1.0
    rows = _pairs()
    pairs = [(claim, evidence) for claim, evidence, _ in rows]
    student, teacher = fast.predict_proba(pairs).argmax(axis=1), fp32.predict_proba(pairs).argmax(axis=1)
    assert (student == teacher).mean() >= 0.7  # 16 of 21 for the shipped student
    synonyms = {"SUPPORTS": "SUPPORTED", "REFUTES": "REFUTED", "NEI": "NOT ENOUGH INFO"}
    gold = [synonyms.get(label, label) for _, _, label in rows]
    assert np.mean([fast.labels[i] == g for i, g in zip(student, gold, strict=True)]) >= 0.6
    assert fast.labels[int(fast.predict_proba([SUPPORTED_PAIR]).argmax())] == "SUPPORTED"
