"""Bytes to text: a byte-order mark picks UTF-8, UTF-16 or UTF-32; without one the bytes must be UTF-8
(or the caller's fallback, such as an HTML page's declared charset).

A file is refused as not text when it holds NUL characters, or, if the caller asks, too many other
control characters. Offsets in the errors are byte offsets into the file as given.
"""

from __future__ import annotations

import codecs

# UTF-32-LE's mark begins with UTF-16-LE's, so the longer marks are tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Characters that never occur in text: C0 controls other than tab, line breaks, form feed and escape.
_CONTROL = frozenset(range(0x00, 0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
_SAMPLE = 65536


class NotText(ValueError):
    """The data is binary: ``offset`` is where the first offending byte (``byte``) is."""

    def __init__(self, offset: int, byte: int = 0) -> None:
        super().__init__(f"{'NUL byte' if byte == 0 else f'control byte 0x{byte:02x}'} at byte offset {offset}")
        self.offset = offset
        self.byte = byte


class BadEncoding(ValueError):
    """The data is not valid in ``encoding``; ``offset`` is the first bad byte's offset in the data."""

    def __init__(self, encoding: str, offset: int, byte: int | None, reason: str) -> None:
        super().__init__(f"not valid {encoding}: {reason} at byte offset {offset}")
        self.encoding = encoding
        self.offset = offset
        self.byte = byte
        self.reason = reason


def bom_encoding(data: bytes) -> tuple[str, int]:
    """(encoding, length of its mark) named by ``data``'s byte-order mark, or ("", 0) without one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return "", 0


def decode(data: bytes, *, fallback: str | None = None, max_control_share: float | None = None) -> str:
    """The text of ``data`` without its byte-order mark; raises NotText or BadEncoding.

    ``max_control_share`` refuses data whose first 64 KiB hold more than that share of control bytes.
    """
    encoding, skip = bom_encoding(data)
    if encoding in ("", "utf-8"):
        _check_bytes(data, max_control_share)
        try:
            return data[skip:].decode("utf-8")
        except UnicodeDecodeError as exc:
            if fallback:
                try:
                    return data.decode(fallback)
                except (UnicodeDecodeError, LookupError):
                    pass
            raise BadEncoding("UTF-8", exc.start + skip, data[exc.start + skip], exc.reason) from None
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        name = encoding.upper().replace("-LE", "").replace("-BE", "")
        raise BadEncoding(name, exc.start + skip, None, exc.reason) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise NotText(skip + len(text[:nul].encode(encoding)))
    return text


def _check_bytes(data: bytes, max_control_share: float | None) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotText(nul)
    if max_control_share is None:
        return
    sample = data[:_SAMPLE]
    controls = sum(1 for b in sample if b in _CONTROL)
    if sample and controls / len(sample) > max_control_share:
        first = next(i for i, b in enumerate(sample) if b in _CONTROL)
        raise NotText(first, sample[first])
