"""The verifier on a base encoder at toy size: recipe, resumable training, the shipped adapter, `--verifier base`.

A tiny random MPNet (tests/factcheck/tiny_encoder.py) stands in for all-mpnet-base-v2 so that these run in
the default install; the last tests use the real one when the [base] extra is installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factcheck.config import Settings
from factcheck.errors import FactcheckError
from factcheck.training import TrainingError
from factcheck.training.base_train import BASES, BaseRun, read_recipe, train_base_verifier
from factcheck.training.loop import HyperParameters, Stage, encode, fit, label_ids, load_model, predict_logits
from factcheck.training.lora import LoraSettings, add_lora, save_adapter
from factcheck.training.metrics import softmax
from factcheck.training.sources import read_user_pairs
from factcheck.verify.adapter import ADAPTER_WEIGHTS, AdapterError
from factcheck.verify.base_encoder import MPNET, WEIGHTS, is_installed, sha256_file
from factcheck.verify.crossencoder import CrossEncoderModel
from factcheck.verify.factory import make_verifier
from tests.factcheck.test_base_encoder import NOT_INSTALLED
from tests.factcheck.test_training import PAIRS, write_tiny_data
from tests.factcheck.tiny_encoder import write_tiny_mpnet

TINY_RECIPE = """
[verifier]
model_id = "tiny-base"
size = 60
checkpoint_every = 2
threads = 1
[verifier.hyper]
batch_size = 4
learning_rate = 0.002
second_stage_epochs = 1.0
[verifier.lora]
rank = 2
alpha = 4.0
whole = ["classifier.", "LayerNorm."]
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("base")
    recipe = root / "recipe.toml"
    recipe.write_text(TINY_RECIPE, encoding="utf-8")
    return write_tiny_data(root / "data"), write_tiny_mpnet(root / "encoder"), recipe


def _adapter(folder: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(folder / ADAPTER_WEIGHTS))


