"""Claims given directly, one JSON object per line, instead of extracted from an article.

Each line is ``{"claim": "...", "id": ...}`` (``text`` is accepted for ``claim``; ``id`` is optional
and kept as the claim id). The claim's span is its whole line in the file, so reports point at it.
"""

from __future__ import annotations

import json
import pathlib

from claims.article import read_article
from claims.errors import ArticleError
from claims.extractor import claim_id
from claims.types import Claim, ClaimKind


class ClaimsFileError(ArticleError):
    """A claims file line is not a JSON object with a claim."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        super().__init__(path, f'{path}:{line}: {problem}; each line must be a JSON object like {{"claim": "..."}}')
        self.line = line


def read_claims_file(path: pathlib.Path, *, max_bytes: int = 50_000_000) -> tuple[str, tuple[Claim, ...]]:
    """The file's text and its claims, in file order; blank lines are skipped."""
    article = read_article(path, max_bytes=max_bytes)
    text = article.text
    claims: list[Claim] = []
    seen: set[str] = set()
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        start, line = offset, raw.rstrip("\r\n")
        offset += len(raw)
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ClaimsFileError(article.path, number, f"not JSON ({exc.msg})") from None
        except RecursionError:
            raise ClaimsFileError(article.path, number, "JSON nested too deeply") from None
        if not isinstance(record, dict):
            raise ClaimsFileError(article.path, number, "not a JSON object")
        statement = record.get("claim", record.get("text"))
        if not isinstance(statement, str) or not statement.strip():
            raise ClaimsFileError(article.path, number, "no non-empty 'claim' string")
        given = record.get("id")
        cid = str(given) if given is not None else claim_id(article.path, start, start + len(line), statement)
        if cid in seen:
            raise ClaimsFileError(article.path, number, f"duplicate id {cid!r}")
        seen.add(cid)
        claims.append(
            Claim(cid, statement.strip(), line, article.path, start, start + len(line), number, 1, ClaimKind.FACT)
        )
    return text, tuple(claims)
