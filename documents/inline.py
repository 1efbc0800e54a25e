"""Inline Markdown inside one line: which characters are markup and which are text.

Only well-formed markup is removed (paired emphasis, complete links), so plain text that happens
to hold a star or an underscore keeps it. Code spans and escaped characters are text, whatever
they look like.
"""

from __future__ import annotations

import re

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Reference marks copied with the text: "[12]", "[a]", "[citation needed]"; not a letter an editor
# put in brackets ("[H]istorians"), nor link text ("[12](url)").
_CITATION = re.compile(r"(?:\[(?:\d{1,4}|citation needed|note \d+)\]|\[[a-z]\](?!\w))(?!\()", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\](\([^)\s]*(?:[ \t]+\"[^\"\n]*\")?\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->")
# Underscores that emphasise nothing: what is left when a converter dropped the text between them.
_LONE_UNDERSCORES = re.compile(r"(?<!\w)__+(?!\w)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])")
# An underscore right after a star stays: a starred form of linguistics ("*_gʰm-on_") is quoted as written.
_EM_UNDER = re.compile(r"(?<![\w\\*])_(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


def strip_inline(content: str, base: int, dropped: set[int]) -> list[tuple[str, int]]:
    """The text of one line without its inline markup, as (char, raw offset) pairs.

    ``base`` is the raw offset of ``content[0]``; the raw offsets of removed characters are added to
    ``dropped``.
    """
    n = len(content)
    drop = bytearray(n)
    keep = bytearray(n)  # protected: code span contents and escaped characters

    def mark(a: int, b: int) -> None:
        for i in range(a, b):
            if not keep[i]:
                drop[i] = 1

    for m in _CODE_SPAN.finditer(content):
        mark(m.start(), m.start(2))
        mark(m.end(2), m.end())
        for i in range(m.start(2), m.end(2)):
            keep[i] = 1
    for m in _ESCAPE.finditer(content):
        if not keep[m.start()]:
            mark(m.start(), m.start() + 1)
            keep[m.start() + 1] = 1
    for pattern in (_CITATION, _IMAGE, _AUTOLINK, _HTML_TAG, _LONE_UNDERSCORES):
        for m in pattern.finditer(content):
            if not keep[m.start()]:
                mark(m.start(), m.end())
    for m in _LINK.finditer(content):
        if not keep[m.start()] and not drop[m.start()]:
            mark(m.start(), m.start() + 1)
            mark(m.end(1), m.end())
    for pattern in (_STRONG, _STRIKE, _EM_STAR, _EM_UNDER):
        for m in pattern.finditer(content):
            inner_start, inner_end = m.start(m.lastindex or 1), m.end(m.lastindex or 1)
            if keep[m.start()] or keep[m.end() - 1] or drop[m.start()]:
                continue
            mark(m.start(), inner_start)
            mark(inner_end, m.end())
    out: list[tuple[str, int]] = []
    for i, ch in enumerate(content):
        if drop[i]:
            dropped.add(base + i)
        else:
            out.append((ch, base + i))
    return out
