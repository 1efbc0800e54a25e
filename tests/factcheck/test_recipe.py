"""The recipe file holds the shipped verifiers' settings and reasons; the steps read it, the model cards quote it."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from factcheck.config import VERIFIER_FOLDERS

RECIPE = Path(__file__).resolve().parents[2] / "factcheck" / "training" / "recipes" / "minilm-1.5.toml"
STEPS = tomllib.loads(RECIPE.read_text(encoding="utf-8"))
TRAIN = [sys.executable, "-m", "factcheck.cli", "train"]


def _record(kind: str) -> dict:
    return json.loads((VERIFIER_FOLDERS[kind] / "training.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("command", "step", "args", "error"),
    [
        ("soup", "soup", ["--base", "{x}", "--tuned", "{x}"], "holds no model.safetensors"),
        ("soup", "contrast-soup", ["--base", "{x}", "--tuned", "{x}"], "holds no model.safetensors"),
        ("soup", "mix", ["--base", "{x}", "--tuned", "{x}"], "holds no model.safetensors"),
        ("distill", "distill", ["--teacher", "{x}"], "holds no model.safetensors"),
        ("distill", "gen2", ["--teacher", "{x}"], "holds no model.safetensors"),
        ("distill", "gen3", ["--teacher", "{x}"], "holds no model.safetensors"),
        ("distill", "fast", ["--teacher", "{x}"], "holds no model.safetensors"),
        ("contrast", "contrast", ["--pairs", "{x}"], "is not a file"),
    ],
)
def test_every_step_of_the_recipe_is_accepted_by_its_command(
    tmp_path: Path, command: str, step: str, args: list[str], error: str
) -> None:
    # The step's own work fails on the missing input, so every setting of its table was parsed first.
    args = [a.replace("{x}", str(tmp_path / "missing")) for a in args]
    data = [] if command == "contrast" else ["--data", str(tmp_path)]
    run = subprocess.run(
        [*TRAIN, command, "--recipe", str(RECIPE), "--step", step, *args, *data, "--out", str(tmp_path / "o")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 2 and error in run.stderr, run.stderr
    assert not (tmp_path / "o").exists()


def test_a_setting_the_step_does_not_know_is_refused_in_one_line(tmp_path: Path) -> None:
    recipe = tmp_path / "r.toml"
    recipe.write_text('[soup]\nalpah = 0.5\n', encoding="utf-8")
    run = subprocess.run(
        [*TRAIN, "soup", "--recipe", str(recipe), "--step", "soup", "--base", "b", "--tuned", "t", "--alpha", "1",
         "--data", str(tmp_path), "--out", str(tmp_path / "o")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 2 and run.stderr == f"error: recipe {recipe} [soup] sets alpah, which it cannot\n"


def test_the_shipped_verifier_was_made_with_the_recipe_and_its_card_quotes_the_reasons() -> None:
    soup = _record("model")["soup"]
    assert soup["alpha"] == STEPS["mix"]["alpha"] and _record("model")["model_id"] == STEPS["mix"]["model_id"]
    assert soup["what"] == STEPS["mix"]["what"] and soup["chosen_by"] == STEPS["mix"]["why"]
    card = (VERIFIER_FOLDERS["model"] / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert STEPS["mix"]["why"] in card and STEPS["mix"]["what"] in card


def test_the_fast_student_was_made_with_the_recipe() -> None:
    record = _record("fast")
    assert record["model_id"] == STEPS["fast"]["model_id"]
    assert record["distillation"]["layers"] == [int(n) for n in STEPS["fast"]["layers"].split(",")]
    assert record["distillation"]["chosen_by"] == STEPS["fast"]["why"]
    settings = json.loads((VERIFIER_FOLDERS["fast"] / "settings.json").read_text(encoding="utf-8"))
    assert settings == STEPS["fast"]["verifier_settings"]