def test_an_interrupted_run_continues_from_its_checkpoint_to_the_same_weights(tiny, tmp_path, monkeypatch) -> None:
    data, encoder, recipe = tiny
    run = BaseRun(base=str(encoder), recipe=recipe, evaluate=False)
    whole = train_base_verifier(data, tmp_path / "whole", run, log=lambda m: None)

    import factcheck.training.loop as loop

    calls, real_collate = [], loop.collate

    def stop_at_step_five(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt  # a kill mid-step: steps 1-4 are in checkpoints, step 5 is lost
        return real_collate(*args, **kwargs)

    monkeypatch.setattr(loop, "collate", stop_at_step_five)
    with pytest.raises(KeyboardInterrupt):
        train_base_verifier(data, tmp_path / "resumed", run, log=lambda m: None)
    assert not (tmp_path / "resumed").exists(), "an interrupted run writes no model folder"
    assert sorted(p.name for p in (tmp_path / "resumed.checkpoints").iterdir()) == [
        "stage1-step-0000002.pt", "stage1-step-0000004.pt",
    ]  # fmt: skip
    monkeypatch.setattr(loop, "collate", real_collate)
    said: list[str] = []
    resumed = train_base_verifier(data, tmp_path / "resumed", run, log=said.append)
    assert any("stage1: continuing from step 4/" in line for line in said)
    first, second = _adapter(whole.out), _adapter(resumed.out)
    assert sorted(first) == sorted(second) and any(k.endswith(".lora_b") for k in first)
    for key in first:
        np.testing.assert_allclose(second[key], first[key], rtol=0, atol=1e-6, err_msg=key)
    assert max(float(np.abs(first[k]).max()) for k in first if k.endswith(".lora_b")) > 0, "the factors trained"
    assert whole.temperature == pytest.approx(resumed.temperature, abs=1e-6)


def test_a_checkpoint_of_other_settings_is_refused_not_mixed_in(tiny, tmp_path) -> None:
    data, encoder, recipe = tiny
    run = BaseRun(base=str(encoder), recipe=recipe, evaluate=False, max_steps=2)
    train_base_verifier(data, tmp_path / "out", run, log=lambda m: None)
    other = tmp_path / "other.toml"
    other.write_text(TINY_RECIPE.replace("learning_rate = 0.002", "learning_rate = 0.003"), encoding="utf-8")
    changed = BaseRun(base=str(encoder), recipe=other, evaluate=False, max_steps=2)
    with pytest.raises(TrainingError, match="belongs to a run with other settings or data"):
        train_base_verifier(data, tmp_path / "out", changed, log=lambda m: None)


def test_the_trained_folder_is_a_verifier_with_its_calibration_combiner_and_card(tiny, tmp_path) -> None:
    data, encoder, recipe = tiny
    report = train_base_verifier(data, tmp_path / "v", BaseRun(base=str(encoder), recipe=recipe), log=lambda m: None)
    names = {p.name for p in report.out.iterdir()}
    assert {"adapter.json", ADAPTER_WEIGHTS, "config.json", "calibration.json", "combiner.json", "training.json",
            "MODEL_CARD.md"} <= names and WEIGHTS not in names  # fmt: skip
    record = json.loads((report.out / "training.json").read_text(encoding="utf-8"))
    assert record["held_out_by"] == "abstract" and record["base"] == str(encoder.resolve())
    assert "scifact_dev_oracle" in record["metrics"], "evaluated on SciFact dev, never trained on it"
    verifier = make_verifier(Settings(verifier=str(report.out)))
    assert verifier.id.startswith("tiny-base+")
    assert verifier.model.model_hash == sha256_file(report.out / ADAPTER_WEIGHTS)[:16]
    # The whole check path with it: claims, retrieval, the merged model, typed checks and the fitted combiner.
    article, corpus = _article_and_corpus(tmp_path)
    command = [sys.executable, "-m", "factcheck.cli", "check", str(article), "--corpus", str(corpus),
               "--verifier", str(report.out), "--format", "json"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    verdicts = json.loads(result.stdout)
    assert verifier.id in result.stdout and verdicts, "the report names the adapter verifier that produced it"


def _article_and_corpus(root: Path) -> tuple[Path, Path]:
    article = root / "a.md"
    article.write_text("The Hubble telescope was launched in 1990.\n", encoding="utf-8")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "doc.md").write_text("Hubble was launched in 1990.\n", encoding="utf-8")
    return article, corpus


def test_the_loaded_adapter_reproduces_the_trained_models_probabilities_on_100_pairs(tiny, tmp_path) -> None:
    _, encoder, _ = tiny
    model, tokenizer = load_model(encoder)
    add_lora(model, LoraSettings(rank=4, alpha=8.0, whole=("classifier.", "LayerNorm.")))
    pairs = read_user_pairs(PAIRS)
    hp = HyperParameters(batch_size=8, learning_rate=5e-3, max_steps=6)
    ids, pad = label_ids(model), int(tokenizer.pad_token_id or 0)
    before = predict_logits(model, encode(tokenizer, pairs, 128, ids), pad)
    fit(model, encode(tokenizer, pairs, 128, ids), pad, hp, Stage("s", 5e-3, 2.0, 13), lambda m: None)
    # 100 pairs: each claim read against its own evidence and against the next claims' evidence.
    probe = [(p.claim, pairs[(i + k) % len(pairs)].evidence) for k in range(3) for i, p in enumerate(pairs)][:100]
    probe_pairs = [type(pairs[0])(c, e, "SUPPORTED", "probe") for c, e in probe]
    trained = softmax(predict_logits(model, encode(tokenizer, probe_pairs, 128, ids), pad))
    folder = tmp_path / "adapter"
    folder.mkdir()
    spec = {"base": str(encoder), "base_weights_sha256": sha256_file(encoder / WEIGHTS), "max_length": 128}
    save_adapter(model, folder, spec)
    loaded = softmax(CrossEncoderModel(folder).predict_logits(probe))
    assert len(probe) == 100
    np.testing.assert_allclose(loaded, trained, atol=1e-4, rtol=0)
    after = predict_logits(model, encode(tokenizer, pairs, 128, ids), pad)
    assert float(np.abs(after - before).max()) > 1e-3, "training moved the model, so the comparison means something"


def test_an_adapter_refuses_a_base_that_is_not_the_one_it_was_trained_on(tiny, tmp_path) -> None:
    _, encoder, _ = tiny
    model, _ = load_model(encoder)
    add_lora(model, LoraSettings(rank=2))
    folder = tmp_path / "adapter"
    folder.mkdir()
    save_adapter(model, folder, {"base": str(encoder), "base_weights_sha256": "0" * 64, "max_length": 128})
    with pytest.raises(FactcheckError, match="is not the base the adapter was trained on"):
        CrossEncoderModel(folder).predict_logits([("a", "b")])


def test_the_mpnet_recipe_ships_an_adapter_under_30_mb() -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, MPNetConfig

    recipe = read_recipe(BASES["mpnet"])
    assert (recipe.held_out_by, recipe.size, recipe.scifact_titles) == ("abstract", 15000, False), "as verifier 1.5"
    with torch.device("meta"):
        model = AutoModelForSequenceClassification.from_config(MPNetConfig(num_labels=3))
    add_lora(model, recipe.lora)
    trained = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert 1_000_000 < trained * 4 < 30 * 2**20


def test_a_recipe_key_that_does_not_exist_is_an_error(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[verifier]\nmodel_id = "x"\nlearning_rate = 0.1\n', encoding="utf-8")
    with pytest.raises(TrainingError, match="sets learning_rate; it may set"):
        read_recipe(bad)


def test_verifier_base_with_its_adapter_folder_emptied_names_the_command_that_trains_one(tmp_path, monkeypatch) -> None:
    from factcheck import config

    monkeypatch.setitem(config.VERIFIER_FOLDERS, "base", tmp_path)
    with pytest.raises(AdapterError, match=r"no trained base verifier ships with this version.*make verifier-base"):
        make_verifier(Settings(verifier="base"))


def test_train_base_flags_that_belong_in_the_recipe_are_refused(tiny, tmp_path) -> None:
    data, encoder, recipe = tiny
    command = [sys.executable, "-m", "factcheck.cli", "train", "verifier", "--base", str(encoder), "--recipe",
               str(recipe), "--data", str(data), "--out", str(tmp_path / "o"), "--epochs", "2"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "set --epochs there, not as a flag" in result.stderr


@pytest.mark.skipif(not is_installed(), reason=NOT_INSTALLED)
def test_an_adapter_on_the_real_all_mpnet_base_v2_reloads_to_the_same_probabilities(tmp_path) -> None:
    from factcheck.verify.base_encoder import base_encoder_folder

    base = base_encoder_folder()
    recipe = read_recipe(BASES["mpnet"])
    model, tokenizer = load_model(base)
    add_lora(model, recipe.lora)
    pairs = read_user_pairs(PAIRS)[:8]
    ids, pad = label_ids(model), int(tokenizer.pad_token_id or 0)
    fit(model, encode(tokenizer, pairs, 128, ids), pad, HyperParameters(batch_size=4, max_steps=2),
        Stage("s", 1e-3, 1.0, 13), lambda m: None)  # fmt: skip
    trained = softmax(predict_logits(model, encode(tokenizer, pairs, 128, ids), pad))
    folder = tmp_path / "adapter"
    folder.mkdir()
    save_adapter(model, folder, {"base": MPNET.name, "base_weights_sha256": MPNET.weights_sha256, "max_length": 128})
    assert (folder / ADAPTER_WEIGHTS).stat().st_size < 30 * 2**20
    loaded = softmax(CrossEncoderModel(folder).predict_logits([(p.claim, p.evidence) for p in pairs]))
    np.testing.assert_allclose(loaded, trained, atol=1e-4, rtol=0)


def test_the_accelerator_script_trains_and_leaves_its_results_in_out(tiny, tmp_path) -> None:
    import os
    import tarfile

    data, encoder, recipe = tiny
    script = Path(__file__).resolve().parents[2] / "bench" / "gpu_base.sh"
    env = {**os.environ, "OUT": str(tmp_path / "out"), "PUBLIC_DATA": str(data), "DEVICE": "cpu",
           "BASE": str(encoder), "RECIPE": str(recipe), "WORK": str(tmp_path / "work"), "PYTHON": sys.executable,
           "SPEED_ARGS": "--threads 1 --steps 1 --batches 1"}  # fmt: skip
    result = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-2000:]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["speed.json", "train.log", "verifier-base.tar"]
    with tarfile.open(tmp_path / "out" / "verifier-base.tar") as tar:
        names = set(tar.getnames())
    assert {"verifier-base/adapter.safetensors", "verifier-base/combiner.json"} <= names
    speed = json.loads((tmp_path / "out" / "speed.json").read_text(encoding="utf-8"))
    assert speed["train_lora_fp32_b16"] > 0 and speed["infer_int8_b32"] > 0 and speed["peak_rss_mib"] > 0
    assert "wrote tiny-base" in (tmp_path / "out" / "train.log").read_text(encoding="utf-8")


def test_a_broken_or_missing_base_encoder_is_one_line_and_exit_2_at_the_cli(tiny, tmp_path) -> None:
    import os
    import shutil

    from factcheck.verify.crossencoder import SHIPPED_MODEL

    _, encoder, _ = tiny
    model, _ = load_model(encoder)
    add_lora(model, LoraSettings(rank=2))
    folder = tmp_path / "on-mpnet"
    folder.mkdir()
    save_adapter(model, folder, {"base": MPNET.name, "base_weights_sha256": MPNET.weights_sha256, "max_length": 128})
    (folder / "training.json").write_text('{"model_id": "on-mpnet"}', encoding="utf-8")
    shutil.copy(SHIPPED_MODEL / "combiner.json", folder / "combiner.json")
    cache = tmp_path / "cache"  # an assembled folder whose weights were cut short since
    (cache / "base-encoders" / MPNET.name).mkdir(parents=True)
    (cache / "base-encoders" / MPNET.name / ".verified").write_text(MPNET.weights_sha256, encoding="utf-8")
    (cache / "base-encoders" / MPNET.name / WEIGHTS).write_bytes(b"cut")
    article, corpus = _article_and_corpus(tmp_path)
    command = [sys.executable, "-m", "factcheck.cli", "check", str(article), "--corpus", str(corpus),
               "--verifier", str(folder)]  # fmt: skip
    env = {**os.environ, "FACTCHECK_CACHE_HOME": str(cache)}
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    expected = "is missing or truncated: delete" if is_installed() else "packages are not installed: run `pip install"
    assert MPNET.name in lines[0] and expected in lines[0]
