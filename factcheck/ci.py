"""GitHub Actions: failing claims as workflow annotations, the Markdown report in the job summary.

Both happen only when ``GITHUB_ACTIONS=true``. Annotations go to stderr, so a report written to stdout
stays valid JSON or XML; the runner reads workflow commands from either stream.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from factcheck.report.locate import region
from factcheck.types import Verdict


def in_github_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """The message part of a workflow command: '%', CR and LF would end or corrupt it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ':' (ends the properties) and ',' (separates them)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(verdict: Verdict, env: Mapping[str, str]) -> str:
    """``::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`` for one failing claim."""
    claim = verdict.claim
    where = region(claim)
    properties = {
        "file": _repo_path(claim.doc_id, env),
        "line": str(where.start_line),
        "col": str(where.start_column),
        "endLine": str(where.end_line),
        "endColumn": str(where.end_column),
        "title": f"factcheck: {verdict.label.value} claim ({verdict.confidence:.2f})",
    }
    message = f"{claim.text} — {verdict.reason}"
    if verdict.evidence:
        first = verdict.evidence[0]
        message += f"\nEvidence ({first.doc_id}): {first.sentence}"
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::error {props}::{escape_data(message)}"


def publish(
    failing: tuple[Verdict, ...], markdown: Callable[[], str], env: Mapping[str, str], err: TextIO
) -> None:
    """Annotate each failing claim and append the Markdown report to ``$GITHUB_STEP_SUMMARY``."""
    if not in_github_actions(env):
        return
    for verdict in failing:
        print(annotation(verdict, env), file=err)
    summary = env.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(markdown() + "\n")
    except OSError as exc:
        # The report and the exit code still stand; a missing job summary must not turn the gate into an error.
        print(f"factcheck: warning: cannot append to GITHUB_STEP_SUMMARY {summary}: {exc.strerror}", file=err)


def _repo_path(doc_id: str, env: Mapping[str, str]) -> str:
    """Annotations need the path from the repository root; articles may be given from elsewhere."""
    workspace = env.get("GITHUB_WORKSPACE")
    if not workspace:
        return doc_id
    path = Path(doc_id)
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        relative = Path(os.path.relpath(absolute.resolve(), Path(workspace).resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return doc_id
    return doc_id if relative.startswith("..") else relative
