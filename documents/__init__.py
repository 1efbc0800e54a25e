"""documents: a file's bytes to text, shared by the claims and evidence rooms.

Decoding (``decode``), Markdown (``parse_markup`` keeps each character's offset in the file;
``markdown_to_text`` gives a title and plain text) and HTML (``html_to_text``). It depends on the
standard library only and imports neither room, so both may import it.
"""

from documents.decode import BadEncoding, NotText, bom_encoding, decode
from documents.html import html_to_text
from documents.markdown import Markup, Unit, markdown_to_text, parse_markup

__all__ = [
    "BadEncoding",
    "Markup",
    "NotText",
    "Unit",
    "bom_encoding",
    "decode",
    "html_to_text",
    "markdown_to_text",
    "parse_markup",
]
