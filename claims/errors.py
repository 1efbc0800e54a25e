"""Errors raised by the claims room.

Every message is one line that says what happened and what to do about it; the CLI prints
``str(error)`` as it is.

    ClaimsError
    ├── ArticleError                 the article file cannot be used
    │   ├── ArticleNotFound          no file at that path
    │   ├── ArticleIsFolder          a folder, not a file
    │   ├── EmptyArticle             empty, or whitespace only
    │   ├── BinaryArticle            NUL bytes: not a text file
    │   ├── ArticleEncodingError     not valid UTF-8 (or the UTF-16/32 its byte-order mark names)
    │   └── ArticleTooLarge          over the size limit
    └── ModelNotFound                the spaCy pipeline is not installed
"""

from __future__ import annotations


class ClaimsError(Exception):
    """Base class of every error the claims room raises."""


class ArticleError(ClaimsError):
    """The article file cannot be read as an article."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


class ArticleNotFound(ArticleError):
    def __init__(self, path: str) -> None:
        super().__init__(path, f"article not found: {path}: check the path and the working directory")


class ArticleIsFolder(ArticleError):
    def __init__(self, path: str) -> None:
        super().__init__(path, f"article is a folder: {path}: give a file, or a quoted pattern such as '{path}/*.md'")


class EmptyArticle(ArticleError):
    def __init__(self, path: str) -> None:
        super().__init__(path, f"article is empty: {path} holds no text: give a file with the article's text")


class BinaryArticle(ArticleError):
    def __init__(self, path: str, offset: int, byte: int = 0) -> None:
        what = "a NUL byte" if byte == 0 else f"control byte 0x{byte:02x}"
        super().__init__(
            path,
            f"article is not a text file: {path} has {what} at byte offset {offset}: "
            "give a .txt, .md or .html file (convert PDFs and word-processor files to text first)",
        )
        self.offset = offset
        self.byte = byte


class ArticleEncodingError(ArticleError):
    def __init__(self, path: str, offset: int, reason: str, encoding: str = "UTF-8") -> None:
        super().__init__(
            path,
            f"article is not valid {encoding}: {path}: {reason} at byte offset {offset}: re-save the file as UTF-8",
        )
        self.offset = offset


class ArticleTooLarge(ArticleError):
    def __init__(self, path: str, size: int, limit: int) -> None:
        super().__init__(
            path,
            f"article too large: {path} is {size:,} bytes, over the limit of {limit:,} bytes: "
            "split it into smaller files and check them one by one",
        )
        self.size = size
        self.limit = limit


class ModelNotFound(ClaimsError):
    def __init__(self, model: str, package: str) -> None:
        super().__init__(
            f"spaCy pipeline {model!r} is not installed: install it with 'pip install {package}' "
            "(or run 'make install')"
        )
        self.model = model
        self.package = package
