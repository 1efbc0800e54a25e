"""Bad input of every kind gives a clean verdict, or one line on stderr and exit code 2: never a
traceback, never a hang. Each case runs the real CLI under a hang guard."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence import build_index
from factcheck.cli import app
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS
from tests.permissions import obey_file_permissions

pytestmark = pytest.mark.reliability

REPO = Path(__file__).resolve().parents[2]
HANG_GUARD_S = 120
ARTICLE = "The Hubble Space Telescope was launched in 1990. Its mirror is 2.4 metres wide.\n"


class Hang(Exception):
    pass


@contextmanager
def hang_guard(seconds: int = HANG_GUARD_S) -> Iterator[None]:
    """Interrupts the test's own process (a blocking open() included) when a case runs too long."""

    def expire(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the CLI run in this process, after checking the outcome is clean."""
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with hang_guard():
            result = CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)
    crash = result.exception if not isinstance(result.exception, SystemExit) else None
    assert crash is None, f"{args}: {type(crash).__name__}: {crash}"
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.exit_code in (0, 1, 2), result.exit_code
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("factcheck: "), f"{args}: {result.stderr!r}"
    return result.exit_code, result.stdout, result.stderr


def expect_error(fragment: str, *args: str, cwd: Path | None = None) -> None:
    code, _, stderr = run_cli(*args, cwd=cwd)
    assert code == 2, f"{args}: exit {code}, {stderr!r}"
    assert fragment.lower() in stderr.lower(), stderr


# --- articles (`factcheck claims` reads them exactly as `check` does) ---------------------------------------------

ARTICLE_CASES: dict[str, tuple[Callable[[Path], None], str | None]] = {
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "whitespace only": (lambda p: p.write_bytes(b" \n\t\r\n  "), "empty"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 8), "not a text file"),
    "NUL bytes in text": (lambda p: p.write_bytes(ARTICLE.encode() + b"\x00tail"), "NUL"),
    "control bytes": (lambda p: p.write_bytes(b"\x01\x02\x03\x04 text " * 40), "control byte"),
    "latin-1": (lambda p: p.write_bytes("Café au lait, Zürich.".encode("latin-1")), "UTF-8"),
    "UTF-16 with BOM": (lambda p: p.write_bytes(ARTICLE.encode("utf-16")), None),
    "UTF-32 with BOM": (lambda p: p.write_bytes(ARTICLE.encode("utf-32")), None),
    "broken UTF-16": (lambda p: p.write_bytes(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8"), "UTF-16"),
    "over the size limit": (lambda p: p.write_bytes(b"word " * 1_100_000), "too large"),
}


@pytest.mark.parametrize("kind", ARTICLE_CASES)
def test_bad_articles(tmp_path: Path, kind: str) -> None:
    make, fragment = ARTICLE_CASES[kind]
    path = tmp_path / "article.txt"
    make(path)
    if fragment is None:
        code, stdout, _ = run_cli("claims", str(path))
        assert code == 0 and "launched in 1990" in stdout
    else:
        expect_error(fragment, "claims", str(path))


def test_missing_article(tmp_path: Path) -> None:
    expect_error("not found", "claims", str(tmp_path / "nope.md"))


def test_folder_as_article(tmp_path: Path) -> None:
    expect_error("is a folder", "claims", str(tmp_path))


def test_fifo_as_article(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    expect_error("not a regular file", "claims", str(tmp_path / "pipe.md"))


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 20_000 + "<p>The Moon orbits the Earth.</p>" + "</div>" * 20_000,
        "<html><body><p>The Moon orbits the Earth.<p>It has no air.<div><span>Unclosed " * 200,
        "<p>" + "<b><i>" * 5000 + "The Moon orbits the Earth.",
        "<html><head><script>" + "x=1;" * 1000,
    ],
    ids=["deeply nested", "unclosed", "nested unclosed inline", "unclosed script"],
)
def test_hostile_html_structure(tmp_path: Path, html: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    code, _, stderr = run_cli("claims", str(path))
    assert code in (0, 2), stderr


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        ('{"claim": "The Moon orbits the Earth."}\nnot json\n', "not JSON"),
        ('["a list"]\n', "not a JSON object"),
        ('{"claim": 42}\n', "claim"),
        ('{"claim": "A."}\n{"claim": "B.", "id": 1}\n{"claim": "C.", "id": 1}\n', "duplicate id"),
        ("[" * 100_000 + "\n", "nested too deeply"),
    ],
    ids=["not json", "not an object", "claim not a string", "duplicate ids", "deep json"],
)
def test_malformed_claims_files(tmp_path: Path, lines: str, fragment: str) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text(lines, encoding="utf-8")
    expect_error(fragment, "check", "--claims", str(path), "--corpus", str(DEMO_CORPUS))


# --- corpora -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def messy_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus plus one file of every kind a corpus should survive."""
    corpus = tmp_path_factory.mktemp("messy") / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "loop-a.md").symlink_to(corpus / "loop-b.md")
    (corpus / "loop-b.md").symlink_to(corpus / "loop-a.md")
    (corpus / "dangling.txt").symlink_to(corpus / "gone.txt")
    (corpus / "outside.txt").symlink_to("/etc/hostname")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nendobj\ntrailer\n%%EOF garbage")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "latin1.md").write_bytes("Café crème, naïve.".encode("latin-1"))
    (corpus / "utf16.md").write_bytes("# Ariane\n\nAriane 5 launched Webb in 2021.\n".encode("utf-16"))
    (corpus / "lines.jsonl").write_text(
        '{"id": 1, "text": "Chandra was launched in 1999."}\nnot json\n{"id": 2}\n' + "[" * 100_000 + "\n"
        '{"id": 1, "text": "duplicate"}\n["list"]\n', encoding="utf-8",
    )  # fmt: skip
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(corpus / "socket.txt"))
    sock.close()
    return corpus


