"""Readers for the public datasets (FEVER, SciFact, ...): each returns plain ``Pair`` records.

Every reader reads one folder of the public datasets, documented in that folder's README.txt; nothing is copied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from factcheck.training.errors import DataFormatError
from factcheck.training.text import claim_key, detokenize, strip_markup
from factcheck.training.types import LABEL_SYNONYMS, NEI, Pair

_TITLE_MARKER = re.compile(r"\[\[([^\]|]+)\]\]")
SYMMETRIC_FILES: tuple[str, ...] = (
    "symmetric_v0.1/fever_symmetric_generated.jsonl",
    "symmetric_v0.1/fever_symmetric_full.jsonl",
    "symmetric_v0.2/fever_symmetric_dev.jsonl",
    "symmetric_v0.2/fever_symmetric_test.jsonl",
)
SUFFICIENT_FACTS_SUBSETS: tuple[str, ...] = ("fever", "hover", "vitaminc")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise DataFormatError(
            f"{path} does not exist: point --data at the public datasets folder"
        )
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataFormatError(
                    f"{path}:{number} is not valid JSON ({exc.msg}): fix or remove the line"
                ) from exc
            if not isinstance(row, dict):
                raise DataFormatError(f"{path}:{number} is not a JSON object: each line must be one record")
            yield row


def label_of(raw: object, where: str) -> str:
    label = LABEL_SYNONYMS.get(str(raw).strip().upper())
    if label is None:
        names = ", ".join(sorted(LABEL_SYNONYMS))
        raise DataFormatError(f"{where}: unknown label {raw!r}; use one of {names}")
    return label


def field(row: dict[str, Any], name: str, where: str) -> Any:
    if name not in row:
        raise DataFormatError(f"{where}: missing field {name!r}; each record needs it")
    return row[name]


def read_fever_dev(data_dir: Path) -> tuple[Pair, ...]:
    """FEVER dev claims with their gold evidence text (SUPPORTS / REFUTES only)."""
    path = data_dir / "fever_dev_nli" / "fever_dev_pairs.jsonl"
    return tuple(
        Pair(
            detokenize(field(row, "claim", str(path))),
            detokenize(field(row, "evidence", str(path))),
            label_of(field(row, "label", str(path)), str(path)),
            "fever_dev",
        )
        for row in read_jsonl(path)
    )


def read_fm2(data_dir: Path) -> tuple[tuple[Pair, ...], dict[str, tuple[str, ...]]]:
    """FM2 gold pairs, and per claim the retrieved sentences that are not gold (distractors)."""
    pairs: list[Pair] = []
    distractors: dict[str, tuple[str, ...]] = {}
    for split in ("dev", "test"):
        path = data_dir / "fm2" / f"{split}.jsonl"
        for row in read_jsonl(path):
            claim = field(row, "text", str(path))
            gold = tuple(item["text"] for item in field(row, "gold_evidence", str(path)))
            if not gold:
                continue
            pairs.append(
                Pair(claim, " ".join(gold), label_of(field(row, "label", str(path)), str(path)), "fm2")
            )
            others = tuple(
                item["text"] for item in row.get("retrieved_evidence", ()) if item["text"] not in set(gold)
            )
            distractors[claim] = others
    return tuple(pairs), distractors


def read_feverous(data_dir: Path) -> tuple[Pair, ...]:
    """FEVEROUS-S dev: claims with sentence evidence written as "Title<TAB>sentence" lines."""
    path = data_dir / "feverous_s_programfc" / "dev.json"
    if not path.is_file():
        raise DataFormatError(
            f"{path} does not exist: point --data at the public datasets folder"
        )
    rows = json.loads(path.read_text(encoding="utf-8"))
    pairs = []
    for row in rows:
        lines = [line.split("\t", 1) for line in str(field(row, "evidence", str(path))).splitlines() if line]
        evidence = " ".join(titled(parts[0], parts[-1]) for parts in lines)
        pairs.append(Pair(row["claim"], evidence, label_of(row["label"], str(path)), "feverous_s"))
    return tuple(pairs)


def titled(title: str, sentence: str) -> str:
    """Evidence sentences lean on their page title for the subject, so the title goes in front."""
    title, sentence = strip_markup(detokenize(title)), strip_markup(detokenize(sentence))
    return sentence if not title or title == sentence else f"{title}: {sentence}"


def read_sufficient_facts(data_dir: Path) -> tuple[Pair, ...]:
    """Each row gives the original pair (its FEVER/HoVer/VitaminC label) and the pair with part of the
    evidence removed: NOT ENOUGH INFO when annotators judged it so, else still the original label."""
    pairs: dict[tuple[str, str], Pair] = {}
    for subset in SUFFICIENT_FACTS_SUBSETS:
        path = data_dir / "sufficient_facts" / f"{subset}_sufficient_facts.jsonl"
        source = f"sufficient_facts/{subset}"
        for row in read_jsonl(path):
            claim = detokenize(field(row, "claim", str(path)))
            before = label_of(field(row, "label_before", str(path)), str(path))
            original = " ".join(titled(title, text) for title, text in _marked_segments(row["text_orig"]))
            reduced = " ".join(titled(title, text) for title, text in field(row, "evidence", str(path)))
            after = NEI if str(row["label_after"]).startswith("NOT ENOUGH") else before
            for pair in (Pair(claim, original, before, source), Pair(claim, reduced, after, source)):
                if pair.evidence:
                    pairs.setdefault((pair.claim, pair.evidence), pair)
    return tuple(pairs.values())


def _marked_segments(text: str) -> list[tuple[str, str]]:
    """Split "[[Title]] text [[Title]] text" into (title, text) segments."""
    parts = _TITLE_MARKER.split(text)
    segments = [("", parts[0])] if parts[0].strip() else []
    segments += [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    return [(title, body) for title, body in segments if strip_markup(body)]


def read_fever_symmetric(data_dir: Path) -> dict[str, tuple[Pair, ...]]:
    """FEVER Symmetric pairs per file (v0.1 uses evidence_sentence, v0.2 evidence)."""
    result = {}
    for name in SYMMETRIC_FILES:
        path = data_dir / "fever_symmetric" / name
        pairs = []
        for row in read_jsonl(path):
            evidence = row.get("evidence_sentence", row.get("evidence"))
            if evidence is None:
                raise DataFormatError(f"{path}: a record has neither evidence_sentence nor evidence")
            label = label_of(row.get("label", row.get("gold_label")), str(path))
            pairs.append(
                Pair(detokenize(row["claim"]), detokenize(evidence), label, f"fever_symmetric/{name}")
            )
        result[name] = tuple(pairs)
    return result


def forbidden_claim_keys(data_dir: Path) -> frozenset[str]:
    """Claims that must never be trained on: SciFact dev and every FEVER Symmetric file.

    FEVER Symmetric was built from FEVER dev claims, so without this the FEVER dev pairs would leak it.
    """
    keys = {claim_key(row["claim"]) for row in read_jsonl(data_dir / "scifact" / "claims_dev.jsonl")}
    for pairs in read_fever_symmetric(data_dir).values():
        keys.update(claim_key(pair.claim) for pair in pairs)
    return frozenset(keys)


def read_user_pairs(path: Path) -> tuple[Pair, ...]:
    """A user's ``.jsonl`` with one {"claim", "evidence", "label"} object per line."""
    pairs = []
    for number, row in enumerate(read_jsonl(path), start=1):
        where = f"{path}:{number}"
        claim, evidence = str(field(row, "claim", where)).strip(), str(field(row, "evidence", where)).strip()
        if not claim or not evidence:
            raise DataFormatError(f"{where}: claim and evidence must be non-empty text")
        pairs.append(Pair(claim, evidence, label_of(field(row, "label", where), where), "user"))
    if not pairs:
        raise DataFormatError(f"{path} holds no records: add {{'claim', 'evidence', 'label'}} lines")
    return tuple(pairs)
