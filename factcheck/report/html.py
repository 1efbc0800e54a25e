"""A self-contained HTML report: the article with every claim highlighted by verdict, the evidence a
click away, a summary and the run manifest. No script, font or style is fetched from anywhere.

Every piece of article and corpus text passes through ``html.escape`` (quotes included), so text
such as ``<script>`` or ``" onmouseover=`` is shown, never run.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from itertools import pairwise

from factcheck.gate import GatePolicy
from factcheck.types import Label, Report, Verdict

_CLASS = {Label.SUPPORTED: "sup", Label.REFUTED: "ref", Label.NOT_ENOUGH_INFO: "nei"}
# When claims overlap, the highlight shows the verdict an editor must look at first.
_SEVERITY = {Label.REFUTED: 2, Label.NOT_ENOUGH_INFO: 1, Label.SUPPORTED: 0}

_STYLE = """
body{font:15px/1.55 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
.summary span{display:inline-block;margin-right:1rem;padding:.1rem .5rem;border-radius:.3rem}
.article{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:1rem;border-radius:.4rem}
mark{padding:0 .1rem;border-radius:.2rem;color:inherit;text-decoration:none}
a.claim{text-decoration:none;color:inherit}
.sup{background:#d8f3dc}.ref{background:#ffd6d6}.nei{background:#fff3bf}
.card{border:1px solid #ddd;border-left:.4rem solid #999;border-radius:.3rem;padding:.5rem .8rem;margin:.6rem 0}
.card.sup{border-left-color:#2b9348}.card.ref{border-left-color:#d00000}.card.nei{border-left-color:#e0a800}
.card:target{outline:3px solid #4361ee}
.card .label{font-weight:700}.card .where{color:#666;font-size:.85rem}
blockquote{margin:.4rem 0;padding:.3rem .7rem;border-left:3px solid #bbb;background:#fff}
blockquote .context{color:#888}
table.manifest td{padding:.1rem .6rem;vertical-align:top;font-size:.85rem}
"""


def render_html(report: Report, sources: Mapping[str, str], policy: GatePolicy) -> str:
    counts = report.counts()
    failing = sum(1 for v in report.verdicts() if policy.fails(v))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>factcheck report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>factcheck report</h1>",
        '<p class="summary">',
        f"<strong>{sum(counts.values())} claims</strong> ",
        *(f'<span class="{_CLASS[label]}">{n} {escape(label.value)}</span>' for label, n in counts.items()),
        f"<br>Gate (fail on {escape(policy.fail_on)}): <strong>{'failed' if failing else 'passed'}</strong></p>",
    ]
    for number, article in enumerate(report.articles):
        parts.append(f"<h2>{escape(article.path)}</h2>")
        text = sources.get(article.path)
        if text is not None:
            parts.append(f'<div class="article">{_highlight(text, article.verdicts, number)}</div>')
        parts.extend(_card(v, number) for v in article.verdicts)
    parts.append(_manifest(report))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _anchor(verdict: Verdict, article_number: int) -> str:
    return f"a{article_number}-{escape(verdict.claim.id)}"


def _highlight(text: str, verdicts: tuple[Verdict, ...], article_number: int) -> str:
    spans = [(v.claim.start, v.claim.end, v) for v in verdicts]
    spans += [(s, e, v) for v in verdicts for s, e in v.claim.extra_spans]
    cuts = sorted({0, len(text), *(p for s, e, _ in spans for p in (s, e) if 0 <= p <= len(text))})
    out = []
    for start, end in pairwise(cuts):
        piece = escape(text[start:end])
        covering = [v for s, e, v in spans if s <= start and end <= e]
        if not covering:
            out.append(piece)
            continue
        top = max(covering, key=lambda v: (_SEVERITY[v.label], v.confidence))
        tip = " | ".join(f"{v.label.value}: {v.claim.text}" for v in covering)
        out.append(
            f'<a class="claim" href="#{_anchor(top, article_number)}" title="{escape(tip)}">'
            f'<mark class="{_CLASS[top.label]}">{piece}</mark></a>'
        )
    return "".join(out)


def _card(v: Verdict, article_number: int) -> str:
    evidence = "".join(
        f"<blockquote>{_context(e.context)}{escape(e.sentence)}<br><small>{escape(e.doc_title or e.doc_id)} — "
        f"{escape(e.doc_path)}, characters {e.sentence_start}–{e.sentence_end}, "
        f"similarity {e.sentence_score:.2f}</small></blockquote>"
        for e in v.evidence
    )
    return (
        f'<div class="card {_CLASS[v.label]}" id="{_anchor(v, article_number)}">'
        f'<span class="label">{escape(v.label.value)}</span> ({v.confidence:.2f}) '
        f'<span class="where">line {v.claim.line}, column {v.claim.column} · {escape(v.claim.kind.value)}</span>'
        f"<div>{escape(v.claim.text)}</div><div class=\"where\">Why: {escape(v.reason)}</div>{evidence}</div>"
    )


def _context(context: str) -> str:
    """The sentence before the evidence, greyed: a reader judging "They were twice as likely..." needs
    to see who "they" were."""
    return f'<span class="context">{escape(context)}</span> ' if context.strip() else ""


def _manifest(report: Report) -> str:
    m = report.manifest
    rows = [
        ("factcheck", m.tool_version), ("claim extractor", m.claim_extractor),
        ("embedding model", f"{m.embedding_model} ({m.embedding_model_hash})"), ("verifier", m.verifier),
        ("index", f"{m.index_id}: {m.index_documents} documents, {m.index_passages} passages"),
        ("settings", ", ".join(f"{k}={v}" for k, v in m.settings)),
    ]
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in rows)
    return f'<h2>Run</h2><table class="manifest">{body}</table>'
