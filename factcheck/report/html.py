"""A self-contained HTML report: the gate's outcome, the article with every claim highlighted by verdict,
the evidence a click away, a summary that filters the verdicts by label, and the run manifest. No script,
font or style is fetched from anywhere; the one small script is part of the page and only shows or hides.

Where claims overlap in the article, each keeps its own highlight: the marks nest, and each draws its
underline at its own depth, so no claim's colour hides another's.

Every piece of article and corpus text passes through ``html.escape`` (quotes included), so text
such as ``<script>`` or ``" onmouseover=`` is shown, never run.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from itertools import pairwise

from factcheck.gate import GatePolicy
from factcheck.report.summary import counts_text, gate_result, gate_text
from factcheck.types import Label, Report, Verdict

_CLASS = {Label.SUPPORTED: "sup", Label.REFUTED: "ref", Label.NOT_ENOUGH_INFO: "nei"}
# When claims overlap, the highlight shows the verdict an editor must look at first.
_SEVERITY = {Label.REFUTED: 2, Label.NOT_ENOUGH_INFO: 1, Label.SUPPORTED: 0}
# Overlapping claims get underlines at this many depths; deeper ones share the last.
_DEPTHS = 4

_STYLE = """
body{font:15px/1.55 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1d1d1f}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
[hidden]{display:none!important}
.gate{padding:.6rem 1rem;border-radius:.4rem;font-weight:600;border:1px solid}
.gate.passed{background:#e3f6e8;border-color:#2b9348;color:#155d27}
.gate.failed{background:#ffe3e3;border-color:#d00000;color:#8a0000}
.summary{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0}
.badge{font:inherit;font-weight:600;padding:.2rem .7rem;border-radius:1rem;border:2px solid #999;background:#f1f1f1;
  color:#1d1d1f;cursor:pointer}
.badge.sup{background:#d8f3dc;border-color:#2b9348}.badge.ref{background:#ffd6d6;border-color:#d00000}
.badge.nei{background:#fff3bf;border-color:#e0a800}.badge.fail{background:#fff;border-color:#d00000;color:#8a0000}
.badge[aria-pressed=true]{box-shadow:0 0 0 3px #4361ee}
.article{white-space:pre-wrap;background:#fafafa;border:1px solid #ddd;padding:1rem;border-radius:.4rem;line-height:2.1}
a.claim{text-decoration:none;color:inherit}
mark{color:inherit;padding:0 0 1px;border-bottom:3px solid transparent;scroll-margin-top:40vh}
mark.lv1{padding-bottom:6px}mark.lv2{padding-bottom:11px}mark.lv3{padding-bottom:16px}
mark.sup{background-color:#d8f3dc;border-bottom-color:#2b9348}
mark.ref{background-color:#ffd6d6;border-bottom-color:#d00000}
mark.nei{background-color:#fff3bf;border-bottom-color:#e0a800}
mark:target{outline:3px solid #4361ee}
.card{border:1px solid #ddd;border-left:.4rem solid #999;border-radius:.3rem;padding:.5rem .8rem;margin:.6rem 0}
.card.sup{border-left-color:#2b9348}.card.ref{border-left-color:#d00000}.card.nei{border-left-color:#e0a800}
.card:target{outline:3px solid #4361ee}
.card .label{font-weight:700}.card .where{color:#666;font-size:.85rem}
.card.sup .label{color:#1b6e33}.card.ref .label{color:#b00000}.card.nei .label{color:#8a6500}
blockquote{margin:.4rem 0;padding:.3rem .7rem;border-left:3px solid #bbb;background:#fff}
blockquote .context{color:#888}
table.manifest td{padding:.1rem .6rem;vertical-align:top;font-size:.85rem}
"""
# Filters the cards by label, and sends a click on a highlight to that claim's card (the link around
# a segment covered by several claims can name only one). Without it every card shows.
_SCRIPT = """
document.querySelectorAll('.badge').forEach(function (button) {
  button.addEventListener('click', function () {
    var want = button.dataset.filter;
    document.querySelectorAll('.badge').forEach(function (b) { b.setAttribute('aria-pressed', b === button); });
    document.querySelectorAll('.card').forEach(function (card) {
      card.hidden = !(want === 'all' || card.classList.contains(want) || (want === 'fail' && card.dataset.fails));
    });
  });
});
document.querySelectorAll('mark[data-card]').forEach(function (mark) {
  mark.addEventListener('click', function (event) {
    event.preventDefault();
    event.stopPropagation();
    location.hash = mark.dataset.card;
  });
});
"""


def render_html(report: Report, sources: Mapping[str, str], policy: GatePolicy) -> str:
    gate = gate_result(report, policy)
    state = "passed" if gate.passed else "failed"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>factcheck report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>factcheck report</h1>",
        f'<p class="gate {state}" role="status">{escape(_sentence(gate_text(gate)))}</p>',
        f'<div class="summary" aria-label="{escape(counts_text(gate))}. Show:">',
        f'<button type="button" class="badge" data-filter="all" aria-pressed="true">All {gate.claims}</button>',
        *(
            f'<button type="button" class="badge {_CLASS[label]}" data-filter="{_CLASS[label]}" '
            f'aria-pressed="false">{n} {escape(label.value)}</button>'
            for label, n in gate.counts
        ),
        f'<button type="button" class="badge fail" data-filter="fail" aria-pressed="false">'
        f"{len(gate.failing)} failing the gate</button>",
        "</div>",
    ]
    for number, article in enumerate(report.articles):
        parts.append(f"<h2>{escape(article.path)}</h2>")
        text = sources.get(article.path)
        placed: set[str] = set()
        if text is not None:
            parts.append(f'<div class="article">{_highlight(text, article.verdicts, number, placed)}</div>')
        parts.extend(_card(v, number, policy.fails(v), _place(v, number) in placed) for v in article.verdicts)
    parts.append(_manifest(report))
    parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _anchor(verdict: Verdict, article_number: int) -> str:
    return f"a{article_number}-{escape(verdict.claim.id)}"


def _place(verdict: Verdict, article_number: int) -> str:
    """The id of the claim's first highlight in the article, which its card links to."""
    return f"m{article_number}-{escape(verdict.claim.id)}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _depths(spans: list[tuple[int, int, Verdict]]) -> list[int]:
    """A depth per span such that overlapping spans never share one: greedy colouring of intervals."""
    depth = [0] * len(spans)
    ends: list[int] = []  # per depth, where its last span ends
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1])):
        start, end, _ = spans[i]
        free = next((d for d, last in enumerate(ends) if last <= start), len(ends))
        if free == len(ends):
            ends.append(end)
        ends[free] = end
        depth[i] = min(free, _DEPTHS - 1)
    return depth


def _highlight(text: str, verdicts: tuple[Verdict, ...], article_number: int, placed: set[str]) -> str:
    """The article with its claims marked; ``placed`` receives the ids of the claims' first marks."""
    spans = [(v.claim.start, v.claim.end, v) for v in verdicts]
    spans += [(s, e, v) for v in verdicts for s, e in v.claim.extra_spans]
    depths = _depths(spans)
    cuts = sorted({0, len(text), *(p for s, e, _ in spans for p in (s, e) if 0 <= p <= len(text))})
    out = []
    for start, end in pairwise(cuts):
        piece = escape(text[start:end])
        covering: dict[str, tuple[int, Verdict]] = {}
        for (s, e, v), depth in zip(spans, depths, strict=True):
            if s <= start and end <= e and depth < covering.get(v.claim.id, (_DEPTHS, v))[0]:
                covering[v.claim.id] = (depth, v)
        if not covering:
            out.append(piece)
            continue
        # The deepest underline is the outermost mark, so that each inner mark paints above the
        # outer one's background and every underline stays visible.
        for depth, v in sorted(covering.values(), key=lambda dv: dv[0]):
            place = _place(v, article_number)
            id_attr = f' id="{place}"' if place not in placed else ""
            placed.add(place)
            piece = (
                f'<mark class="{_CLASS[v.label]} lv{depth}" data-card="{_anchor(v, article_number)}"{id_attr}>'
                f"{piece}</mark>"
            )
        top = max((v for _, v in covering.values()), key=lambda v: (_SEVERITY[v.label], v.confidence))
        tip = " | ".join(f"{v.label.value}: {v.claim.text}" for _, v in covering.values())
        out.append(f'<a class="claim" href="#{_anchor(top, article_number)}" title="{escape(tip)}">{piece}</a>')
    return "".join(out)


def _card(v: Verdict, article_number: int, fails: bool, in_article: bool) -> str:
    evidence = "".join(
        f"<blockquote>{_context(e.context)}{escape(e.sentence)}<br><small>{escape(e.doc_title or e.doc_id)} — "
        f"{escape(e.doc_path)}, characters {e.sentence_start}–{e.sentence_end}, "
        f"similarity {e.sentence_score:.2f}</small></blockquote>"
        for e in v.evidence
    )
    where = f"line {v.claim.line}, column {v.claim.column}"
    if in_article:
        where = f'<a class="goto" href="#{_place(v, article_number)}" title="Show in the article">{where}</a>'
    return (
        f'<div class="card {_CLASS[v.label]}" id="{_anchor(v, article_number)}"{" data-fails=1" if fails else ""}>'
        f'<span class="label">{escape(v.label.value)}</span> ({v.confidence:.2f}) '
        f'<span class="where">{where} · {escape(v.claim.kind.value)}{" · fails the gate" if fails else ""}</span>'
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
