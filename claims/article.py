"""Reading an article file: size, binary and encoding checks, format by suffix, HTML to text."""

from __future__ import annotations

import pathlib

from claims.errors import (
    ArticleEncodingError,
    ArticleError,
    ArticleIsFolder,
    ArticleNotFound,
    ArticleTooLarge,
    BinaryArticle,
    EmptyArticle,
)
from claims.types import Article
from documents import BadEncoding, NotText, decode
from documents.html import html_to_text

FORMATS = {
    "": "text",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def article_format(path: pathlib.Path) -> str:
    """ "text", "markdown" or "html" from the file's suffix; unknown suffixes read as text."""
    return FORMATS.get(path.suffix.lower(), "text")


def _decode(path: str, data: bytes) -> str:
    try:
        return decode(data, max_control_share=0.01)
    except NotText as exc:
        raise BinaryArticle(path, exc.offset, exc.byte) from None
    except BadEncoding as exc:
        raise ArticleEncodingError(path, exc.offset, exc.reason, exc.encoding) from None


def read_article(path: pathlib.Path, *, max_bytes: int = 5_000_000) -> Article:
    """Read ``path`` as an article; raises an ``ArticleError`` subclass when it cannot be used.

    Text and Markdown keep the decoded file as it is (a byte-order mark is dropped), so claims'
    offsets point into the file; HTML is reduced to its readable main text.
    """
    path = pathlib.Path(path)
    name = str(path)
    if path.is_dir():
        raise ArticleIsFolder(name)
    if not path.exists():
        raise ArticleNotFound(name)
    if not path.is_file():
        raise ArticleError(name, f"{name} is not a regular file (a pipe, socket or device): give an article file")
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
        text = html_to_text(text)[1]
        text += "\n" if text else ""
    if not text.strip():
        raise EmptyArticle(name)
    return Article(path=name, text=text, format=fmt)
