"""A Markdown report sized for a pull-request comment: summary first, one table row per claim."""

from __future__ import annotations

import re

from factcheck.gate import GatePolicy
from factcheck.report.summary import gate_result, gate_text
from factcheck.types import Label, Report, Verdict
from factcheck.unchecked import was_checked

_ICON = {Label.SUPPORTED: "✅", Label.REFUTED: "❌", Label.NOT_ENOUGH_INFO: "❔"}


def render_markdown(report: Report, policy: GatePolicy) -> str:
    counts = report.counts()
    result = gate_result(report, policy)
    gate = gate_text(result)
    lines = [
        "## factcheck report",
        "",
        f"**{sum(counts.values())} claims**: "
        + ", ".join(f"{_ICON[label]} {n} {label.value}" for label, n in counts.items())
        + f". {'✅' if result.passed else '❌'} **{gate[:1].upper()}{gate[1:]}**.",
        "",
    ]
    for article in report.articles:
        lines += [f"### `{_code(article.path)}`", ""]
        if not article.verdicts:
            lines += ["No checkable claims.", ""]
            continue
        lines += ["| | Line | Claim | Verdict | Evidence |", "|---|---|---|---|---|"]
        lines += [_row(v) for v in article.verdicts]
        lines.append("")
    m = report.manifest
    lines.append(
        f"<sub>factcheck {_cell(m.tool_version)} · verifier {_cell(m.verifier)} · index {_cell(m.index_id)} "
        f"({m.index_documents} documents)</sub>"
    )
    return "\n".join(lines) + "\n"


def _row(v: Verdict) -> str:
    ev = v.evidence[0] if v.evidence else None
    evidence = f"{_cell(ev.sentence)} <br>— `{_code(ev.doc_id)}`" if ev else "—"
    if not was_checked(v):
        evidence = _cell(v.reason)  # an opinion or prediction: say why no evidence was looked for
    return (
        f"| {_ICON[v.label]} | {v.claim.line}:{v.claim.column} | {_cell(v.claim.text)} | "
        f"{v.label.value} ({v.confidence:.2f}) | {evidence} |"
    )


# Line breaks and other control characters: any of them may end a table row in some renderer.
_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def _cell(text: str) -> str:
    """Escape what would break a table cell or inject markup into the comment."""
    out = _BREAKS.sub(" ", text.replace("\\", "\\\\").replace("|", "\\|"))
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "`*_[]":
        out = out.replace(ch, "\\" + ch)
    return out


def _code(text: str) -> str:
    return _BREAKS.sub(" ", text.replace("`", "'"))
