"""Readers for every supported format, and the failures that must not stop a build."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from evidence import BadIgnoreFile, CorpusNotFound, corpus_fingerprint, read_corpus
from evidence.readers import is_ignored


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, written by hand (header, objects, xref table, trailer)."""
    text_ops = " ".join(f"({line}) Tj 0 -14 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text_ops} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_every_format_is_read_with_ids_titles_and_hashes(tmp_path: Path) -> None:
    write(tmp_path, "b/plain.txt", "Plain text.\r\nSecond line.\n")
    write(tmp_path, "a/page.md", "# Heading One\n\nSome **bold** and _italic_ text with a [link](http://x.y).\n")
    write(tmp_path, "c/page.html", "<html><head><title>T</title></head><body><p>Hello &amp; welcome.</p></body></html>")
    write(tmp_path, "d/doc.pdf", minimal_pdf(["Paper title line", "The PDF reader keeps this sentence."]))
    write(tmp_path, "e/data.jsonl", '{"id": "x1", "title": "First", "text": "Line one."}\n\n')
    write(tmp_path, "ignored.csv", "a,b\n1,2\n")
    write(tmp_path, ".hidden/secret.txt", "not read")
    result = read_corpus(tmp_path)
    assert result.failures == ()
    by_id = {doc.id: doc for doc in result.documents}
    expected = ["a/page.md", "b/plain.txt", "c/page.html", "d/doc.pdf", "e/data.jsonl#x1"]
    assert [doc.id for doc in result.documents] == expected
    assert by_id["a/page.md"].title == "Heading One"
    assert by_id["a/page.md"].text == "Heading One\n\nSome bold and italic text with a link."
    assert by_id["b/plain.txt"].text == "Plain text.\nSecond line."
    assert by_id["b/plain.txt"].title == "plain"
    assert by_id["c/page.html"].title == "T" and by_id["c/page.html"].text == "Hello & welcome."
    assert "The PDF reader keeps this sentence." in by_id["d/doc.pdf"].text
    jsonl = by_id["e/data.jsonl#x1"]
    assert (jsonl.title, jsonl.text, jsonl.path) == ("First", "Line one.", "e/data.jsonl")
    assert jsonl.sha256 == hashlib.sha256(b'{"id": "x1", "title": "First", "text": "Line one."}').hexdigest()
    assert by_id["b/plain.txt"].sha256 == hashlib.sha256((tmp_path / "b/plain.txt").read_bytes()).hexdigest()


def test_unreadable_files_become_one_line_failures(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", "Readable.")
    write(tmp_path, "binary.txt", bytes(range(256)) * 4)
    write(tmp_path, "latin1.md", "Caf\xe9 cr\xe8me".encode("latin-1"))
    write(tmp_path, "empty.txt", "  \n\n")
    write(tmp_path, "broken.pdf", b"%PDF-1.4\nthis is not really a pdf")
    write(tmp_path, "nolayer.pdf", minimal_pdf([]))
    write(tmp_path, "only_markup.md", "---\n\n***\n")
    result = read_corpus(tmp_path)
    assert [doc.id for doc in result.documents] == ["good.txt"]
    reasons = {failure.path: failure.reason for failure in result.failures}
    assert set(reasons) == {"binary.txt", "latin1.md", "empty.txt", "broken.pdf", "nolayer.pdf", "only_markup.md"}
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.md"] and "0xe9" in reasons["latin1.md"]
    assert "empty" in reasons["empty.txt"]
    assert "PDF" in reasons["broken.pdf"] and "text layer" in reasons["nolayer.pdf"]
    assert all("\n" not in reason and reason for reason in reasons.values())


def test_jsonl_tolerates_scifact_fields_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        {"doc_id": 4983, "title": "Brain", "abstract": ["First sentence.", "Second sentence."], "structured": False},
        {"_id": "m1", "title": "Beir style", "text": "Text here."},
        {"id": "same", "doc_id": "other", "text": "Two different ids."},
        {"id": "t", "text": "A", "abstract": ["B"]},
        {"title": "No id", "text": "Orphan."},
        {"id": "noText"},
        {"_id": "m1", "text": "Duplicate id."},
        ["not", "an", "object"],
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n{broken json\n"
    write(tmp_path, "c.jsonl", body)
    result = read_corpus(tmp_path)
    docs = {doc.id: doc for doc in result.documents}
    assert sorted(docs) == ["c.jsonl#4983", "c.jsonl#m1"]
    assert docs["c.jsonl#4983"].text == "First sentence. Second sentence."
    assert docs["c.jsonl#m1"].text == "Text here."
    reasons = {failure.path: failure.reason for failure in result.failures}
    assert sorted(reasons) == [f"c.jsonl:{n}" for n in range(3, 10)]
    assert "ambiguous id" in reasons["c.jsonl:3"] and "ambiguous text" in reasons["c.jsonl:4"]
    assert "no id" in reasons["c.jsonl:5"] and "no text" in reasons["c.jsonl:6"]
    assert "duplicate" in reasons["c.jsonl:7"] and "invalid JSON" in reasons["c.jsonl:9"]


@pytest.mark.data
def test_nato_demo_corpus_loses_its_reference_notes(public_data: Path) -> None:
    folder = public_data / "nato_russia_demo_corpus" / "wikipedia_2019"
    result = read_corpus(folder)
    assert len(result.documents) == 25 and result.failures == ()
    nato = next(doc for doc in result.documents if doc.id == "NATO.md")
    assert nato.title == "NATO"
    assert nato.text.startswith("The NORTH ATLANTIC TREATY ORGANIZATION (NATO), also called")
    assert "al-Ramahi" not in nato.text and "Levada-Center and Chicago" not in nato.text  # notes [63], [91]
    assert "[2]" not in nato.text and "|alt=" not in nato.text and "Category:" not in nato.text
    assert "NATO's Headquarters are located in Haren, Brussels, Belgium" in nato.text


def test_missing_corpus_folder_raises_corpus_not_found(tmp_path: Path) -> None:
    with pytest.raises(CorpusNotFound, match="does not exist"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(CorpusNotFound):
        corpus_fingerprint(tmp_path / "nope")


def test_fingerprint_changes_with_the_corpus_and_only_then(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "One.")
    write(tmp_path, "skip.csv", "x")
    first = corpus_fingerprint(tmp_path)
    assert corpus_fingerprint(tmp_path) == first
    write(tmp_path, "other.csv", "unsupported files do not count")
    assert corpus_fingerprint(tmp_path) == first
    path.write_text("Two!")
    os.utime(path, ns=(1, 1))
    assert corpus_fingerprint(tmp_path) != first
    changed = corpus_fingerprint(tmp_path)
    write(tmp_path, "b.md", "New.")
    assert corpus_fingerprint(tmp_path) != changed


@pytest.mark.parametrize(
    ("rel", "patterns", "ignored"),
    [
        ("README.txt", ("README*",), True),
        ("docs/README.md", ("README*",), True),  # a bare name matches at any depth
        ("docs/readme.md", ("README*",), False),  # case-sensitive, like git
        ("drafts/a.md", ("drafts/",), True),
        ("x/drafts/a.md", ("drafts/",), True),
        ("drafts.md", ("drafts/",), False),  # a trailing slash names folders only
        ("notes/a.md", ("notes/*.md",), True),
        ("x/notes/a.md", ("notes/*.md",), False),  # a pattern with a slash is anchored at the corpus root
        ("notes/deep/a.md", ("/notes/deep/",), True),
        ("archive/2019/a.md", ("/archive",), True),  # an anchored path also names a folder
        ("x/archive/a.md", ("/archive",), False),
        ("keep.md", ("*.txt", "old/"), False),
        ("notes/deep/a.md", ("notes/*.md",), False),  # as in git, * does not cross a slash
        ("archive/2019/06/a.md", ("archive/**/*.md",), True),
        ("archive/a.md", ("archive/**/*.md",), True),  # **/ may match no folder at all
        ("draft-1.md", ("draft-[0-9].md",), True),
        ("draft-x.md", ("draft-[!0-9].md",), True),
        ("draft-3.md", ("draft-[!0-9].md",), False),
    ],
)
def test_ignore_patterns_follow_the_gitignore_subset(rel: str, patterns: tuple[str, ...], ignored: bool) -> None:
    assert is_ignored(rel, patterns) is ignored


def test_factcheckignore_leaves_files_out_of_the_corpus_and_the_fingerprint_sees_it(tmp_path: Path) -> None:
    write(tmp_path, "README.txt", "This folder holds the reference documents of the team.")
    write(tmp_path, "facts/tower.txt", "The Eiffel Tower was completed in 1889.")
    write(tmp_path, "drafts/old.md", "# Old\n\nThe tower was completed in 1899.")
    everything = corpus_fingerprint(tmp_path)
    assert [d.path for d in read_corpus(tmp_path).documents] == ["README.txt", "drafts/old.md", "facts/tower.txt"]

    write(tmp_path, ".factcheckignore", "# not evidence\nREADME*\n\ndrafts/\n")
    assert [d.path for d in read_corpus(tmp_path).documents] == ["facts/tower.txt"]
    ignoring = corpus_fingerprint(tmp_path)
    assert ignoring != everything  # a cached index of the folder is stale now
    write(tmp_path, ".factcheckignore", "README*\n")
    assert corpus_fingerprint(tmp_path) not in {everything, ignoring}


def test_unreadable_factcheckignore_is_a_one_line_error(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "One.")
    write(tmp_path, ".factcheckignore", b"\xff\xfe\x00bad")
    with pytest.raises(BadIgnoreFile, match=r"\.factcheckignore.*UTF-8") as raised:
        read_corpus(tmp_path)
    assert "\n" not in str(raised.value)


def test_factcheckignore_refuses_reinclusion_rather_than_guessing(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "One.")
    write(tmp_path, ".factcheckignore", "*.txt\n!a.txt\n")
    with pytest.raises(BadIgnoreFile, match="re-includes"):
        corpus_fingerprint(tmp_path)
