"""Shared fixtures. Models are loaded once per test session: they are the expensive part."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evidence.offline import offline

# Tests must never reach a model hub, exactly like a user's air-gapped machine.
offline()

REPO = Path(__file__).resolve().parent.parent
# A news article about invented facts, written for these tests (web boilerplate included).
ARTICLE = REPO / "tests" / "data" / "articles" / "harbour_turbines.txt"
# Tests marked `data` read public datasets that are not in the repository: `make test-data` points these
# variables at them. The default selection (`pytest -m "not data"`) never reads them.
PUBLIC_FOLDERS = {"data": "PUBLIC_DATA", "seeds": "PUBLIC_SEEDS"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for a public folder must be marked `data`, so the default selection stays in the repo."""
    for item in items:
        wants = {"public_data", "seed_article_path"} & set(getattr(item, "fixturenames", ()))
        if wants and item.get_closest_marker("data") is None:
            raise pytest.UsageError(f"{item.nodeid} uses {', '.join(sorted(wants))} but is not marked `data`")


def _public_folder(kind: str) -> Path:
    variable = PUBLIC_FOLDERS[kind]
    value = os.environ.get(variable)
    if not value or not Path(value).is_dir():
        pytest.fail(f"tests marked `data` need the public {kind} folder: set {variable}=/path (now {value!r})",
                    pytrace=False)
    return Path(value)


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 embedder from the installed package."""
    from evidence.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def extractor():
    """The real spaCy-based claim extractor."""
    from claims import ClaimExtractor

    return ClaimExtractor()


@pytest.fixture(scope="session")
def article_path() -> Path:
    return ARTICLE


@pytest.fixture(scope="session")
def public_data() -> Path:
    """The public datasets folder (PUBLIC_DATA); only for tests marked `data`."""
    return _public_folder("data")


@pytest.fixture(scope="session")
def seed_article_path() -> Path:
    """The first seed article (PUBLIC_SEEDS); only for tests marked `data`."""
    seeds = sorted(_public_folder("seeds").glob("*.txt"))
    if not seeds:
        pytest.fail(f"no seed article (*.txt) in {os.environ['PUBLIC_SEEDS']}", pytrace=False)
    return seeds[0]


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Indexes that `check --corpus` caches go to a throwaway folder, not the user's cache."""
    path = tmp_path_factory.mktemp("factcheck-cache")
    os.environ["FACTCHECK_CACHE_HOME"] = str(path)
    return path


RAY_SKIP = "the ray tests need the optional extra: pip install -e '.[ray]'"


@pytest.fixture(scope="session")
def ray_cluster() -> str:
    """A real two-node Ray cluster on this machine: a head and a worker node, each a separate `ray start`
    process with one CPU. Yields the head's address; the cluster's processes are stopped afterwards, and only
    they: another Ray cluster on the machine (a user's, another test run's) is left running."""
    import shutil
    import socket
    import subprocess
    import sys
    import tempfile
    import time

    pytest.importorskip("ray", reason=RAY_SKIP)
    ray_bin = str(Path(sys.executable).parent / "ray")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"127.0.0.1:{port}"
    # Workers import the project from this checkout, as an installed package would be imported on a real cluster.
    # Token authentication (Ray's default) would need a token shared by every process; a cluster that lives and dies
    # on this machine for one test session goes without.
    quiet = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    saved = {name: os.environ.get(name) for name in quiet}
    os.environ.update(quiet)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # A folder of its own, short enough for Ray's socket paths, names every process of this cluster.
    temp_dir = tempfile.mkdtemp(prefix="fc-ray-", dir="/tmp")
    common = ["--num-cpus=1", "--disable-usage-stats", f"--temp-dir={temp_dir}"]
    try:
        for command in (
            [ray_bin, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--include-dashboard=false"],
            [ray_bin, "start", "--node-ip-address=127.0.0.1", f"--address={address}"],
        ):
            subprocess.run([*command, *common], env=env, check=True, capture_output=True, timeout=300)
        deadline = time.monotonic() + 120
        while "2 node(s)" not in _ray_status(ray_bin, address, env) and time.monotonic() < deadline:
            time.sleep(2)
        yield address
    finally:
        _stop_cluster(temp_dir)
        shutil.rmtree(temp_dir, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _stop_cluster(temp_dir: str) -> None:
    """Stop the processes that name temp_dir (head, raylets, GCS, monitors); the actors and agents each raylet started
    exit with it. `ray stop` is not used: it stops every Ray process on the machine."""
    import contextlib
    import signal
    import time

    def alive() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if temp_dir.encode() in (entry / "cmdline").read_bytes():
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 15
        while alive() and time.monotonic() < deadline:
            time.sleep(0.2)


def _ray_status(ray_bin: str, address: str, env: dict[str, str]) -> str:
    import subprocess

    done = subprocess.run([ray_bin, "status", f"--address={address}"], env=env, capture_output=True, text=True)
    alive = done.stdout.split("Active:", 1)[-1].split("Pending:", 1)[0]
    return f"{alive.count('node_')} node(s)"
