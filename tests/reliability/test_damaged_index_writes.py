"""Writers that meet a damaged index. `index update`, `add` and `remove` stop with one line on stderr
and exit 2, leaving every file as it was; `check --corpus` replaces a damaged cached index only while
it holds that index's write lock, so concurrent checks wait for one rebuild instead of deleting a
folder that another process is reading or swapping."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence import build_index, verify_index
from evidence import manifest as manifest_io
from evidence.lock import lock_path
from factcheck.cli import app
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS
from tests.permissions import obey_file_permissions

pytestmark = pytest.mark.reliability
REPO = Path(__file__).resolve().parents[2]
EXTRA = "extra.md"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(DEMO_CORPUS, folder)
    (folder / EXTRA).write_text("# Spitzer\n\nThe Spitzer Space Telescope observed in the infrared.\n")
    return folder


@pytest.fixture(scope="module")
def sound_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    out = tmp_path_factory.mktemp("sound") / "index"
    build_index(DEMO_CORPUS, out, embedder)
    return out


@pytest.fixture
def index(sound_index: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "work" / "index"
    shutil.copytree(sound_index, copy)
    return copy


def _writes(index_dir: Path, corpus: Path) -> dict[str, list[str]]:
    """Each writer, given a change to make, so that a sound index would be rewritten."""
    return {
        "update": ["index", "update", str(index_dir), str(corpus)],
        "add": ["index", "add", str(index_dir), str(corpus / EXTRA), "--root", str(corpus)],
        "remove": ["index", "remove", str(index_dir), "webb.md"],
    }


def _on_disk(index_dir: Path) -> dict[str, bytes]:
    """Every file of the index and every entry beside it (a lock file only as its content)."""
    state = {f"index/{p.name}": p.read_bytes() for p in sorted(index_dir.iterdir())}
    for entry in sorted(index_dir.parent.iterdir()):
        if entry != index_dir:
            state[entry.name] = entry.read_bytes() if entry.is_file() else b"<folder>"
    state.setdefault(lock_path(index_dir).name, b"")
    return state


def _damage(path: Path, at: int, count: int = 32) -> None:
    with open(path, "r+b") as handle:
        handle.seek(at)
        data = handle.read(count)
        handle.seek(at)
        handle.write(bytes(b ^ 0x5A for b in data))


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("name", "op"),
    [("store.sqlite", "update"), ("store.sqlite", "add"), ("store.sqlite", "remove"), ("vectors.faiss", "update")],
)
def test_a_writer_on_an_unreadable_index_file_says_so_and_changes_nothing(
    index: Path, corpus: Path, name: str, op: str
) -> None:
    (index / name).chmod(0)
    before = _on_disk(index)
    run = subprocess.run(
        [sys.executable, "-m", "factcheck.cli", *_writes(index, corpus)[op]],
        capture_output=True, text=True, env=_env(), timeout=300, preexec_fn=obey_file_permissions,
    )  # fmt: skip
    (index / name).chmod(0o644)
    assert run.returncode == 2, run.stderr
    line = _one_line(run.stderr)
    assert f"cannot read {index / name}" in line and "Permission denied" in line, line
    assert _on_disk(index) == before


def _written_before_checksums(index_dir: Path) -> None:
    """An index from before manifests recorded checksums, with the header of its store's second page
    damaged: the counts read on load never touch that page, reading every document does."""
    data = json.loads((index_dir / manifest_io.MANIFEST_FILE).read_text())
    for key in ("store_bytes", "store_sha256", "vectors_bytes", "vectors_sha256"):
        data.pop(key)
    (index_dir / manifest_io.MANIFEST_FILE).write_text(json.dumps(data))
    _damage(index_dir / "store.sqlite", 4096, count=16)


def _too_big_to_hash_on_load(index_dir: Path) -> None:
    """A stored document's text changed in place: same size, same structure, only a hash tells."""
    store = index_dir / "store.sqlite"
    _damage(store, store.read_bytes().index(b"6.5 metres across"), count=3)


