"""Generated input (hypothesis, derandomized so every run tries the same cases): whatever the bytes,
readers and settings either work or raise the typed error the CLI turns into one line and exit 2."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import ClaimsError, read_article, read_claims_file
from documents import html_to_text, markdown_to_text, parse_markup
from evidence import read_corpus
from factcheck.config import load_settings, valid_keys
from factcheck.errors import ConfigError

pytestmark = pytest.mark.reliability

FIXED = settings(derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
MARKUP = st.sampled_from(
    ["<p>", "</p>", "<div>", "<script>", "</script>", "<!--", "-->", "<a href='x'>", "**", "_", "#", "\n", "\n\n",
     "[", "](", ")", "`", "```", "> ", "- ", "1. ", "|", "&amp;", "&#0;", "\x00", "\ufeff", "\u2028", " ", "."]
)  # fmt: skip
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=20)), max_size=40).map("".join)
RAW = st.one_of(st.binary(max_size=400), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))


@FIXED
@given(data=RAW, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_any_article_bytes_give_claims_or_an_article_error(extractor, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_bytes(data)
        try:
            article = read_article(path)
        except ClaimsError as exc:
            assert "\n" not in str(exc)
            return
        for claim in extractor.extract(article.text):
            assert article.text[claim.start : claim.end] == claim.source_text


@FIXED
@given(lines=st.lists(st.one_of(TEXT, st.binary(max_size=60).map(lambda b: b.decode("latin-1"))), max_size=8))
def test_any_claims_file_gives_claims_or_one_error(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        try:
            _, claims = read_claims_file(path)
        except ClaimsError as exc:
            assert "\n" not in str(exc)
            return
        assert all(claim.text.strip() for claim in claims)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "text", "title"]), inner),
    max_leaves=8,
)


@FIXED
@given(records=st.lists(st.one_of(JSON_VALUE.map(json.dumps), TEXT), max_size=6), suffix=st.sampled_from(
    [".jsonl", ".md", ".html", ".txt", ".pdf"]))  # fmt: skip
def test_any_corpus_file_is_read_or_skipped_with_a_reason(records: list[str], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / f"doc{suffix}").write_text("\n".join(records), encoding="utf-8", errors="surrogatepass")
        result = read_corpus(Path(folder))
        assert len(result.documents) + len(result.failures) >= 1
        assert all(f.reason and "\n" not in f.reason for f in result.failures)
        assert all(d.text.strip() for d in result.documents)


@FIXED
@given(source=TEXT)
def test_markup_converters_never_fail(source: str) -> None:
    html_to_text(source)
    markdown_to_text(source)
    parse_markup(source)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


TOML_VALUE = st.recursive(
    st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.floats(allow_nan=False,
        allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
    max_leaves=4,
)  # fmt: skip


@FIXED
@given(values=st.dictionaries(st.sampled_from([*valid_keys(), "nonsense"]), TOML_VALUE, max_size=4))
def test_any_configuration_is_used_as_written_or_refused(values: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        text = "[tool.factcheck]\n" + "".join(f"{json.dumps(k)} = {_toml(v)}\n" for k, v in values.items())
        (Path(folder) / "pyproject.toml").write_text(text, encoding="utf-8")
        try:
            loaded = load_settings(cwd=Path(folder), env={})
        except ConfigError as exc:
            assert "\n" not in str(exc)
            return
        for key, value in values.items():
            assert getattr(loaded, key) == value, key
