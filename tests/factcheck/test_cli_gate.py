"""The gate speaks and usage errors are one line: the real CLI, real index, exact exit codes and stderr lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(autouse=True)
def outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests may themselves run in GitHub Actions; each says whether it wants to be inside it."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gate") / "index"
    result = runner.invoke(app, ["index", "build", str(DEMO_CORPUS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def demo_counts(index: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Counts per label of the demo article, as its JSON report gives them."""
    out = tmp_path_factory.mktemp("gate-json") / "report.json"
    result = runner.invoke(app, ["check", str(DEMO_ARTICLE), "--index", str(index), "-f", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    return json.loads(out.read_text(encoding="utf-8"))["summary"]


def _counts(c: dict[str, int]) -> str:
    labels = ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO")
    return f"{c['claims']} claims: " + ", ".join(f"{c[label]} {label}" for label in labels)


def test_report_to_a_file_still_prints_one_summary_line(index: Path, tmp_path: Path, demo_counts: dict) -> None:
    out = tmp_path / "report.sarif"
    result = runner.invoke(app, ["check", str(DEMO_ARTICLE), "--index", str(index), "-f", "sarif", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"factcheck: {_counts(demo_counts)}; gate failed: {demo_counts['REFUTED']} REFUTED (policy refuted)"
    ]
    assert out.is_file()


def test_text_report_states_the_gate_and_why(index: Path, demo_counts: dict) -> None:
    result = runner.invoke(
        app, ["check", str(DEMO_ARTICLE), "--index", str(index), "--fail-on", "never"]
    )
    assert result.exit_code == 0
    last = result.stdout.rstrip().splitlines()[-1]
    assert last == f"Gate passed: 0 of {demo_counts['claims']} claims fail policy never"
    assert result.stderr.splitlines() == [
        f"factcheck: {_counts(demo_counts)}; gate passed: 0 of {demo_counts['claims']} claims fail policy never"
    ]


def test_confidence_floor_is_named_in_the_summary(index: Path, demo_counts: dict) -> None:
    result = runner.invoke(
        app, ["check", str(DEMO_ARTICLE), "--index", str(index), "-f", "json", "--min-confidence", "1.0"]
    )
    assert result.exit_code == 0
    refuted = demo_counts["REFUTED"]
    assert result.stderr.splitlines() == [
        f"factcheck: {_counts(demo_counts)}; gate passed: 0 of {demo_counts['claims']} claims fail policy refuted "
        f"({refuted} below 1.00 confidence)"
    ]


def test_github_actions_gets_annotations_and_the_job_summary(
    index: Path, tmp_path: Path, demo_counts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(REPO))
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["check", str(DEMO_ARTICLE), "--index", str(index), "-f", "json", "-o", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    annotations = [line for line in lines if line.startswith("::error ")]
    assert len(annotations) == demo_counts["REFUTED"] and len(lines) == len(annotations) + 1
    assert annotations[0].startswith("::error file=factcheck/demo/article.md,line=")
    assert ",title=factcheck%3A REFUTED claim (" in annotations[0]
    assert lines[-1].startswith("factcheck: ") and "gate failed" in lines[-1]
    page = summary.read_text(encoding="utf-8")
    assert page.startswith("## factcheck report") and "REFUTED" in page
    json.loads(out.read_text(encoding="utf-8"))  # the report file is untouched by the annotations


def test_baseline_prints_its_summary_line(index: Path, tmp_path: Path, demo_counts: dict) -> None:
    out = tmp_path / "baseline.json"
    result = runner.invoke(app, ["baseline", str(DEMO_ARTICLE), "--index", str(index), "-o", str(out)])
    assert result.exit_code == 0, result.output
    refuted = demo_counts["REFUTED"]
    assert result.stderr.splitlines() == [
        f"factcheck: {_counts(demo_counts)}; baseline records {refuted} that fail policy refuted"
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "a.md", "--formt", "json"],
         "factcheck: error: No such option: --formt (Possible options: --format); see 'factcheck check --help'"),
        (["check"], "factcheck: error: Missing argument 'articles'; see 'factcheck check --help'"),
        (["check", "a.md", "--format", "yaml"],
         "factcheck: error: Invalid value for '--format' / '-f': 'yaml' is not one of 'text', 'json', 'markdown', "
         "'sarif', 'junit', 'html'; see 'factcheck check --help'"),
        (["check", "a.md", "--fail-on", "sometimes"],
         "factcheck: error: Invalid value for '--fail-on': 'sometimes' is not one of 'refuted', 'unsupported', "
         "'never'; see 'factcheck check --help'"),
        (["check", "a.md", "--top-k", "many"], "factcheck: error: Invalid value for '--top-k': "),
        (["index", "build"], "factcheck: error: Missing argument 'corpus'; see 'factcheck index build --help'"),
        (["train", "verifier"], "factcheck: error: Missing option '--data'; see 'factcheck train verifier --help'"),
        (["chek"], "factcheck: error: No such command 'chek'. Did you mean 'check'?; see 'factcheck --help'"),
    ],
    ids=["unknown-option", "missing-argument", "bad-format", "bad-fail-on", "bad-int", "index-build-missing",
         "missing-option", "unknown-command"],
)
def test_usage_errors_are_one_line_with_exit_2(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args, prog_name="factcheck")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr
    assert "Usage:" not in result.stderr and "Value error" not in result.stderr and "╭" not in result.stderr


def test_console_script_usage_error_is_one_line() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [str(Path(sys.executable).parent / "factcheck"), "check", "x.md", "--min-confidence", "2"],
        capture_output=True, text=True, env=env,
    )
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "factcheck: error: Invalid value for '--min-confidence': Input should be less than or equal to 1; "
        "see 'factcheck check --help'"
    ]


