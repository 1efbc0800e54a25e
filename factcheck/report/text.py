"""The terminal report: one block per claim, verdict first, evidence beneath it.

Colour only on a terminal; piped output is plain text that greps well.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from factcheck.report.summary import GateResult, gate_text
from factcheck.types import Label, Report, Verdict

_STYLE = {Label.SUPPORTED: "bold green", Label.REFUTED: "bold red", Label.NOT_ENOUGH_INFO: "bold yellow"}
_MARK = {Label.SUPPORTED: "✔", Label.REFUTED: "✘", Label.NOT_ENOUGH_INFO: "?"}


def render_text(report: Report, console: Console, gate: GateResult | None = None) -> None:
    for article in report.articles:
        console.print(f"[bold]{escape(article.path)}[/]  ({len(article.verdicts)} claims)")
        for verdict in article.verdicts:
            _verdict(verdict, console)
        console.print()
    counts = report.counts()
    parts = [f"[{_STYLE[label]}]{n} {label.value}[/]" for label, n in counts.items()]
    console.print(f"Summary: {sum(counts.values())} claims: " + ", ".join(parts))
    if gate is not None:
        style = "bold green" if gate.passed else "bold red"
        line = gate_text(gate)
        console.print(f"[{style}]{escape(line[:1].upper() + line[1:])}[/]")


def _verdict(verdict: Verdict, console: Console) -> None:
    claim = verdict.claim
    style = _STYLE[verdict.label]
    console.print(
        f"  [{style}]{_MARK[verdict.label]} {verdict.label.value}[/] ({verdict.confidence:.2f})  "
        f"{claim.line}:{claim.column}  {escape(claim.text)}"
    )
    console.print(f"      [dim]why:[/] {escape(verdict.reason)}")
    if claim.needs_context:
        words = escape(", ".join(claim.needs_context))
        console.print(f"      [dim]read in place:[/] {words} [dim](the article says who or when)[/]")
    for ev in verdict.evidence:
        console.print(
            f"      [dim]evidence:[/] {escape(ev.sentence)} "
            f"[dim]({escape(ev.doc_id)} @{ev.sentence_start}-{ev.sentence_end}, sim {ev.sentence_score:.2f})[/]"
        )