@pytest.mark.parametrize("op", ["update", "add", "remove"])
@pytest.mark.parametrize("damage", [_written_before_checksums, _too_big_to_hash_on_load])
def test_a_writer_never_copies_damage_that_a_quick_load_misses(
    index: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, damage, op: str
) -> None:
    # Stores above the limit are only size-checked on load; a limit of 0 makes this small store one of them.
    monkeypatch.setattr("evidence.integrity.LOAD_HASH_LIMIT", 0)
    damage(index)
    before = _on_disk(index)
    result = CliRunner().invoke(app, _writes(index, corpus)[op])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    line = _one_line(result.stderr)
    assert "store.sqlite is damaged" in line and "factcheck index build" in line, line
    assert _on_disk(index) == before


# --- the cached index of `check --corpus` ----------------------------------------------------------------------


def _cached_index(cache: Path, corpus: Path) -> Path:
    return cache / "indexes" / hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:20]


def _hold_lock(index_dir: Path) -> subprocess.Popen:
    """Another process that holds the index's write lock until its stdin is closed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom pathlib import Path\nfrom evidence.lock import write_lock\n"
         f"with write_lock(Path({str(index_dir)!r})):\n    print('held', flush=True)\n    sys.stdin.read()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_check_replaces_a_damaged_cached_index_only_while_holding_its_lock(
    tmp_path: Path, corpus: Path, embedder
) -> None:
    cache = tmp_path / "cache"
    target = _cached_index(cache, corpus)
    build_index(corpus, target, embedder)
    _damage(target / "store.sqlite", (target / "store.sqlite").stat().st_size // 2)
    damaged = _on_disk(target)

    holder = _hold_lock(target)
    check = subprocess.Popen(
        [sys.executable, "-m", "factcheck.cli", "check", str(DEMO_ARTICLE), "--corpus", str(corpus), "-f", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(FACTCHECK_CACHE_HOME=str(cache)),
    )  # fmt: skip
    try:
        assert check.stderr is not None
        notices = []
        for line in check.stderr:
            notices.append(line)
            if "waiting for it" in line:
                break
        assert "waiting for it" in notices[-1], "".join(notices)
        # The writer that holds the lock may be reading or swapping this folder: the check must leave it alone.
        assert target.is_dir(), "the check deleted the cached index while another process held its lock"
        locked = _on_disk(target)
        locked[lock_path(target).name] = damaged[lock_path(target).name]
        assert locked == damaged
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    out, err = check.communicate(timeout=600)
    assert check.returncode in (0, 1), "".join(notices) + err
    assert "Traceback" not in err
    assert json.loads(out)["summary"]["claims"] == 7
    assert verify_index(target).documents == 5
    assert lock_path(target).read_text() == ""
    assert sorted(p.name for p in target.parent.iterdir()) == sorted([target.name, lock_path(target).name])


def test_two_checks_on_one_damaged_cached_index_both_finish_with_the_same_report(
    tmp_path: Path, corpus: Path, embedder
) -> None:
    cache = tmp_path / "cache"
    target = _cached_index(cache, corpus)
    build_index(corpus, target, embedder)
    (target / "store.sqlite").write_bytes(b"")
    command = [sys.executable, "-m", "factcheck.cli", "check", str(DEMO_ARTICLE), "--corpus", str(corpus), "-f", "json"]
    env = _env(FACTCHECK_CACHE_HOME=str(cache))
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for _ in range(2)]  # fmt: skip
    results = [(run.communicate(timeout=600), run.returncode) for run in runs]
    for (out, err), code in results:
        assert code in (0, 1), err
        assert "Traceback" not in err and "error" not in err.lower(), err
        assert json.loads(out)["summary"]["claims"] == 7
    assert results[0][0][0] == results[1][0][0]
    assert verify_index(target).documents == 5