def test_bare_command_shows_help_and_succeeds() -> None:
    for args in ([], ["index"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage:" in result.stdout and result.stderr == ""


def test_flags_read_like_flags_in_help() -> None:
    for args in (["--help"], ["check", "--help"], ["index", "--help"], ["index", "build", "--help"]):
        result = runner.invoke(app, args, terminal_width=200)
        assert result.exit_code == 0
        assert "<bool>" not in result.stdout, args
    check = runner.invoke(app, ["check", "--help"], terminal_width=200).stdout
    assert "--changed-only" in check and "--claims" in check and "<path>" in check


def test_changed_only_on_a_missing_article_names_the_article(index: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "article.md"
    result = runner.invoke(app, ["check", str(missing), "--index", str(index), "--changed-only"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"factcheck: error: article not found: {missing}: check the path and the working directory"
    ]


def test_missing_claims_file_says_so(index: Path, tmp_path: Path) -> None:
    missing = tmp_path / "claims.jsonl"
    result = runner.invoke(app, ["check", str(missing), "--index", str(index), "--claims"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"factcheck: error: claims file not found: {missing}; check the path and the working directory"
    ]


@pytest.mark.parametrize("command", ["check", "baseline"])
def test_output_into_a_missing_folder_fails_before_any_work(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("FACTCHECK_CACHE_HOME", str(cache))
    out = tmp_path / "missing" / "report.json"
    result = runner.invoke(app, [command, str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"factcheck: error: cannot write to {out}: the folder {out.parent} does not exist; "
        "create it or pick another path"
    ]
    assert list(cache.iterdir()) == [], "no index may be built before the output path is known to work"


def _build(corpus: Path, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {**os.environ, "PYTHONPATH": str(REPO), **env}
    return subprocess.run(
        [sys.executable, "-m", "factcheck.cli", "index", "build", str(corpus), "--out", str(out)],
        capture_output=True, text=True, env=variables, timeout=300,
    )


def test_long_work_logs_plain_lines_without_a_terminal(tmp_path: Path) -> None:
    logged = _build(DEMO_CORPUS, tmp_path / "a", FACTCHECK_LOG_INTERVAL="0")
    assert logged.returncode == 0, logged.stderr
    lines = logged.stderr.splitlines()
    assert any(line.startswith("factcheck: read 1/4 (25%)") for line in lines), lines
    assert any(line.startswith("factcheck: read 4/4 done in ") for line in lines), lines
    assert "\r" not in logged.stderr and "\x1b[" not in logged.stderr  # no bars, no colour codes
    quiet = _build(DEMO_CORPUS, tmp_path / "b")
    assert quiet.returncode == 0 and quiet.stderr == ""
