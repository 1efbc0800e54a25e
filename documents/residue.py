"""What a wiki-to-Markdown conversion leaves in its text, cleaned away for corpus documents.

Corpus text is read, not quoted, so it may be rewritten; an article's text is not (claims point
into it), and so these rules serve ``markdown_to_text`` only.
"""

from __future__ import annotations

import re
import unicodedata

_CAPTION_END = "]]"
_CATEGORY = "Category:"
_INFOBOX_FIELD = re.compile(r"\|\s*\w[\w ]{0,40}=")
# "(NATO ; ; )" and "( ; )": what is left of parentheses whose pronunciations were dropped.
_PAREN_LEAD = re.compile(r"\(\s*(?:[;,/]\s*)+")
_PAREN_TRAIL = re.compile(r"(?:\s*[;,/])+\s*\)")
_EMPTY_PARENS = re.compile(r"\s?\(\s*\)")
_SPACES = re.compile(r"[ \t\f\v]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?])")


def clean_paragraph(text: str) -> str:
    """``text`` without image-caption tails, infobox fields, category links and emptied parentheses."""
    # An image caption left as "caption text|alt=...]]" ends at the last "]]": the prose follows it.
    if _CAPTION_END in text:
        text = text[text.rindex(_CAPTION_END) + len(_CAPTION_END) :]
    if len(_INFOBOX_FIELD.findall(text)) >= 2:
        return ""
    # Category links ("Category:Military alliances ...") close an article: navigation, not prose.
    if _CATEGORY in text:
        text = text[: text.index(_CATEGORY)]
    text = _PAREN_LEAD.sub("(", text)
    text = _PAREN_TRAIL.sub(")", text)
    text = _EMPTY_PARENS.sub("", text)
    text = _SPACES.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def keep_wide_spaces(raw: str, text: str, offsets: tuple[int, ...]) -> str:
    """``text`` with each space that stands for a non-breaking or other wide space in ``raw`` put back.

    Units fold every space to " " for the sentence splitter; a reader's text keeps "38.5\xa0million" whole.
    """
    return "".join(
        raw[offset] if ch == " " and raw[offset] != " " and unicodedata.category(raw[offset]) == "Zs" else ch
        for ch, offset in zip(text, offsets, strict=True)
    )
