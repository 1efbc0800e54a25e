"""Text clean-up shared by the dataset readers: FEVER detokenisation, wiki markup, claim keys."""

from __future__ import annotations

import re

_FEVER_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
_FEVER_TOKEN = re.compile("|".join(re.escape(token) for token in _FEVER_BRACKETS))
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'d\b|'ll\b|'m\b)")
_SPACE_AFTER = re.compile(r"([(\[{$])\s+")
_WIKI_LINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_HTML_TAG = re.compile(r"<[^>]+>")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def detokenize(text: str) -> str:
    """Turn FEVER's tokenised text (``-LRB-``, spaces before punctuation) back into plain prose.

    Users' evidence is ordinary text, so the model trains and is evaluated on ordinary text.
    """
    text = _FEVER_TOKEN.sub(lambda m: _FEVER_BRACKETS[m.group(0)], text)
    text = text.replace("`` ", '"').replace(" ''", '"').replace("``", '"').replace("''", '"')
    text = text.replace(" -- ", " – ")
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    return " ".join(text.split())


def strip_markup(text: str) -> str:
    """Drop ``[[target|text]]`` links (keeping the text), ``[[Title]]`` markers and HTML tags."""
    text = _HTML_TAG.sub("", text)
    return " ".join(_WIKI_LINK.sub(r"\1", text).split())


def claim_key(text: str) -> str:
    """A spelling-insensitive key, so one claim written two ways is recognised as the same claim."""
    return _NON_WORD.sub(" ", detokenize(text).lower()).strip()
