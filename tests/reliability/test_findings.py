"""Each edge an adversarial trial found (issue 30): data loss, hangs, escapes from the corpus, option
injection, tracebacks and silent conversions. Every test here failed before the fix it guards."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claims import ArticleError, read_article, read_claims_file
from evidence import (
    IndexCorrupt,
    IndexStoreError,
    build_index,
    corpus_fingerprint,
    open_index,
    read_corpus,
    verify_index,
)
from evidence import manifest as manifest_io
from evidence.lock import write_lock
from evidence.update import add_documents
from factcheck.baseline import read_baseline
from factcheck.changes import changed_lines
from factcheck.cli import app
from factcheck.config import load_settings
from factcheck.demo import DEMO_CORPUS
from factcheck.errors import ConfigError, InputError

pytestmark = pytest.mark.reliability
REPO = Path(__file__).resolve().parents[2]
DEEP = "[" * 100_000
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("demo") / "index"
    build_index(DEMO_CORPUS, out, embedder)
    return out


@pytest.fixture
def index_copy(demo_index: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(demo_index, copy)
    return copy


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "moon.txt").write_text("The Moon orbits the Earth at about 384,400 km.", encoding="utf-8")
    return folder


# --- data loss -------------------------------------------------------------------------------------------


def test_build_out_refuses_a_user_folder_that_only_has_a_file_named_manifest(tmp_path: Path) -> None:
    webapp = tmp_path / "webapp"
    (webapp / "src").mkdir(parents=True)
    (webapp / "manifest.json").write_text('{"name": "my web app", "version": "1.0"}')
    (webapp / "important.txt").write_text("do not lose me")
    result = runner.invoke(app, ["index", "build", str(DEMO_CORPUS), "--out", str(webapp)])
    assert result.exit_code == 2, result.output
    assert "is not an index" in result.stderr
    assert (webapp / "important.txt").read_text() == "do not lose me"
    assert (webapp / "src").is_dir()


def test_build_out_refuses_an_index_folder_with_extra_user_files(demo_index: Path, tmp_path: Path) -> None:
    target = tmp_path / "index"
    shutil.copytree(demo_index, target)
    (target / "notes.txt").write_text("mine")
    with pytest.raises(IndexStoreError, match="is not an index"):
        build_index(DEMO_CORPUS, target, embedder=None)  # type: ignore[arg-type]
    assert (target / "notes.txt").exists()


# --- only regular files, never blocking --------------------------------------------------------------------


def _in_subprocess(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env)


def test_a_fifo_in_the_corpus_is_skipped_without_blocking(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    os.mkfifo(corpus / "pipe.txt")
    code = (
        "from evidence import read_corpus, corpus_fingerprint\n"
        f"r = read_corpus({str(corpus)!r}); corpus_fingerprint({str(corpus)!r})\n"
        "print([d.path for d in r.documents], [(f.path, f.reason) for f in r.failures])\n"
    )
    out = _in_subprocess(code)
    assert out.returncode == 0, out.stderr
    assert "['moon.txt']" in out.stdout and "pipe.txt" in out.stdout and "not a regular file" in out.stdout


def test_a_fifo_given_to_index_add_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    code = (
        "from pathlib import Path\nfrom evidence.readers import read_file\n"
        f"print(read_file(Path({str(tmp_path / 'pipe.txt')!r}), 'pipe.txt'))\n"
    )
    out = _in_subprocess(code)
    assert out.returncode == 0, out.stderr
    assert "not a regular file" in out.stdout


def test_a_socket_in_the_corpus_is_skipped(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(corpus / "s.txt"))
        result = read_corpus(corpus)
    finally:
        server.close()
    assert [d.path for d in result.documents] == ["moon.txt"]
    assert [f.path for f in result.failures] == ["s.txt"]


# --- the corpus stays inside its root -----------------------------------------------------------------------


def test_a_symlink_out_of_the_corpus_is_not_followed_unless_asked(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash is the first line of the password file.")
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "passwd.txt").symlink_to(secret)
    (corpus / "inside.txt").symlink_to(corpus / "moon.txt")

    result = read_corpus(corpus)
    assert [d.path for d in result.documents] == ["inside.txt", "moon.txt"]
    assert not any("root:x" in d.text for d in result.documents)
    (failure,) = result.failures
    assert failure.path == "passwd.txt" and "outside the corpus folder" in failure.reason
    assert "--follow-symlinks" in failure.reason

    followed = read_corpus(corpus, follow_symlinks=True)
    assert "passwd.txt" in [d.path for d in followed.documents]


def test_index_add_under_root_does_not_follow_a_symlink_out_of_it(
    index_copy: Path, tmp_path: Path, embedder
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash is the first line of the password file.")
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "passwd.txt").symlink_to(secret)
    result = add_documents(index_copy, [corpus / "passwd.txt"], embedder, root=corpus)
    assert result.added == () and result.manifest.documents == 4
    (failure,) = result.failures
    assert failure.path == "passwd.txt" and "outside the corpus folder" in failure.reason


@pytest.mark.parametrize("kind", ["loop", "dangling"])
def test_broken_symlinks_in_the_corpus_are_skipped_with_a_reason(tmp_path: Path, kind: str) -> None:
    corpus = _corpus(tmp_path / "corpus")
    if kind == "loop":
        (corpus / "a.txt").symlink_to(corpus / "b.txt")
        (corpus / "b.txt").symlink_to(corpus / "a.txt")
    else:
        (corpus / "a.txt").symlink_to(tmp_path / "gone.txt")
    corpus_fingerprint(corpus)
    result = read_corpus(corpus)
    assert [d.path for d in result.documents] == ["moon.txt"]
    assert all("broken symlink" in f.reason for f in result.failures) and result.failures


# --- no user value reaches git as an option ---------------------------------------------------------------


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def test_base_that_looks_like_an_option_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "start")
    article = repo / "a.md"
    article.write_text("The Moon is far away.\n")
    _git(repo, "add", "a.md")
    _git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-m", "article")
    article.write_text("The Moon is far away.\nIt has no air.\n")
    planted = tmp_path / "planted.txt"
    for ref in (f"--output={planted}", "-p", "HEAD --output=x", "nosuchref"):
        with pytest.raises(InputError, match="--base"):
            changed_lines(article, ref)
    assert not planted.exists()
    assert changed_lines(article, "HEAD") == frozenset({2})


# --- tracebacks become one line and exit 2 ------------------------------------------------------------------


def test_deep_json_in_a_claims_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text(DEEP + "\n")
    with pytest.raises(ArticleError, match="nested too deeply"):
        read_claims_file(path)


def test_deep_json_in_a_corpus_jsonl_is_a_skipped_line(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "data.jsonl").write_text(DEEP + "\n" + json.dumps({"id": 1, "text": "A fine line."}) + "\n")
    result = read_corpus(corpus)
    assert [d.id for d in result.documents] == ["data.jsonl#1", "moon.txt"]
    assert [f.path for f in result.failures] == ["data.jsonl:1"]


def test_deep_json_in_a_manifest_is_index_corrupt(index_copy: Path) -> None:
    (index_copy / manifest_io.MANIFEST_FILE).write_text(DEEP)
    with pytest.raises(IndexCorrupt, match="nested too deeply"):
        manifest_io.read(index_copy)


def test_deep_json_in_a_baseline_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(DEEP)
    with pytest.raises(InputError, match="nested too deeply"):
        read_baseline(path)


def test_index_add_of_a_file_outside_root_is_one_line(index_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("Somewhere else entirely.")
    corpus = _corpus(tmp_path / "corpus")
    result = runner.invoke(app, ["index", "add", str(index_copy), str(outside), "--root", str(corpus)])
    assert result.exit_code == 2, result.output
    assert "is not inside --root" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "toml",
    ["[tool.factcheck]\ntop_k = 99999999999999999999\n", "[tool.factcheck]\ntop_k = 1000000\n"],
)
def test_a_huge_top_k_is_a_config_error(tmp_path: Path, toml: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(ConfigError, match="top_k"):
        load_settings(cwd=tmp_path, env={})


def test_a_huge_top_k_flag_is_exit_2(index_copy: Path) -> None:
    result = runner.invoke(
        app, ["check", str(DEMO_CORPUS / "webb.md"), "--index", str(index_copy), "--top-k", "99999999999999999999"]
    )
    assert result.exit_code == 2, result.output


def test_a_pyproject_whose_tool_is_not_a_table_is_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('tool = "x"\n')
    assert load_settings(cwd=tmp_path, env={}).top_k >= 1


def test_an_ivf_manifest_over_a_flat_file_is_index_corrupt(index_copy: Path, embedder) -> None:
    path = index_copy / manifest_io.MANIFEST_FILE
    data = json.loads(path.read_text())
    data.update(faiss_index="IndexIVFFlat", index_params={"nlist": 1, "nprobe": 1})
    path.write_text(json.dumps(data))
    with pytest.raises(IndexCorrupt, match="IndexFlatIP"):
        open_index(index_copy, embedder)


def _damage(path: Path, at: int, count: int = 32) -> None:
    with open(path, "r+b") as handle:
        handle.seek(at)
        handle.write(bytes((b ^ 0x5A) for b in handle.read(count)))


def test_a_damaged_store_is_caught_on_load_and_by_verify(index_copy: Path, embedder) -> None:
    store = index_copy / "store.sqlite"
    _damage(store, store.stat().st_size // 2)
    with pytest.raises(IndexCorrupt, match="is damaged or was changed"):
        open_index(index_copy, embedder)
    with pytest.raises(IndexCorrupt):
        verify_index(index_copy)
    info = runner.invoke(app, ["index", "info", str(index_copy)])
    assert info.exit_code == 2 and "store.sqlite" in info.stderr
    verify = runner.invoke(app, ["index", "verify", str(index_copy)])
    assert verify.exit_code == 2 and "store.sqlite" in verify.stderr


def test_a_replaced_vectors_file_of_the_same_shape_is_caught(index_copy: Path, embedder) -> None:
    import faiss
    import numpy as np

    original = faiss.read_index(str(index_copy / "vectors.faiss"))
    vectors = np.random.default_rng(0).standard_normal((original.ntotal, original.d)).astype(np.float32)
    faiss.normalize_L2(vectors)
    replaced = faiss.IndexFlatIP(original.d)
    replaced.add(vectors)
    faiss.write_index(replaced, str(index_copy / "vectors.faiss"))
    with pytest.raises(IndexCorrupt, match=r"vectors\.faiss"):
        open_index(index_copy, embedder)
    assert runner.invoke(app, ["index", "verify", str(index_copy)]).exit_code == 2


def test_verify_passes_a_sound_index_and_sqlite_agrees(index_copy: Path) -> None:
    result = runner.invoke(app, ["index", "verify", str(index_copy)])
    assert result.exit_code == 0, result.output
    assert "ok (4 documents" in result.stdout
    with sqlite3.connect(index_copy / "store.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_lock_path_that_is_a_folder_is_one_error(index_copy: Path) -> None:
    (index_copy.parent / f".{index_copy.name}.lock").mkdir()
    with pytest.raises(IndexStoreError, match="lock file"), write_lock(index_copy):
        pass
    result = runner.invoke(app, ["index", "remove", str(index_copy), "webb.md"])
    assert result.exit_code == 2 and "lock file" in result.stderr


# --- settings are used as given, or refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("top_k = 2.7", "top_k"),
        ("top_k = true", "top_k"),
        ("cache_dir = { path = '/tmp' }", "cache_dir"),
        ("corpus = 3", "corpus"),
        ("min_confidence = '0.5'", "min_confidence"),
        ("evidence_context = 1", "evidence_context"),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_not_a_conversion(tmp_path: Path, toml: str, key: str) -> None:
    (tmp_path / "factcheck.toml").write_text(toml + "\n")
    with pytest.raises(ConfigError, match=key):
        load_settings(cwd=tmp_path, env={})


def test_text_from_the_environment_is_still_parsed(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path, env={"FACTCHECK_TOP_K": "4", "FACTCHECK_MIN_CONFIDENCE": "0.5"})
    assert (settings.top_k, settings.min_confidence) == (4, 0.5)
    with pytest.raises(ConfigError):
        load_settings(cwd=tmp_path, env={"FACTCHECK_TOP_K": "2.7"})


# --- articles ----------------------------------------------------------------------------------------------------


def test_a_folder_given_as_the_article_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["claims", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.stderr and "not found" not in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig"])
def test_articles_and_corpus_files_with_a_byte_order_mark_are_decoded(tmp_path: Path, encoding: str) -> None:
    text = "The Hubble Space Telescope was launched in 1990. It orbits Earth."
    bom = {"utf-16-be": "\ufeff", "utf-32-be": "\ufeff"}.get(encoding, "")
    data = (bom + text).encode(encoding)
    article = tmp_path / "article.txt"
    article.write_bytes(data)
    assert read_article(article).text == text
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.md").write_bytes(data)
    (corpus / "lines.jsonl").write_bytes((bom + json.dumps({"id": 1, "text": text}) + "\n").encode(encoding))
    result = read_corpus(corpus)
    assert not result.failures
    assert [d.text for d in result.documents] == [text, text]


# --- concurrency and ordering ----------------------------------------------------------------------------------


def test_a_second_check_on_an_empty_cache_waits_for_the_first_build(
    tmp_path: Path, embedder, caplog: pytest.LogCaptureFixture
) -> None:
    from factcheck.pipeline import cache_home, index_for_corpus

    settings = load_settings(cwd=tmp_path, env={}, overrides={"cache_dir": str(tmp_path / "cache")})
    corpus = _corpus(tmp_path / "corpus")
    import hashlib

    target = cache_home(settings) / "indexes" / hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:20]
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom evidence.lock import write_lock\n"
         f"with write_lock(Path({str(target)!r})):\n    print('held', flush=True)\n    time.sleep(3)\n"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with caplog.at_level("WARNING", logger="factcheck"), index_for_corpus(corpus, embedder, settings) as index:
            assert index.manifest.documents == 1
        assert time.monotonic() - started >= 1.5
        assert [r.getMessage() for r in caplog.records if "waiting for it" in r.getMessage()]
    finally:
        holder.wait(timeout=30)


def test_a_bad_baseline_fails_before_the_check_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import factcheck.cli

    def too_late(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check ran before the baseline was read")

    monkeypatch.setattr(factcheck.cli, "_run_check", too_late)
    bad = tmp_path / "baseline.json"
    bad.write_text("not json")
    result = runner.invoke(
        app, ["check", str(DEMO_CORPUS / "webb.md"), "--corpus", str(DEMO_CORPUS), "--baseline", str(bad)]
    )
    assert result.exit_code == 2, result.output
    assert "baseline" in result.stderr
