"""The pre-commit hook and the GitHub Action run the way those tools would run them."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def _workspace(tmp_path: Path) -> Path:
    shutil.copy(DEMO_ARTICLE, tmp_path / "article.md")
    (tmp_path / "clean.md").write_text("Webb's primary mirror is made of 18 hexagonal segments.\n", encoding="utf-8")
    (tmp_path / "factcheck.toml").write_text(f'corpus = "{DEMO_CORPUS.as_posix()}"\n', encoding="utf-8")
    return tmp_path


def test_pre_commit_hook_entry_point(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "factcheck" and hook["language"] == "python" and hook["pass_filenames"]
    work = _workspace(tmp_path)
    # pre-commit runs: entry + args + the staged file names, in the repository root.
    command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    bad = subprocess.run([*command, "article.md"], cwd=work, env=_env(), capture_output=True, text=True)
    assert bad.returncode == 1, bad.stderr
    assert "REFUTED" in bad.stdout
    good = subprocess.run([*command, "clean.md"], cwd=work, env=_env(), capture_output=True, text=True)
    assert good.returncode == 0, good.stderr


def test_github_action_check_step(tmp_path: Path) -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = {step["name"]: step for step in action["runs"]["steps"]}
    step = steps["Check claims"]
    inputs = {"articles": "*.md", "corpus": str(DEMO_CORPUS), "index": "", "fail-on": "refuted",
              "format": "sarif", "output": "factcheck.sarif", "baseline": ""}
    assert set(inputs) == set(action["inputs"])
    env = _env()
    outputs = tmp_path / "github-output"
    env["GITHUB_OUTPUT"] = str(outputs)
    for name, template in step["env"].items():
        if "github.action_path" in template:
            env[name] = str(BIN / "factcheck")
        elif "steps.keys.outputs.cache-home" in template:
            env[name] = str(tmp_path / "cache")
        else:
            key = template.removeprefix("${{ inputs.").removesuffix(" }}")
            env[name] = inputs[key]
    work = _workspace(tmp_path)
    (work / "factcheck.toml").unlink()  # the action passes the corpus itself
    run = subprocess.run(["bash", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True)
    # The step records the exit code; the action's last step fails with it, after the caches are saved.
    assert run.returncode == 0, run.stderr
    assert outputs.read_text(encoding="utf-8") == "status=1\n"
    sarif = json.loads((work / "factcheck.sarif").read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"article.md"}
