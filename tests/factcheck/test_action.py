"""The GitHub Action: valid YAML, cached environment and index, and its shell steps run as written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS = {step.get("id", step["name"]): step for step in ACTION["runs"]["steps"]}


def _run_step(step_id: str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run a step's bash script as the runner would, and read what it wrote to $GITHUB_OUTPUT."""
    output = tmp_path / f"{step_id}.out"
    output.write_text("", encoding="utf-8")
    variables = {**os.environ, "GITHUB_OUTPUT": str(output), "PYTHONPATH": str(REPO), **env}
    done = subprocess.run(
        ["bash", "-e", "-c", STEPS[step_id]["run"]], capture_output=True, text=True, env=variables, timeout=300
    )
    lines = output.read_text(encoding="utf-8").splitlines()
    return done, dict(line.split("=", 1) for line in lines)


def test_environment_and_index_are_restored_and_saved_under_the_computed_keys() -> None:
    uses = [(step.get("uses", ""), step.get("with", {})) for step in ACTION["runs"]["steps"]]
    venv = {"path": "${{ github.action_path }}/.venv", "key": "${{ steps.keys.outputs.venv }}"}
    index_path = "${{ steps.keys.outputs.cache-home }}"
    assert ("actions/cache/restore@v4", venv) in uses and ("actions/cache/save@v4", venv) in uses
    restore = STEPS["index"]
    assert restore["uses"] == "actions/cache/restore@v4"
    assert restore["with"] == {
        "path": index_path, "key": "${{ steps.keys.outputs.index }}",
        "restore-keys": "${{ steps.keys.outputs.index-prefix }}",
    }
    assert ("actions/cache/save@v4", {"path": index_path, "key": "${{ steps.keys.outputs.index }}"}) in uses
    assert STEPS["check"]["env"]["FACTCHECK_CACHE_HOME"] == index_path
    # Install runs only when the environment was not restored.
    install = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Install factcheck")
    assert install["if"] == "steps.venv.outputs.cache-hit != 'true'"


@pytest.fixture()
def action_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "action"
    folder.mkdir()
    for name in ("pyproject.toml", "Makefile"):
        shutil.copy(REPO / name, folder / name)
    return folder


def test_keys_follow_dependencies_and_corpus_content_not_file_times(tmp_path: Path, action_copy: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    env = {"FC_ACTION": str(action_copy), "FC_CORPUS": str(corpus), "RUNNER_OS": "Linux", "RUNNER_TEMP": str(tmp_path)}
    done, first = _run_step("keys", tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert first["venv"].startswith("factcheck-venv-Linux-py") and first["cache-home"] == f"{tmp_path}/factcheck-cache"
    assert first["index"].startswith(first["index-prefix"]) and first["index-prefix"].startswith("factcheck-index-")

    for path in corpus.iterdir():
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert _run_step("keys", tmp_path, **env)[1] == first

    document = next(p for p in sorted(corpus.iterdir()) if p.is_file())
    document.write_text(document.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    edited = _run_step("keys", tmp_path, **env)[1]
    assert edited["index"] != first["index"] and edited["index-prefix"] == first["index-prefix"]
    assert edited["venv"] == first["venv"]

    (action_copy / "pyproject.toml").write_text("# another pin\n", encoding="utf-8")
    assert _run_step("keys", tmp_path, **env)[1]["venv"] != first["venv"]

    done, no_corpus = _run_step("keys", tmp_path, **{**env, "FC_CORPUS": ""})
    assert done.returncode == 0 and "index" not in no_corpus


def test_check_step_keeps_the_exit_code_for_the_gate_step(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {
        "FC_ARTICLES": str(DEMO_ARTICLE), "FC_CORPUS": str(DEMO_CORPUS), "FC_INDEX": "", "FC_FAIL_ON": "refuted",
        "FC_FORMAT": "sarif", "FC_OUTPUT": str(tmp_path / "factcheck.sarif"), "FC_BASELINE": "",
        "FC_BIN": str(Path(sys.executable).parent / "factcheck"), "FACTCHECK_CACHE_HOME": str(tmp_path / "cache"),
        "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
    }
    done, outputs = _run_step("check", tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert outputs == {"status": "1"}
    assert "::error file=" in done.stderr and "gate failed" in done.stderr.splitlines()[-1]
    assert (tmp_path / "factcheck.sarif").is_file() and summary.read_text(encoding="utf-8").startswith("## factcheck")
    assert any((tmp_path / "cache" / "indexes").iterdir()), "the index is built where the cache steps look"

    gate = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Gate")
    assert gate["env"]["FC_STATUS"] == "${{ steps.check.outputs.status }}"
    assert subprocess.run(["bash", "-c", gate["run"]], env={"FC_STATUS": "1"}).returncode == 1
