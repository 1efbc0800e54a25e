"""The check cache: a second check of an unchanged article reads claims and verdicts back, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claims import ClaimExtractor
from factcheck.cache import CACHE_FILE
from factcheck.cli import app
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS
from factcheck.verify.model import ModelVerifier


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cache-index") / "index"
    result = CliRunner().invoke(app, ["index", "build", str(DEMO_CORPUS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _check(index: Path, article: Path, cache_home: Path, *flags: str) -> str:
    result = CliRunner(env={"FACTCHECK_CACHE_HOME": str(cache_home)}).invoke(
        app, ["check", str(article), "--index", str(index), "-f", "json", "--fail-on", "never", *flags]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """How many claims each verifier call and how many articles the extractor got."""
    seen: dict[str, list[int]] = {"verify": [], "extract": []}
    verify, extract = ModelVerifier.verify, ClaimExtractor.extract

    def counted_verify(self, claims, evidence):  # type: ignore[no-untyped-def]
        seen["verify"].append(len(claims))
        return verify(self, claims, evidence)

    def counted_extract(self, text, doc_id="article"):  # type: ignore[no-untyped-def]
        seen["extract"].append(1)
        return extract(self, text, doc_id)

    monkeypatch.setattr(ModelVerifier, "verify", counted_verify)
    monkeypatch.setattr(ClaimExtractor, "extract", counted_extract)
    return seen


def test_second_check_hits_the_cache_and_gives_the_same_bytes(
    demo_index: Path, tmp_path: Path, calls: dict[str, list[int]]
) -> None:
    first = _check(demo_index, DEMO_ARTICLE, tmp_path)
    assert calls["extract"] == [1] and calls["verify"] and calls["verify"][0] > 0
    second = _check(demo_index, DEMO_ARTICLE, tmp_path)
    assert second == first
    assert calls["extract"] == [1] and len(calls["verify"]) == 1  # neither model ran again
    assert (tmp_path / CACHE_FILE).is_file()


def test_an_edited_sentence_is_the_only_claim_checked_again(
    demo_index: Path, tmp_path: Path, calls: dict[str, list[int]]
) -> None:
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    article = tmp_path / "article.md"
    article.write_text(text, encoding="utf-8")
    _check(demo_index, article, tmp_path / "cache")
    total = calls["verify"][0]
    article.write_text(text.replace("2019", "2018"), encoding="utf-8")
    edited = _check(demo_index, article, tmp_path / "cache")
    assert 1 <= calls["verify"][1] < total
    assert edited == _check(demo_index, article, tmp_path / "fresh")


def test_a_setting_that_changes_verdicts_misses_the_cache(
    demo_index: Path, tmp_path: Path, calls: dict[str, list[int]]
) -> None:
    _check(demo_index, DEMO_ARTICLE, tmp_path)
    _check(demo_index, DEMO_ARTICLE, tmp_path, "--top-k", "2")
    assert len(calls["verify"]) == 2
    _check(demo_index, DEMO_ARTICLE, tmp_path, "--format", "json")  # output settings do not count
    assert len(calls["verify"]) == 2


def test_an_unusable_cache_file_never_fails_a_check(demo_index: Path, tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).mkdir()
    assert '"label"' in _check(demo_index, DEMO_ARTICLE, tmp_path)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / CACHE_FILE).write_bytes(b"not a database" * 100)
    assert '"label"' in _check(demo_index, DEMO_ARTICLE, tmp_path / "junk")


def test_cache_off_writes_nothing(demo_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_CACHE", "false")
    _check(demo_index, DEMO_ARTICLE, tmp_path)
    assert not (tmp_path / CACHE_FILE).exists()


def test_claims_cached_under_other_rules_are_extracted_again(
    demo_index: Path, tmp_path: Path, calls: dict[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a new release with other claim rules must not read back the claims the old rules made
    import claims.extractor as extractor

    _check(demo_index, DEMO_ARTICLE, tmp_path)
    assert calls["extract"] == [1]
    extractor._rules_fingerprint.cache_clear()
    monkeypatch.setattr(extractor, "_rules_fingerprint", lambda: "other-rules")
    _check(demo_index, DEMO_ARTICLE, tmp_path)
    assert calls["extract"] == [1, 1]
    assert ClaimExtractor().rules_id.startswith(ClaimExtractor().model_id + "+rules-")


def test_a_check_never_ends_while_the_models_are_still_loading(
    demo_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # new claims (another path) whose verdicts are all cached: the models preloaded for them (runtime onnx, the
    # default) are never needed, and
    # a process that exited while ONNX Runtime was still building a session aborted (exit 134)
    import factcheck.pipeline as pipeline

    started: list = []
    real = pipeline.preload

    def recorded(*models: object):  # type: ignore[no-untyped-def]
        thread = real(*models)
        started.append(thread)
        return thread

    monkeypatch.setattr(pipeline, "preload", recorded)
    first = tmp_path / "a" / "article.md"
    first.parent.mkdir()
    first.write_text(DEMO_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    _check(demo_index, first, tmp_path / "cache")
    second = tmp_path / "b" / "article.md"
    second.parent.mkdir()
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    _check(demo_index, second, tmp_path / "cache")
    assert len(started) == 2 and not started[1].daemon
    assert not any(thread.is_alive() for thread in started)  # joined before the check returned


def test_preload_loads_every_model_and_keeps_failures_for_first_use() -> None:
    from factcheck.pipeline import preload

    loaded: list[str] = []

    class Model:
        def __init__(self, name: str) -> None:
            self.name = name

        def load(self) -> None:
            if self.name == "broken":
                raise RuntimeError("raised again where it is used")
            loaded.append(self.name)

    thread = preload(Model("embedder"), Model("broken"), Model("verifier"))
    thread.join()
    assert loaded == ["embedder", "verifier"] and not thread.daemon
