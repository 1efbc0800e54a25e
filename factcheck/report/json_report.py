"""The machine-readable report: canonical JSON, byte-identical for identical runs.

The schema is in ``schema.json`` beside this module (JSON Schema, versioned by
``schema_version``); ``summary`` is derived from the verdicts and ignored when reading back.
"""

from __future__ import annotations

import json
from pathlib import Path

from factcheck.serialize import dumps, to_jsonable
from factcheck.types import Report

SCHEMA_PATH = Path(__file__).with_name("schema.json")


def render_json(report: Report) -> str:
    data = to_jsonable(report)
    data["summary"] = summary(report)
    return dumps(data)


def summary(report: Report) -> dict[str, int]:
    counts = report.counts()
    return {"claims": sum(counts.values()), **{label.value: n for label, n in counts.items()}}


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
