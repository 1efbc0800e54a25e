"""One offline set-up, called wherever a model is loaded."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The libraries that could reach a model hub when they load a model.
HUB = re.compile(r"^\s*(?:from|import) (?:transformers|sentence_transformers|huggingface_hub)\b", re.M)


def test_offline_wins_over_a_users_environment() -> None:
    code = "import os\nfrom evidence.offline import offline\noffline()\nprint(os.environ['HF_HUB_OFFLINE'])"
    env = {**os.environ, "HF_HUB_OFFLINE": "0", "TRANSFORMERS_OFFLINE": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "1"


def test_every_module_that_loads_a_model_calls_the_one_offline_set_up() -> None:
    loaders = []
    for path in sorted(REPO.glob("*/**/*.py")):
        if path.parts[len(REPO.parts)] in {"factcheck", "claims", "evidence", "bench"}:
            text = path.read_text(encoding="utf-8")
            if HUB.search(text):
                loaders.append(path.relative_to(REPO).as_posix())
                assert "offline()" in text, f"{path} loads a model without offline()"
                assert "HF_HUB_OFFLINE" not in text, f"{path} sets the offline variables itself"
    assert {"evidence/embed.py", "factcheck/verify/crossencoder.py", "factcheck/training/loop.py"} <= set(loaders)