def test_a_messy_corpus_builds_and_says_what_it_skipped(messy_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "index"
    code, stdout, stderr = run_cli("index", "build", str(messy_corpus), "--out", str(out))
    assert code == 0, stderr
    assert "indexed 6 documents" in stdout, stdout  # 4 demo files, utf16.md, one jsonl line
    skipped = {line.split()[2].rstrip(":") for line in stderr.splitlines() if line.startswith("factcheck: skipped")}
    expected = {"pipe.txt", "loop-a.md", "loop-b.md", "dangling.txt", "outside.txt", "broken.pdf", "empty.txt",
                "binary.txt", "latin1.md", "socket.txt", "lines.jsonl:2", "lines.jsonl:3", "lines.jsonl:4",
                "lines.jsonl:5", "lines.jsonl:6"}  # fmt: skip
    assert skipped == expected, stderr


def test_an_unreadable_file_in_the_corpus_is_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    secret = corpus / "secret.md"
    secret.write_text("# Secret\n\nNot for you.\n")
    secret.chmod(0o000)
    command = [sys.executable, "-m", "factcheck.cli", "index", "build", str(corpus), "--out", str(tmp_path / "idx")]
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=HANG_GUARD_S,
                         preexec_fn=obey_file_permissions)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "factcheck: skipped secret.md: cannot read the file (Permission denied)" in run.stderr


def test_an_empty_corpus_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.docx").write_bytes(b"PK\x03\x04")
    expect_error("no readable document", "index", "build", str(tmp_path / "c"), "--out", str(tmp_path / "i"))


def test_a_missing_corpus_is_one_line(tmp_path: Path) -> None:
    expect_error("does not exist", "check", str(DEMO_ARTICLE), "--corpus", str(tmp_path / "nope"))


# --- indexes -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sound_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("sound") / "index"
    build_index(DEMO_CORPUS, out, embedder)
    return out


def _truncate(name: str) -> Callable[[Path], None]:
    def cut(index: Path) -> None:
        data = (index / name).read_bytes()
        (index / name).write_bytes(data[: len(data) // 3])

    return cut


def _edit_manifest(**changes: object) -> Callable[[Path], None]:
    def edit(index: Path) -> None:
        data = json.loads((index / "manifest.json").read_text())
        data.update(changes)
        (index / "manifest.json").write_text(json.dumps(data))

    return edit


INDEX_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated SQLite": (_truncate("store.sqlite"), "store.sqlite"),
    "truncated faiss": (_truncate("vectors.faiss"), "vectors.faiss"),
    "manifest of another version": (_edit_manifest(format_version=99), "format version 99"),
    "manifest of another model": (_edit_manifest(model_hash="0" * 16), "built with"),
    "manifest not JSON": (lambda i: (i / "manifest.json").write_text("{"), "unreadable"),
    "manifest nested too deeply": (lambda i: (i / "manifest.json").write_text("[" * 100_000), "nested too deeply"),
    "manifest missing": (lambda i: (i / "manifest.json").unlink(), "no manifest.json"),
    "IVF manifest over a flat file": (_edit_manifest(faiss_index="IndexIVFFlat"), "IndexFlatIP"),
    "store missing": (lambda i: (i / "store.sqlite").unlink(), "lacks store.sqlite"),
}


@pytest.mark.parametrize("kind", INDEX_CASES)
def test_damaged_indexes(sound_index: Path, tmp_path: Path, kind: str) -> None:
    damage, fragment = INDEX_CASES[kind]
    index = tmp_path / "index"
    shutil.copytree(sound_index, index)
    damage(index)
    expect_error(fragment, "index", "info", str(index))
    expect_error(fragment, "check", str(DEMO_ARTICLE), "--index", str(index))


def test_an_index_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "index").write_text("not a folder")
    expect_error("no index", "index", "info", str(tmp_path / "index"))


