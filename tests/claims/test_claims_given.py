from __future__ import annotations

from pathlib import Path

import pytest

from claims import ClaimsFileError, read_claims_file


def test_claims_file_gives_one_claim_per_line_with_its_span(tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text('{"id": 7, "claim": "Hubble was launched in 1990."}\n\n{"text": "Mars has two moons."}\n',
                    encoding="utf-8")
    text, claims = read_claims_file(path)
    assert [c.text for c in claims] == ["Hubble was launched in 1990.", "Mars has two moons."]
    assert claims[0].id == "7"
    assert [c.line for c in claims] == [1, 3]
    for c in claims:
        assert text[c.start : c.end] == c.source_text
        assert c.column == 1


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("not json\n", ":1: not JSON"), ('["a list"]\n', "not a JSON object"), ('{"claim": ""}\n', "non-empty"),
     ('{"id": 1, "claim": "a"}\n{"id": 1, "claim": "b"}\n', ":2: duplicate id")],
)
def test_bad_lines_name_the_line(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ClaimsFileError) as info:
        read_claims_file(path)
    assert fragment in str(info.value)
