"""The one rule for putting a document's title before a sentence that may name its subject only there.

The title goes in front unless it is empty or the text already holds it. Two models read titled sentences, and each
was fitted on its own form, so the rule has one variant per reader, declared here and nowhere else:

- ``VERIFIER`` ("Title: sentence", title found in the text case-blind): what factcheck's cross-encoder was trained
  and calibrated on, at run time and in its training pairs.
- ``EMBEDDER`` ("Title. sentence", title and text compared without case, outer " .#*" and repeated spaces): what
  the embedder reads to pick each passage's best sentence. Its similarity is a feature of the verifiers' fitted
  combiners, so moving it to the verifier's form would change every sentence score and confidence of a report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


def plain(text: str) -> str:
    """Lower case, outer spaces, dots and Markdown marks dropped, inner runs of spaces made one."""
    return " ".join(text.lower().strip(" .#*").split())


class TitleForm(NamedTuple):
    joiner: str
    key: Callable[[str], str]  # how title and text are compared to decide whether the text already holds the title
    strip: bool  # whether the title loses its outer spaces in front of the text


VERIFIER = TitleForm(": ", lambda text: text.strip().lower(), strip=True)
EMBEDDER = TitleForm(". ", plain, strip=False)


def behind_title(title: str, text: str, form: TitleForm = VERIFIER) -> str:
    """``text`` behind ``title`` in ``form``, or ``text`` alone when there is no title or the text already holds it."""
    if not title.strip() or form.key(title) in form.key(text):
        return text
    return f"{title.strip() if form.strip else title}{form.joiner}{text}"
