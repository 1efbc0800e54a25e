"""Raw article text to analysable units, Markdown-aware, keeping every offset.

A *unit* is a run of text that sentences never cross: a paragraph, a list item, a heading or
a line that stands alone (a credit such as "AP" under a caption). Markdown syntax (heading
hashes, bullets, quote markers, emphasis, link and image syntax, inline HTML) is removed from
the unit's text but each character keeps the offset of the raw character it came from, so a
sentence found in the clean text maps back onto the raw article exactly.

Plain text is treated as Markdown: it rarely holds Markdown syntax by accident, and the rules
below only fire on well-formed markup (paired emphasis, complete links).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# spaCy's own limit is 1,000,000 characters; paragraphs longer than this are cut at a space.
MAX_UNIT_CHARS = 100_000

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_HEADING_TAIL = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE_MARK = re.compile(r" {0,3}>[ \t]?")
_BULLET = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Wikipedia-style reference marks copied with the text: "[12]", "[citation needed]".
_CITATION = re.compile(r"\[(?:\d{1,4}|[a-z]|citation needed|note \d+)\](?!\()", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\](\([^)\s]*(?:[ \t]+\"[^\"\n]*\")?\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w\\])_(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")

_TERMINAL = frozenset(".!?:;\"”’')»")


@dataclass(frozen=True, slots=True)
class Unit:
    """Clean text of one unit and, for each of its characters, the raw offset it came from."""

    text: str
    offsets: tuple[int, ...]
    heading: bool
    block: int
    list_item: bool = False

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw (start, end) of the clean characters ``text[start:end]`` (``end > start``)."""
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True, slots=True)
class Markup:
    """The units of an article plus which raw characters were inline markup (for span edges)."""

    units: tuple[Unit, ...]
    inline_markup: frozenset[int]


@dataclass(slots=True)
class _Line:
    start: int  # raw offset of the first content character (after block prefixes)
    content: str  # without the line break
    list_item: bool
    heading: bool


def _inline(content: str, base: int, dropped: set[int]) -> list[tuple[str, int]]:
    """Remove inline Markdown from one line; returns (char, raw offset) pairs."""
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
    for pattern in (_CITATION, _IMAGE, _AUTOLINK, _HTML_TAG):
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


def _split_lines(raw: str) -> list[tuple[int, str]]:
    """(offset, line without its break) for every line; "\\r" before the break is dropped."""
    lines = []
    pos = 0
    for part in raw.split("\n"):
        lines.append((pos, part[:-1] if part.endswith("\r") else part))
        pos += len(part) + 1
    return lines


def _strip_prefix(offset: int, line: str) -> tuple[int, str, bool]:
    """Drop blockquote markers and a list bullet; returns (offset, content, is_list_item)."""
    pos = 0
    while m := _QUOTE_MARK.match(line, pos):
        if m.end() == pos:
            break
        pos = m.end()
    list_item = False
    if m := _BULLET.match(line, pos):
        pos = m.end()
        list_item = True
    return offset + pos, line[pos:], list_item


def _classify(raw: str) -> list[list[_Line]]:
    """Group raw lines into blocks (split at blank lines), dropping code, rules and tables."""
    blocks: list[list[_Line]] = [[]]
    fence: str | None = None
    for offset, line in _split_lines(raw):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if m := _FENCE.match(line):
            fence = m.group(1)[:3]
            blocks.append([])
            continue
        start, content, list_item = _strip_prefix(offset, line)
        if not content.strip():
            blocks.append([])
            continue
        current = blocks[-1]
        if current and _SETEXT.match(line) and not current[-1].list_item and len(current) == 1:
            current[-1].heading = True
            blocks.append([])
            continue
        if _RULE.match(line) or _TABLE_ROW.match(line) or _LINK_DEF.match(line):
            blocks.append([])
            continue
        if m := _HEADING.match(content):
            body = content[m.end() :]
            tail = _HEADING_TAIL.search(body)
            if tail:
                body = body[: tail.start()]
            blocks.append([_Line(start + m.end(), body, False, True)])
            blocks.append([])
            continue
        current.append(_Line(start, content, list_item, False))
    return [b for b in blocks if b]


def _stands_alone(prev: str, nxt: str) -> bool:
    """Whether a line break inside a block also ends a unit.

    A hard-wrapped paragraph breaks lines mid-sentence; a line that ends a sentence, or a short
    line without final punctuation followed by a capitalised one (a title above its text, a
    caption's credit), ends the unit so that no sentence runs across it.
    """
    prev_s, next_s = prev.rstrip(), nxt.lstrip()
    if not prev_s or not next_s:
        return True
    starts_new = next_s[0].isupper() or next_s[0].isdigit() or next_s[0] in "\"“'‘([*-"
    if prev_s[-1] in _TERMINAL:
        return starts_new
    return starts_new and len(prev_s) < 40


def _units_of_block(lines: list[_Line], block: int, dropped: set[int]) -> list[Unit]:
    groups: list[list[_Line]] = []
    for line in lines:
        if not groups or line.list_item or line.heading or _stands_alone(groups[-1][-1].content, line.content):
            groups.append([line])
        else:
            groups[-1].append(line)
    units = []
    for group in groups:
        chars: list[tuple[str, int]] = []
        for line in group:
            if chars:
                # the line break becomes a space, mapped onto the raw "\n" just before this line
                chars.append((" ", line.start - 1))
            chars.extend(_inline(line.content, line.start, dropped))
        units.extend(_make_units(chars, group[0].heading, block, group[0].list_item))
    return units


def _make_units(chars: list[tuple[str, int]], heading: bool, block: int, list_item: bool) -> list[Unit]:
    """Collapse whitespace, trim, and cut over-long runs into several units."""
    text: list[str] = []
    offsets: list[int] = []
    for ch, off in chars:
        if ch.isspace():
            if not text or text[-1] == " ":
                continue
            ch = " "
        text.append(ch)
        offsets.append(off)
    while text and text[-1] == " ":
        text.pop()
        offsets.pop()
    units = []
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_UNIT_CHARS)
        if end < len(text):
            cut = "".join(text[start:end]).rfind(" ")
            if cut > 0:
                end = start + cut + 1
        piece = "".join(text[start:end]).strip(" ")
        if piece:
            lead = len("".join(text[start:end])) - len("".join(text[start:end]).lstrip(" "))
            offs = tuple(offsets[start + lead : start + lead + len(piece)])
            units.append(Unit(piece, offs, heading, block, list_item))
        start = end
    return units


def parse_markup(raw: str) -> Markup:
    """Split a raw article into units (see the module docstring)."""
    dropped: set[int] = set()
    units: list[Unit] = []
    for block, lines in enumerate(_classify(raw)):
        units.extend(_units_of_block(lines, block, dropped))
    return Markup(tuple(units), frozenset(dropped))
