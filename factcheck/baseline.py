"""Baseline files: claims already known to fail, suppressed so that only new ones fail the gate.

The file is JSON a reviewer can read: each entry keeps the claim text and label next to the
fingerprint the gate matches on.
"""

from __future__ import annotations

import json
from pathlib import Path

from factcheck.errors import InputError
from factcheck.gate import claim_fingerprint
from factcheck.serialize import dumps
from factcheck.types import Verdict

BASELINE_VERSION = 1


def baseline_text(verdicts: tuple[Verdict, ...]) -> str:
    entries = sorted(
        (
            {"fingerprint": claim_fingerprint(v), "article": v.claim.doc_id, "label": v.label.value,
             "claim": v.claim.text}
            for v in verdicts
        ),
        key=lambda e: (e["article"], e["claim"], e["label"]),
    )
    return dumps({"factcheck_baseline": BASELINE_VERSION, "claims": entries})


def read_baseline(path: Path) -> frozenset[str]:
    if path.exists() and not path.is_file():
        raise InputError(f"baseline file {path} is not a regular file; give the file `factcheck baseline` wrote")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(
            f"baseline file {path} does not exist; create it with `factcheck baseline ARTICLE...`"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"baseline file {path} is not a factcheck baseline ({exc}); recreate it") from exc
    except RecursionError:
        raise InputError(f"baseline file {path} is not a factcheck baseline (JSON nested too deeply)") from None
    if not isinstance(data, dict) or data.get("factcheck_baseline") != BASELINE_VERSION:
        raise InputError(
            f"baseline file {path} has no 'factcheck_baseline': {BASELINE_VERSION} header; "
            "recreate it with `factcheck baseline ARTICLE...`"
        )
    try:
        return frozenset(str(entry["fingerprint"]) for entry in data["claims"])
    except (KeyError, TypeError) as exc:
        raise InputError(f"baseline file {path} has a malformed 'claims' list; recreate it") from exc
