"""Readable main text and title of an HTML page, with the standard library's parser: the one HTML reader.

Scripts, styles, navigation, headers, footers, asides, forms and figure captions are dropped,
and so is anything marked hidden or whose class or id names page furniture (share bars,
adverts, newsletters, related links). When the page has a ``<main>`` or ``<article>``
element, only text inside it is kept. Block elements become paragraphs separated by a blank
line; whitespace inside a paragraph is collapsed (``<pre>`` keeps its lines). The title is the
page's ``<title>``, else its first ``<h1>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SKIP = _words(
    """
    script style nav header footer aside noscript template svg math form iframe object embed canvas
    button select textarea head title figcaption dialog menu
    """
)
_BLOCK = _words(
    """
    p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table thead tbody
    tfoot tr td th figure hr address details summary center body html caption
    """
)
_VOID = _words(
    """
    area base br col embed hr img input link meta param source track wbr
    """
)
_SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"})
_FURNITURE = re.compile(
    r"(?:^|[-_\s])(?:advert\w*|ads?|share|sharing|social|cookie\w*|newsletter|related|promo\w*|sidebar|"
    r"comments?|breadcrumbs?|subscribe|subscription|paywall|outbrain|taboola|sponsored)(?:$|[-_\s])",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, inside main/article)
        self._parts: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipping, main)
        self._pre = 0
        self.title: list[str] = []
        self.h1: list[str] = []
        self._h1 = 0  # 1 inside the first <h1>, 2 after it

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    @property
    def _main(self) -> bool:
        return bool(self._stack) and self._stack[-1][2]

    def _flush(self) -> None:
        text = "".join(self._parts)
        self._parts = []
        if self._pre:
            text = "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))
        else:
            text = _SPACE.sub(" ", text).strip()
        if text.strip():
            self.blocks.append((text, self._main))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br" and not self._skipping:
                self._parts.append("\n" if self._pre else " ")
            if tag in ("hr", "img") and not self._skipping:
                self._flush()
            return
        values = {k: (v or "") for k, v in attrs}
        skip = (
            self._skipping
            or tag in _SKIP
            or "hidden" in values
            or values.get("aria-hidden", "").lower() == "true"
            or values.get("role", "").lower() in _SKIP_ROLES
            or bool(_FURNITURE.search(values.get("class", "")))
            or bool(_FURNITURE.search(values.get("id", "")))
        )
        if tag in _BLOCK and not self._skipping:
            self._flush()
        if tag == "pre":
            self._pre += 1
        if tag == "h1" and self._h1 == 0 and not skip:
            self._h1 = 1
        self._stack.append((tag, skip, self._main or tag in ("main", "article")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(t == tag for t, _, _ in self._stack):
            return
        # close unclosed children too (HTML in the wild omits </p>, </li>)
        while self._stack:
            open_tag, skip, _ = self._stack[-1]
            if open_tag in _BLOCK and not skip:
                self._flush()
            self._stack.pop()
            if open_tag == "pre":
                self._pre = max(0, self._pre - 1)
            if open_tag == "h1" and self._h1 == 1:
                self._h1 = 2
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1][0] == "title":
            self.title.append(data)
        if not self._skipping:
            self._parts.append(data)
            if self._h1 == 1:
                self.h1.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_text(html: str) -> tuple[str, str]:
    """(title, readable main text) of ``html`` (see the module docstring); "" for either that is missing."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    main = [text for text, in_main in parser.blocks if in_main]
    blocks = main or [text for text, _ in parser.blocks]
    title = " ".join("".join(parser.title).split()) or " ".join("".join(parser.h1).split())
    return title, "\n\n".join(blocks)
