"""Reading an article file: size, binary and encoding checks, format by suffix, HTML to text."""

from __future__ import annotations

import codecs
import pathlib

from claims.errors import (
    ArticleEncodingError,
    ArticleError,
    ArticleNotFound,
    ArticleTooLarge,
    BinaryArticle,
    EmptyArticle,
)
from claims.html import html_to_text
from claims.types import Article

FORMATS = {
    "": "text",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

# Bytes that never occur in text: C0 controls other than tab, newlines, form feed and escape.
_CONTROL = frozenset(range(0x00, 0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}


def article_format(path: pathlib.Path) -> str:
    """ "text", "markdown" or "html" from the file's suffix; unknown suffixes read as text."""
    return FORMATS.get(path.suffix.lower(), "text")


def _decode(path: str, data: bytes) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BinaryArticle(path, nul)
    sample = data[:65536]
    controls = sum(1 for b in sample if b in _CONTROL)
    if sample and controls / len(sample) > 0.01:
        first = next(i for i, b in enumerate(sample) if b in _CONTROL)
        raise BinaryArticle(path, first, sample[first])
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleEncodingError(path, exc.start + skip, exc.reason) from None


def read_article(path: pathlib.Path, *, max_bytes: int = 5_000_000) -> Article:
    """Read ``path`` as an article; raises an ``ArticleError`` subclass when it cannot be used.

    Text and Markdown keep the decoded file as it is (a UTF-8 BOM is dropped), so claims'
    offsets point into the file; HTML is reduced to its readable main text.
    """
    path = pathlib.Path(path)
    name = str(path)
    if not path.is_file():
        raise ArticleNotFound(name)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleTooLarge(name, size, max_bytes)
        with path.open("rb") as handle:
            # read one byte over the limit: the file may have grown since stat()
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ArticleError(name, f"cannot read article {name}: {exc.strerror}: check its permissions") from None
    if len(data) > max_bytes:
        raise ArticleTooLarge(name, len(data), max_bytes)
    text = _decode(name, data)
    fmt = article_format(path)
    if fmt == "html":
        text = html_to_text(text)
    if not text.strip():
        raise EmptyArticle(name)
    return Article(path=name, text=text, format=fmt)
