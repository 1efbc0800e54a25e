"""`check` needs no network and gives the same bytes whatever Python's hash seed: run twice in a
network namespace with no interface up (`unshare -n`), with two hash seeds and two fresh caches."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

pytestmark = pytest.mark.reliability

REPO = Path(__file__).resolve().parents[2]


def _no_network_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed here, so the no-network run cannot be set up")
    for prefix in ([unshare, "-n"], [unshare, "-rn"]):  # root, or an unprivileged user namespace
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    pytest.skip("unshare is installed but may not create a network namespace here (neither -n nor -rn)")


def test_check_runs_without_network_and_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    prefix = _no_network_prefix()
    probe = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=2)\nexcept OSError:\n" \
            "    print('no network')\n"  # fmt: skip
    assert subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True, text=True).stdout == (
        "no network\n"
    )
    outputs = []
    for seed in ("1", "4242"):
        env = {
            **os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed, "HOME": str(tmp_path),
            "FACTCHECK_CACHE_HOME": str(tmp_path / f"cache-{seed}"),
        }  # fmt: skip
        env.pop("HF_HUB_OFFLINE", None)  # the CLI itself must keep the model hub away
        env.pop("TRANSFORMERS_OFFLINE", None)
        run = subprocess.run(
            [*prefix, sys.executable, "-m", "factcheck.cli", "check", str(DEMO_ARTICLE), "--corpus", str(DEMO_CORPUS),
             "--format", "json"],
            capture_output=True, env=env, cwd=tmp_path, timeout=600,
        )  # fmt: skip
        assert run.returncode == 1, run.stderr.decode()[-2000:]  # the demo article has a refuted claim
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert b'"label": "REFUTED"' in outputs[0]
