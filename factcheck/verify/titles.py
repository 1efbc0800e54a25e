"""How the cross-encoder reads evidence: behind its document's title, because a sentence often names its
subject only there. One rule for the verifier at run time and for the training pairs that teach it."""

from __future__ import annotations


def behind_title(title: str, text: str) -> str:
    """``text`` behind ``title``, or ``text`` alone when there is no title or the text already holds it."""
    title = title.strip()
    if not title or title.lower() in text.lower():
        return text
    return f"{title}: {text}"
