"""Markdown (and plain text) to clean text, keeping every offset: the one Markdown reader.

A *unit* is a run of text that sentences never cross: a paragraph, a list item, a heading or
a line that stands alone (a credit such as "AP" under a caption). Markdown syntax (heading
hashes, bullets, quote markers, emphasis, link and image syntax, inline HTML) is removed from
the unit's text but each character keeps the offset of the raw character it came from, so a
sentence found in the clean text maps back onto the raw article exactly.

Plain text is treated as Markdown: it rarely holds Markdown syntax by accident, and the rules
below only fire on well-formed markup (paired emphasis, complete links).

Left out of the units: YAML front matter, code fences, rules, link definitions, reference notes
(a paragraph that opens with "[12]") and tables. Table rows are kept apart, as cells, for readers
that want them as text (``markdown_to_text``); claims are never drawn from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from documents.inline import strip_inline
from documents.residue import clean_paragraph, keep_wide_spaces

# spaCy's own limit is 1,000,000 characters; paragraphs longer than this are cut at a space.
MAX_UNIT_CHARS = 100_000

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_HEADING_TAIL = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE_MARK = re.compile(r" {0,3}>[ \t]?")
# Any indentation: a deeper bullet is a nested list. Three digits at most: a hard-wrapped line that
# starts with a year ("1949. The treaty ...") is not a list item.
_BULLET = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
# The rules between table rows, pipe or grid style ("|---|:--:|", "+====+====+").
_TABLE_RULE = re.compile(r"^\s*[|+]?\s*:?[-=]{3,}:?\s*(?:[|+]\s*:?[-=]{3,}:?\s*)*[|+]?\s*$")
_NOTE = re.compile(r"\[\d+\]")
_FRONT_MATTER = "---"
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")

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
    table_rows: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (block, cells), in document order


@dataclass(slots=True)
class _Line:
    start: int  # raw offset of the first content character (after block prefixes)
    content: str  # without the line break
    list_item: bool
    heading: bool
    row: bool = False


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


def _front_matter(lines: list[tuple[int, str]]) -> int:
    """How many lines YAML front matter takes at the top: "---", lines without a blank one, "---"."""
    if len(lines) < 3 or lines[0][1] != _FRONT_MATTER:
        return 0
    for i in range(1, len(lines)):
        if lines[i][1] == _FRONT_MATTER:
            return i + 1 if i > 1 else 0
        if not lines[i][1].strip():
            return 0
    return 0


def _classify(raw: str) -> list[list[_Line]]:
    """Group raw lines into blocks (split at blank lines), dropping code, rules, notes and front matter.

    A table row is a block of its own, marked ``row``.
    """
    blocks: list[list[_Line]] = [[]]
    fence: str | None = None
    note = False  # inside a reference note: its lines are dropped up to the paragraph's end
    lines = _split_lines(raw)
    for offset, line in lines[_front_matter(lines) :]:
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
            note = False
            continue
        current = blocks[-1]
        if current and _SETEXT.match(line) and not current[-1].list_item and len(current) == 1:
            current[-1].heading = True
            blocks.append([])
            continue
        if _RULE.match(line) or _TABLE_RULE.match(line) or _LINK_DEF.match(line) or _TABLE_ROW.match(line):
            if _TABLE_ROW.match(line) and not _TABLE_RULE.match(line):
                blocks.append([_Line(offset, line, False, False, row=True)])
            blocks.append([])
            note = False
            continue
        if m := _HEADING.match(content):
            body = content[m.end() :]
            tail = _HEADING_TAIL.search(body)
            if tail:
                body = body[: tail.start()]
            blocks.append([_Line(start + m.end(), body, False, True)])
            blocks.append([])
            note = False
            continue
        if not (current or note) or list_item:
            note = bool(_NOTE.match(content.lstrip()))
        if not note:
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
            chars.extend(strip_inline(line.content, line.start, dropped))
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
    rows: list[tuple[int, tuple[str, ...]]] = []
    for block, lines in enumerate(_classify(raw)):
        if lines[0].row:
            cells = tuple(cell.strip() for cell in lines[0].content.strip().strip("|").split("|"))
            if not _NOTE.match("".join(cells)):  # a row that opens with a reference mark is a note too
                rows.append((block, cells))
        else:
            units.extend(_units_of_block(lines, block, dropped))
    return Markup(tuple(units), frozenset(dropped), tuple(rows))


def markdown_to_text(raw: str) -> tuple[str, str]:
    """(title, text) of a Markdown document, for readers that need no offsets.

    Paragraphs, list items, headings and table rows (cells joined by "; ") are separated by a blank
    line, so that a sentence splitter never runs a sentence across two of them; what a wiki dump
    leaves in its text is cleaned away (``documents.residue``). The title is a heading that opens
    the document, or "".
    """
    markup = parse_markup(raw)
    pieces: list[tuple[int, bool, list[str]]] = []  # (block, heading, texts of its units)
    for unit in markup.units:
        text = keep_wide_spaces(raw, unit.text, unit.offsets)
        if pieces and pieces[-1][0] == unit.block and not unit.list_item:
            pieces[-1][2].append(text)
        else:
            pieces.append((unit.block, unit.heading, [text]))
    for block, cells in markup.table_rows:
        texts = ("".join(ch for ch, _ in strip_inline(cell, 0, set())).strip() for cell in cells)
        pieces.append((block, False, ["; ".join(text for text in texts if text)]))
    pieces.sort(key=lambda piece: piece[0])
    title, kept = "", []
    for _, heading, texts in pieces:
        text = clean_paragraph(" ".join(texts))
        if not any(ch.isalnum() for ch in text):
            continue
        if heading and not kept:
            title = text
        kept.append(text)
    return title, "\n\n".join(kept)
