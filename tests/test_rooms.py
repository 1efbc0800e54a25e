"""The three rooms stay apart: claims and evidence never import each other, nor factcheck, and ``documents``,
which both read files with, imports none of them."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("room", "forbidden"),
    [
        ("claims", ("evidence", "factcheck")),
        ("evidence", ("claims", "factcheck")),
        ("documents", ("claims", "evidence", "factcheck")),
    ],
)
def test_room_imports_nothing_from_the_others(room: str, forbidden: tuple[str, ...]) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {room}\n"
        f"for m in pkgutil.walk_packages({room}.__path__, '{room}.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {forbidden!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{room} imported {out.stdout.strip()}"
