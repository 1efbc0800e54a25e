"""Markdown and HTML to plain text: keep what a reader would read, drop the markup around it.

Both converters return ``(title, text)``; blocks (paragraphs, headings, list items) are joined by a
blank line so that the sentence splitter never runs a sentence across two of them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT_RULE = re.compile(r"^(={3,}|-{3,})\s*$")
_HRULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_QUOTE_MARKER = re.compile(r"^\s*(?:>\s?)+")
_TABLE_RULE = re.compile(r"^\s*[|+]?\s*:?[-=]{3,}:?\s*([|+]\s*:?[-=]{3,}:?\s*)*[|+]?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_LINK_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>]*>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_CODE_SPAN = re.compile(r"`+([^`]*)`+")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPH = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
# Residue of the Wikipedia-to-Markdown conversion used by the demo corpus.
_NOTE = re.compile(r"^\[\d+\]")
_CITATION = re.compile(r"(?<!\])(?:\[\d+\])+")
_CAPTION_END = "]]"
_CATEGORY = "Category:"
_INFOBOX_FIELD = re.compile(r"\|\s*\w[\w ]{0,40}=")
# "(NATO ; ; )" and "( ; )": what is left of parentheses whose pronunciations were dropped.
_PAREN_LEAD = re.compile(r"\(\s*(?:[;,/]\s*)+")
_PAREN_TRAIL = re.compile(r"(?:\s*[;,/])+\s*\)")
_EMPTY_PARENS = re.compile(r"\s?\(\s*\)")
_STRAY_UNDERSCORES = re.compile(r"(?<!\w)__+(?!\w)")
_SPACES = re.compile(r"[ \t\f\v]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?])")


def _inline(text: str) -> str:
    text = _CITATION.sub("", text)
    text = _STRAY_UNDERSCORES.sub("", text)
    text = _CODE_SPAN.sub(r"\1", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPH.sub(r"\2", text)
    text = _PAREN_LEAD.sub("(", text)
    text = _PAREN_TRAIL.sub(")", text)
    text = _EMPTY_PARENS.sub("", text)
    text = _SPACES.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def _markdown_blocks(source: str) -> list[tuple[str, bool]]:
    """Split Markdown into raw blocks: (text, is_heading)."""
    blocks: list[tuple[str, bool]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append((" ".join(paragraph), False))
            paragraph.clear()

    for line in source.splitlines():
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if not stripped or _HRULE.match(stripped) or _TABLE_RULE.match(stripped) or _LINK_DEF.match(stripped):
            flush()
        elif heading:
            flush()
            blocks.append((heading.group(1), True))
        elif _SETEXT_RULE.match(stripped) and paragraph:
            blocks.append((" ".join(paragraph), True))
            paragraph.clear()
        elif _TABLE_ROW.match(line):
            flush()
            cells = (cell.strip() for cell in stripped.strip("|").split("|"))
            blocks.append(("; ".join(cell for cell in cells if cell), False))
        elif _LIST_MARKER.match(line):
            flush()
            paragraph.append(_LIST_MARKER.sub("", line, count=1).strip())
        else:
            paragraph.append(_QUOTE_MARKER.sub("", stripped))
    flush()
    return blocks


def _clean_block(text: str) -> str:
    # An image caption left as "caption text|alt=...]]" ends at the last "]]": the prose follows it.
    if _CAPTION_END in text:
        text = text[text.rindex(_CAPTION_END) + len(_CAPTION_END) :]
    if len(_INFOBOX_FIELD.findall(text)) >= 2:
        return ""
    # Wikipedia category links ("Category:Military alliances ...") close an article: navigation, not prose.
    if _CATEGORY in text:
        text = text[: text.index(_CATEGORY)]
    return _inline(text)


def markdown_to_text(source: str) -> tuple[str, str]:
    """Return (title, text). The title is a heading that opens the document, or ''."""
    source = _FRONT_MATTER.sub("", source.replace("\r\n", "\n"))
    source = _FENCE.sub("", source)
    title = ""
    kept: list[str] = []
    for raw, is_heading in _markdown_blocks(source):
        if _NOTE.match(raw):
            continue
        text = _clean_block(raw)
        if not text or not any(ch.isalnum() for ch in text):
            continue
        if is_heading and not kept:
            title = text
        kept.append(text)
    return title, "\n\n".join(kept)


_SKIP_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "aside", "form", "svg", "head"}
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "br", "li", "ul", "ol", "table", "tr", "td", "th",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption", "dd", "dt", "hr",
    }
)  # fmt: skip
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"})


class _TextCollector(HTMLParser):
    """Collects visible text in blocks; text inside <main>/<article> is also collected apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.main_depth = 0
        self.in_title = False
        self.in_h1 = False
        self.title = ""
        self.h1 = ""
        self.blocks: list[str] = []
        self.main_blocks: list[str] = []
        self.current: list[str] = []
        self.current_in_main = False

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
            if self.current_in_main:
                self.main_blocks.append(text)
        self.current = []
        self.current_in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _VOID_TAGS:
            if tag in _BLOCK_TAGS:
                self._flush()
            return
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in ("main", "article"):
            self._flush()
            self.main_depth += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
        if tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in ("main", "article"):
            self._flush()
            self.main_depth = max(0, self.main_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1 += data
        if self.main_depth:
            self.current_in_main = True
        self.current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_text(source: str) -> tuple[str, str]:
    """Return (title, main text). When the page marks a <main> or <article>, only that is kept."""
    collector = _TextCollector()
    collector.feed(source)
    collector.close()
    blocks = collector.main_blocks or collector.blocks
    title = " ".join(collector.title.split()) or " ".join(collector.h1.split())
    return title, "\n\n".join(blocks)
