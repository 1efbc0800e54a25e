"""documents.decode: one decoder for articles and corpus files."""

from __future__ import annotations

import codecs

import pytest

from documents import BadEncoding, NotText, bom_encoding, decode

TEXT = "Café au lait costs €3. 東京"


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_unicode_encoding_with_a_mark_comes_back_without_it(encoding: str) -> None:
    mark = "" if encoding.startswith("utf-8") else "\ufeff"
    data = (mark + TEXT).encode(encoding)
    assert bom_encoding(data)[0] == ("" if encoding == "utf-8" else encoding.replace("-sig", ""))
    assert decode(data) == TEXT


def test_utf32_le_is_not_mistaken_for_utf16() -> None:
    assert bom_encoding(codecs.BOM_UTF32_LE + "a".encode("utf-32-le")) == ("utf-32-le", 4)


def test_nul_bytes_without_a_mark_are_not_text() -> None:
    with pytest.raises(NotText) as info:
        decode(b"GIF89a\x00\x01")
    assert info.value.offset == 6


def test_a_nul_character_inside_utf16_is_not_text_and_its_offset_is_in_bytes() -> None:
    data = ("\ufeffab\x00c").encode("utf-16-le")
    with pytest.raises(NotText) as info:
        decode(data)
    assert info.value.offset == 6


def test_control_bytes_are_refused_only_when_asked() -> None:
    data = b"a\x01b\x02c" * 10
    assert decode(data) == data.decode()
    with pytest.raises(NotText) as info:
        decode(data, max_control_share=0.01)
    assert (info.value.offset, info.value.byte) == (1, 1)


def test_invalid_utf8_names_the_offset_counting_the_mark() -> None:
    with pytest.raises(BadEncoding) as info:
        decode(codecs.BOM_UTF8 + b"ab\xff")
    assert (info.value.encoding, info.value.offset, info.value.byte) == ("UTF-8", 5, 0xFF)


def test_a_declared_fallback_is_used_for_bytes_that_are_not_utf8() -> None:
    assert decode("Café".encode("latin-1"), fallback="latin-1") == "Café"
    with pytest.raises(BadEncoding):
        decode("Café".encode("latin-1"), fallback="no-such-codec")


def test_broken_utf16_is_a_bad_encoding() -> None:
    with pytest.raises(BadEncoding) as info:
        decode(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # a lone high surrogate
    assert info.value.encoding == "UTF-16"