def test_build_over_a_user_folder(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "manifest.json").write_text('{"name": "site"}')
    (tmp_path / "site" / "index.html").write_text("<p>mine</p>")
    expect_error("is not an index", "index", "build", str(DEMO_CORPUS), "--out", str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").exists()


# --- configuration, baselines, git -----------------------------------------------------------------------------------

CONFIG_CASES = {
    "unknown key": ("[tool.factcheck]\ntop_kk = 3\n", "unknown setting"),
    "float for an integer": ("[tool.factcheck]\ntop_k = 2.7\n", "top_k"),
    "table for a path": ("[tool.factcheck]\ncache_dir = { a = 1 }\n", "cache_dir"),
    "huge top_k": ("[tool.factcheck]\ntop_k = 99999999999999999999\n", "top_k"),
    "invalid TOML": ("[tool.factcheck\n", "not valid TOML"),
    "factcheck not a table": ("[tool]\nfactcheck = 3\n", "must be a table"),
    "unknown format": ("[tool.factcheck]\nformat = 'pdf'\n", "format must be one of"),
}


@pytest.mark.parametrize("kind", CONFIG_CASES)
def test_bad_configuration(tmp_path: Path, kind: str) -> None:
    text, fragment = CONFIG_CASES[kind]
    (tmp_path / "pyproject.toml").write_text(text)
    expect_error(fragment, "check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), cwd=tmp_path)


def test_a_tool_key_that_is_not_a_table_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('tool = "x"\n')
    code, _, stderr = run_cli("claims", str(DEMO_ARTICLE), cwd=tmp_path)
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("[" * 100_000, "nested too deeply"), ("{}", "factcheck_baseline"), ('{"factcheck_baseline": 1}', "malformed")],
    ids=["deep", "no header", "no claims"],
)
def test_bad_baselines(tmp_path: Path, content: str, fragment: str) -> None:
    (tmp_path / "baseline.json").write_text(content)
    expect_error(fragment, "check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "--baseline",
                 str(tmp_path / "baseline.json"))  # fmt: skip


def test_a_base_that_is_an_option(tmp_path: Path) -> None:
    expect_error("--base", "check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS), "--changed-only",
                 f"--base=--output={tmp_path / 'x'}")  # fmt: skip
    assert not (tmp_path / "x").exists()


# --- sizes: bounded and printed, not timed to the second --------------------------------------------------------------


# A small launcher forks the command and reports its peak memory: measured from pytest's own process, a child's
# ru_maxrss also counts the pages it shared with pytest (models loaded by earlier tests) before it exec'ed.
_LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execvp(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def _measure(command: list[str]) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB, stderr) of a subprocess, killed past the hang guard."""
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        launched = [sys.executable, "-c", _LAUNCHER, rss_file.name, *command]
        process = subprocess.Popen(
            launched, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True
        )
        timer = __import__("threading").Timer(HANG_GUARD_S * 5, os.killpg, (process.pid, signal.SIGKILL))
        timer.start()
        try:
            stderr = process.stderr.read().decode() if process.stderr else ""
            code = process.wait()
        finally:
            timer.cancel()
        peak = Path(rss_file.name).read_text().strip()
    return code, time.monotonic() - started, (int(peak) if peak else 0) / 1024, stderr


def _one_line(size: int) -> str:
    prose = " ".join(line.strip() for line in DEMO_ARTICLE.read_text().splitlines() if line.strip()[:1].isalpha())
    return ((prose + " ") * (size // len(prose) + 1))[:size].rsplit(" ", 1)[0]


def test_a_1mb_single_line_article(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text(_one_line(1_000_000))
    code, seconds, rss, stderr = _measure([sys.executable, "-m", "factcheck.cli", "claims", str(path)])
    print(f"\n1 MB single-line article, `factcheck claims`: {seconds:.1f} s, peak RSS {rss:.0f} MB, exit {code}")
    assert code == 0, stderr
    assert rss < 2048, f"peak RSS {rss:.0f} MB"


def test_a_20mb_article(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with open(path, "w", encoding="utf-8") as handle:
        paragraph = _one_line(2000) + "\n\n"
        for _ in range(20_000_000 // len(paragraph) + 1):
            handle.write(paragraph)
    code, seconds, rss, stderr = _measure([sys.executable, "-m", "factcheck.cli", "claims", str(path)])
    print(f"\n20 MB article, `factcheck claims`: {seconds:.1f} s, peak RSS {rss:.0f} MB, exit {code}")
    assert code == 2 and "too large" in stderr and len(stderr.strip().splitlines()) == 1


def test_an_index_whose_vectors_file_is_not_what_the_manifest_says_fails_before_the_vectors_are_read(
    sound_index: Path, tmp_path: Path, embedder
) -> None:
    """A check whose verdicts all come from the cache never reads the vectors: the class of the file is still
    checked, from its first bytes."""
    from evidence.errors import IndexCorrupt
    from evidence.retrieve import DeferredIndex

    index = tmp_path / "index"
    shutil.copytree(sound_index, index)
    _edit_manifest(faiss_index="IndexIVFFlat")(index)
    with pytest.raises(IndexCorrupt, match="is a IndexFlatIP but the manifest says IndexIVFFlat"):
        DeferredIndex(index, embedder)
