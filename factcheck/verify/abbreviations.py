"""Abbreviations a text defines for itself: "caloric restriction (CR)".

Scientific and technical writing names a thing in full once and by its short form afterwards, and a
claim may use either: a check that looks for "CR" in a sentence that says "caloric restriction"
would call the name missing. The long form is found the way Schwartz and Hearst (2003) describe:
the short form's letters, in order, inside the words just before the parenthesis, its first letter
starting a word.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(r"\(\s*([^\W_][\w\-]{1,9})\s*\)")
_WORD = re.compile(r"\S+")


def definitions(text: str) -> dict[str, str]:
    """Short form -> long form and long form -> short form, both lowercased."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(text):
        short = match.group(1)
        if not any(ch.isupper() for ch in short) or short.isdigit():
            continue
        words = _WORD.findall(text[: match.start()])[-min(len(short) + 5, 2 * len(short)) :]
        long = _long_form(short, " ".join(words))
        if long:
            found.setdefault(short.lower(), long.lower())
            found.setdefault(long.lower(), short.lower())
    return found


def _long_form(short: str, before: str) -> str | None:
    s, i = len(short) - 1, len(before) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        # The short form's first letter must start a word of the long form.
        while i >= 0 and (before[i].lower() != c or (s == 0 and i > 0 and before[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = before.rfind(" ", 0, i + 1) + 1
    long = before[start:].strip(" ,;:")
    if len(long) <= len(short) or (" " not in long and "-" not in long):
        return None
    return long
