from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.config import Settings, load_settings
from factcheck.errors import ConfigError


def test_defaults_when_nothing_is_configured(tmp_path: Path) -> None:
    # The default verifier's folder sets the SUPPORTED bar measured in docs/precision.md.
    assert load_settings(cwd=tmp_path, env={}) == Settings(supported_threshold=0.7)


def test_layers_override_in_order(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.factcheck]\ntop_k = 3\nfail_on = 'unsupported'\n")
    from_file = load_settings(cwd=tmp_path, env={})
    assert (from_file.top_k, from_file.fail_on) == (3, "unsupported")

    from_env = load_settings(cwd=tmp_path, env={"FACTCHECK_TOP_K": "7"})
    assert (from_env.top_k, from_env.fail_on) == (7, "unsupported")

    from_flags = load_settings(cwd=tmp_path, env={"FACTCHECK_TOP_K": "7"}, overrides={"top_k": 9, "fail_on": None})
    assert (from_flags.top_k, from_flags.fail_on) == (9, "unsupported")


def test_factcheck_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.factcheck]\ntop_k = 3\n")
    (tmp_path / "factcheck.toml").write_text("top_k = 4\n")
    assert load_settings(cwd=tmp_path, env={}).top_k == 4


def test_unknown_key_names_the_valid_ones(tmp_path: Path) -> None:
    (tmp_path / "factcheck.toml").write_text("topk = 4\n")
    with pytest.raises(ConfigError) as info:
        load_settings(cwd=tmp_path, env={})
    message = str(info.value)
    assert "'topk'" in message and "top_k" in message and "fail_on" in message
    assert "\n" not in message


def test_unknown_environment_variable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FACTCHECK"):
        load_settings(cwd=tmp_path, env={"FACTCHECK_TOPK": "3"})


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("top_k = 'many'\n", "must be a int"),
        ("fail_on = 'sometimes'\n", "fail_on must be one of"),
        ("support_threshold = 3.0\n", "must lie in [-1, 1]"),
        ("top_k = [\n", "not valid TOML"),
        ("verdict_threshold = 1.5\n", "is a probability and must lie in [0, 1]"),
        ("evidence_sentences = 0\n", "evidence_sentences must be at least 1"),
    ],
)
def test_bad_values_fail_with_one_line(tmp_path: Path, content: str, fragment: str) -> None:
    (tmp_path / "factcheck.toml").write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings(cwd=tmp_path, env={})
    assert fragment in str(info.value)


def test_the_fast_verifier_brings_the_settings_tuned_for_it(tmp_path: Path) -> None:
    # Its folder's settings.json was tuned on the SciFact train claims it never trained on (bench/README).
    fast = load_settings(cwd=tmp_path, env={}, overrides={"verifier": "fast"})
    assert (fast.top_k, fast.evidence_sentences, fast.verdict_threshold, fast.evidence_threshold) == (2, 3, 0.35, 0.9)
    model = load_settings(cwd=tmp_path, env={}, overrides={"verifier": "model"})
    assert model == Settings(verifier="model", supported_threshold=0.7) and model.evidence_context is False
    on = load_settings(cwd=tmp_path, env={"FACTCHECK_EVIDENCE_CONTEXT": "yes"}, overrides={"verifier": "model"})
    assert on.evidence_context is True
    assert load_settings(cwd=tmp_path, env={}, overrides={"verifier": "heuristic"}).top_k == Settings().top_k


def test_anything_the_user_sets_wins_over_the_verifiers_own_settings(tmp_path: Path) -> None:
    (tmp_path / "factcheck.toml").write_text("verifier = 'fast'\ntop_k = 4\n")
    settings = load_settings(cwd=tmp_path, env={"FACTCHECK_VERDICT_THRESHOLD": "0.5"})
    assert (settings.top_k, settings.verdict_threshold, settings.evidence_sentences) == (4, 0.5, 3)
    flags = load_settings(cwd=tmp_path, env={}, overrides={"evidence_sentences": 1})
    assert (flags.top_k, flags.evidence_sentences, flags.verdict_threshold) == (4, 1, 0.35)


def test_a_trained_verifier_folder_may_carry_its_settings(tmp_path: Path) -> None:
    folder = tmp_path / "my-verifier"
    folder.mkdir()
    assert load_settings(cwd=tmp_path, env={}, overrides={"verifier": str(folder)}).top_k == Settings().top_k
    (folder / "settings.json").write_text('{"verdict_threshold": 0.3}')
    assert load_settings(cwd=tmp_path, env={}, overrides={"verifier": str(folder)}).verdict_threshold == 0.3


@pytest.mark.parametrize(
    ("content", "fragment"),
    [('{"fail_on": "never"}',
      "may only set evidence_context, evidence_sentences, evidence_threshold, refuted_threshold, "
      "supported_threshold, top_k, verdict_threshold"),
     ("{not json", "is not valid JSON"), ('{"top_k": "many"}', "must be a int"),
     ('{"verdict_threshold": 2}', "is a probability and must lie in [0, 1]")],
)  # fmt: skip
def test_a_bad_verifier_settings_file_fails_with_one_line(tmp_path: Path, content: str, fragment: str) -> None:
    folder = tmp_path / "my-verifier"
    folder.mkdir()
    (folder / "settings.json").write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings(cwd=tmp_path, env={}, overrides={"verifier": str(folder)})
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_each_settings_allowed_values_have_one_definition() -> None:
    from factcheck import config, gate
    from factcheck.cli import FailOn, OutputFormat

    assert config.FAIL_ON == tuple(gate.FAILING) == tuple(FailOn)
    assert tuple(OutputFormat) == config.FORMATS
