"""claims/RULES.md is the catalogue of the claim rules: each example there is run here, claim for claim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claims import ClaimExtractor, ClaimKind

RULES = Path(__file__).resolve().parents[2] / "claims" / "RULES.md"
# a rule's section runs to the next heading; each of its example blocks is a test (a rule tested elsewhere has none)
_SECTION = re.compile(r"^## (?P<name>.+?)\n(?P<section>(?:(?!^## ).)*)", re.S | re.M)
_BLOCK = re.compile(r"^```claims\n(?P<body>.*?)```", re.S | re.M)


def examples() -> list[tuple[str, str, list[str]]]:
    found = []
    for section in _SECTION.finditer(RULES.read_text(encoding="utf-8")):
        for k, match in enumerate(_BLOCK.finditer(section["section"])):
            lines = match["body"].rstrip("\n").split("\n")
            text = "\n".join(line for line in lines if not line.startswith("→ "))
            expected = [line[2:] for line in lines if line.startswith("→ ")]
            name = section["name"] + (f" ({k + 1})" if k else "")
            found.append((name, text, [] if expected == ["(none)"] else expected))
    return found


def shown(extractor: ClaimExtractor, text: str) -> list[str]:
    rendered = []
    for claim in extractor.extract(text):
        if claim.kind is ClaimKind.QUOTE:
            speaker = f"[{claim.attributed_to}] " if claim.attributed_to else ""
            rendered.append(f"(quote) {speaker}{claim.text}")
        elif claim.attributed_to:
            rendered.append(f"[{claim.attributed_to}] {claim.text}")
        else:
            rendered.append(claim.text)
    return rendered


def test_the_catalogue_lists_every_rule_with_an_example() -> None:
    names = [name for name, _, _ in examples()]
    assert len(names) >= 30 and len(set(names)) == len(names)
    assert all(text.strip() for _, text, _ in examples())


@pytest.mark.parametrize(("name", "text", "expected"), examples(), ids=[e[0] for e in examples()])
def test_rule_example(extractor: ClaimExtractor, name: str, text: str, expected: list[str]) -> None:
    assert shown(extractor, text) == expected, name
