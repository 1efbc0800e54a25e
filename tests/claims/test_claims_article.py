"""read_article: formats, HTML main text, and one typed error per way a file can be unusable."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from claims import (
    ArticleEncodingError,
    ArticleError,
    ArticleNotFound,
    ArticleTooLarge,
    BinaryArticle,
    ClaimsError,
    EmptyArticle,
    read_article,
)

TEXT = "NATO was founded in 1949.\n\nIt has 32 members.\n"


def _one_line(error: Exception) -> str:
    message = str(error)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.txt", "text"), ("a.text", "text"), ("a", "text"), ("a.md", "markdown"), ("a.MARKDOWN", "markdown")],
)
def test_text_and_markdown_keep_the_file_as_decoded(tmp_path: Path, name: str, fmt: str) -> None:
    path = tmp_path / name
    path.write_text(TEXT, encoding="utf-8")
    article = read_article(path)
    assert (article.text, article.format, article.path) == (TEXT, fmt, str(path))


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + TEXT.encode())
    assert read_article(path).text == TEXT


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArticleNotFound) as info:
        read_article(tmp_path / "nope.txt")
    assert "nope.txt" in _one_line(info.value)
    assert isinstance(info.value, ArticleError) and isinstance(info.value, ClaimsError)


def test_directory_is_not_an_article(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="is a folder"):
        read_article(tmp_path)


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  "])
def test_empty_or_blank(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(content)
    with pytest.raises(EmptyArticle) as info:
        read_article(path)
    assert "empty" in _one_line(info.value)


def test_html_without_main_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><head><script>var x = 1;</script></head><body><nav>Home</nav></body></html>")
    with pytest.raises(EmptyArticle):
        read_article(path)


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"GIF89a\x00\x01\x02")
    with pytest.raises(BinaryArticle) as info:
        read_article(path)
    assert info.value.offset == 6
    assert "offset 6" in _one_line(info.value)


def test_utf16_with_a_byte_order_mark_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(TEXT.encode("utf-16"))
    assert read_article(path).text == TEXT


def test_invalid_utf8_names_the_byte_offset_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café au lait.".encode("latin-1"))
    with pytest.raises(ArticleEncodingError) as info:
        read_article(path)
    message = _one_line(info.value)
    assert info.value.offset == 3
    assert "byte offset 3" in message and "UTF-8" in message


def test_invalid_utf8_offset_counts_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom-latin1.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"ab\xff")
    with pytest.raises(ArticleEncodingError) as info:
        read_article(path)
    assert info.value.offset == 5


def test_too_large_says_size_limit_and_to_split(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)
    with pytest.raises(ArticleTooLarge) as info:
        read_article(path, max_bytes=50)
    message = _one_line(info.value)
    assert (info.value.size, info.value.limit) == (500, 50)
    assert "500" in message and "50 bytes" in message and "split" in message


def test_exactly_at_the_limit_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    path.write_text("x" * 50)
    assert read_article(path, max_bytes=50).text == "x" * 50


PAGE = """<!doctype html>
<html><head><title>Site title</title><style>p { color: red }</style>
<script>document.write("tracking pixel");</script></head>
<body>
<header><a href="/">Home</a> | <a href="/world">World</a></header>
<nav><ul><li>Politics</li><li>Sport</li></ul></nav>
<h1>NATO expels eight</h1>
<p>NATO expelled eight   members of the
Russian mission on <b>October 6</b>.</p>
<div class="share-bar">Share this on Twitter</div>
<p>Russia said it would respond.<script>alert(1)</script></p>
<figure><img src="a.jpg"><figcaption>Lavrov in Moscow. AP</figcaption></figure>
<aside>Related: other news</aside>
<ul><li>The mission opened in 2002.</li><li>It closed in 2021.</li></ul>
<footer>© 2021 Example News</footer>
</body></html>"""


def test_html_keeps_readable_text_and_drops_furniture(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(PAGE)
    article = read_article(path)
    assert article.format == "html"
    assert article.text == (
        "NATO expels eight\n\n"
        "NATO expelled eight members of the Russian mission on October 6.\n\n"
        "Russia said it would respond.\n\n"
        "The mission opened in 2002.\n\n"
        "It closed in 2021.\n"
    )
    for junk in ("tracking", "alert", "Politics", "Share this", "Related", "©", "color", "Site title", "AP"):
        assert junk not in article.text
