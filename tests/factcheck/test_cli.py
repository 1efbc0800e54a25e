"""The CLI tested the way a user runs it: real models, real index on disk, exact exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS
from factcheck.report.json_report import load_schema

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("idx") / "index"
    result = _run("index", "build", str(DEMO_CORPUS), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "indexed 4 documents" in result.stdout
    return out


@pytest.fixture(scope="module")
def demo_json(built_index: Path) -> dict:
    result = _run("check", str(DEMO_ARTICLE), "--index", str(built_index), "--format", "json")
    assert result.exit_code == 1, result.output  # the demo article has a refuted claim
    return json.loads(result.stdout)


def _verdict_for(report: dict, fragment: str) -> dict:
    matches = [v for v in report["articles"][0]["verdicts"] if fragment in v["claim"]["text"]]
    assert matches, f"no claim containing {fragment!r}"
    return matches[0]


def test_demo_report_shows_every_label_with_evidence(demo_json: dict) -> None:
    supported = _verdict_for(demo_json, "18 hexagonal segments")
    assert supported["label"] == "SUPPORTED"
    assert supported["evidence"][0]["doc_id"].endswith("webb.md")
    assert "18 hexagonal segments" in supported["evidence"][0]["sentence"]

    refuted = _verdict_for(demo_json, "2019")
    assert refuted["label"] == "REFUTED"
    assert "2021" in refuted["evidence"][0]["sentence"]
    assert refuted["evidence"][0]["doc_id"].endswith("webb.md")

    unknown = _verdict_for(demo_json, "engineers")
    assert unknown["label"] == "NOT ENOUGH INFO"


def test_evidence_offsets_point_into_the_corpus_document(demo_json: dict) -> None:
    for verdict in demo_json["articles"][0]["verdicts"]:
        for ev in verdict["evidence"]:
            text = (DEMO_CORPUS / Path(ev["doc_path"]).name).read_text(encoding="utf-8")
            # Offsets are into the reader's cleaned text; the sentence itself must be in the file.
            assert ev["sentence"].strip() in " ".join(text.split()) or ev["sentence"] in text


def test_claim_spans_point_into_the_article(demo_json: dict) -> None:
    article = DEMO_ARTICLE.read_text(encoding="utf-8")
    for verdict in demo_json["articles"][0]["verdicts"]:
        claim = verdict["claim"]
        assert article[claim["start"] : claim["end"]] == claim["source_text"]
        line_start = article.rfind("\n", 0, claim["start"]) + 1
        assert claim["line"] == article.count("\n", 0, claim["start"]) + 1
        assert claim["column"] == claim["start"] - line_start + 1


def test_question_is_not_a_claim(demo_json: dict) -> None:
    texts = [v["claim"]["text"] for v in demo_json["articles"][0]["verdicts"]]
    assert not any("?" in t for t in texts)


def test_json_report_matches_its_schema(demo_json: dict) -> None:
    jsonschema.validate(demo_json, load_schema())
    assert demo_json["summary"]["claims"] == len(demo_json["articles"][0]["verdicts"])
    manifest = demo_json["manifest"]
    assert manifest["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["index_documents"] == 4


def test_same_inputs_give_byte_identical_json(built_index: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for out in (first, second):
        result = _run("check", str(DEMO_ARTICLE), "--index", str(built_index), "-f", "json", "-o", str(out))
        assert result.exit_code == 1
    assert first.read_bytes() == second.read_bytes()


def test_corpus_mode_caches_the_index_and_agrees_with_a_built_index(demo_json: dict, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    article = tmp_path / "article.md"
    shutil.copy(DEMO_ARTICLE, article)
    first = _run("check", str(article), "--corpus", str(corpus), "-f", "json")
    second = _run("check", str(article), "--corpus", str(corpus), "-f", "json")
    assert first.exit_code == second.exit_code == 1
    assert first.stdout == second.stdout
    labels = [v["label"] for v in json.loads(first.stdout)["articles"][0]["verdicts"]]
    assert labels == [v["label"] for v in demo_json["articles"][0]["verdicts"]]


def test_fail_on_never_passes_the_gate(built_index: Path) -> None:
    result = _run("check", str(DEMO_ARTICLE), "--index", str(built_index), "--fail-on", "never")
    assert result.exit_code == 0
    assert "REFUTED" in result.stdout and "Summary:" in result.stdout


def test_article_without_refuted_claims_passes(built_index: Path, tmp_path: Path) -> None:
    article = tmp_path / "ok.md"
    article.write_text("Webb's primary mirror is made of 18 hexagonal segments.\n", encoding="utf-8")
    result = _run("check", str(article), "--index", str(built_index))
    assert result.exit_code == 0, result.output
    assert "SUPPORTED" in result.stdout
    strict = _run("check", str(article), "--index", str(built_index), "--fail-on", "unsupported")
    assert strict.exit_code == 0


def test_text_report_names_claim_location_and_evidence_document(built_index: Path) -> None:
    result = _run("check", str(DEMO_ARTICLE), "--index", str(built_index))
    assert result.exit_code == 1
    assert "webb.md" in result.stdout
    assert "✘ REFUTED" in result.stdout


@pytest.mark.parametrize(
    ("make_args", "fragment"),
    [
        (lambda tmp, idx: ["check", str(tmp / "missing.md"), "--index", str(idx)], "missing.md"),
        (lambda tmp, idx: ["check", str(DEMO_ARTICLE)], "--index"),
        (lambda tmp, idx: ["check", str(DEMO_ARTICLE), "--index", str(idx), "--corpus", str(DEMO_CORPUS)], "exactly"),
        (lambda tmp, idx: ["check", str(DEMO_ARTICLE), "--index", str(tmp)], "index"),
        (lambda tmp, idx: ["check", str(DEMO_ARTICLE), "--corpus", str(tmp / "nope")], "nope"),
    ],
    ids=["missing-article", "no-index", "both-sources", "not-an-index", "missing-corpus"],
)
def test_errors_exit_2_with_one_line(built_index: Path, tmp_path: Path, make_args, fragment: str) -> None:
    result = runner.invoke(app, make_args(tmp_path, built_index))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factcheck: error:"), result.stderr
    assert fragment in lines[0]


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"", "empty.md"), (b"\x00\x01\x02binary\x00", "blob.txt"), ("caf\u00e9".encode("latin-1") * 10, "latin1.txt")],
    ids=["empty", "binary", "mis-encoded"],
)
def test_bad_article_files_exit_2(built_index: Path, tmp_path: Path, content: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["check", str(path), "--index", str(built_index), "-f", "json", "-o", str(out)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists(), "no report may be left behind on error"


def test_corrupt_index_exits_2(built_index: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(built_index, broken)
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["check", str(DEMO_ARTICLE), "--index", str(broken)])
    assert result.exit_code == 2
    assert "factcheck: error:" in result.stderr


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["check", str(DEMO_ARTICLE), "--index", "x", "--format", "yaml"])
    assert result.exit_code == 2


def test_claims_command_lists_line_and_column(tmp_path: Path) -> None:
    result = _run("claims", str(DEMO_ARTICLE))
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    path, line, col = first.split("\t")[0].rsplit(":", 2)
    assert path == str(DEMO_ARTICLE) and int(line) >= 1 and int(col) >= 1


def test_claims_command_runs_on_a_news_article(article_path: Path) -> None:
    result = _run("claims", str(article_path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    texts = [c["text"] for c in data["claims"]]
    assert len(texts) >= 10
    assert not any(t.strip() == "Loading..." or t.startswith("READ MORE") for t in texts)


def test_demo_command_runs_end_to_end() -> None:
    result = _run("demo")
    assert result.exit_code == 0, result.output
    for label in ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO"):
        assert label in result.stdout


def test_baseline_suppresses_known_claims_only(built_index: Path, tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    shutil.copy(DEMO_ARTICLE, article)
    baseline = tmp_path / "baseline.json"
    made = _run("baseline", str(article), "--index", str(built_index), "-o", str(baseline))
    assert made.exit_code == 0, made.output
    entries = json.loads(baseline.read_text(encoding="utf-8"))["claims"]
    assert [e["label"] for e in entries] == ["REFUTED"]
    assert _run("check", str(article), "--index", str(built_index), "--baseline", str(baseline)).exit_code == 0
    # A new refuted claim still fails the gate.
    with article.open("a", encoding="utf-8") as f:
        f.write("\nThe Chandra X-ray Observatory was launched in 1995 by the Space Shuttle Columbia.\n")
    again = _run("check", str(article), "--index", str(built_index), "--baseline", str(baseline), "-f", "json")
    assert again.exit_code == 1
    refuted = [v["claim"]["text"] for v in json.loads(again.stdout)["articles"][0]["verdicts"]
               if v["label"] == "REFUTED"]
    assert any("Chandra" in t for t in refuted)


def test_broken_baseline_file_exits_2(built_index: Path, tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text("[]", encoding="utf-8")
    result = runner.invoke(app, ["check", str(DEMO_ARTICLE), "--index", str(built_index), "--baseline", str(bad)])
    assert result.exit_code == 2
    assert "baseline" in result.stderr


def test_changed_only_checks_lines_changed_since_the_ref(built_index: Path, tmp_path: Path) -> None:
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    article = repo / "article.md"
    article.write_text("Webb's primary mirror is made of 18 hexagonal segments.\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "article.md"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "first"], cwd=repo, check=True)
    unchanged = _run("check", str(article), "--index", str(built_index), "--changed-only", "-f", "json")
    assert unchanged.exit_code == 0
    assert json.loads(unchanged.stdout)["summary"]["claims"] == 0

    with article.open("a", encoding="utf-8") as f:
        f.write("The James Webb Space Telescope was launched in 2019 on an Ariane 5 rocket.\n")
    changed = _run("check", str(article), "--index", str(built_index), "--changed-only", "-f", "json")
    assert changed.exit_code == 1
    verdicts = json.loads(changed.stdout)["articles"][0]["verdicts"]
    assert [v["claim"]["line"] for v in verdicts] == [2]

    bad_ref = runner.invoke(app, ["check", str(article), "--index", str(built_index), "--changed-only",
                                  "--base", "no-such-ref"])
    assert bad_ref.exit_code == 2 and "no-such-ref" in bad_ref.stderr


def test_many_articles_by_glob_make_one_report(built_index: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "sub"
    docs.mkdir(parents=True)
    shutil.copy(DEMO_ARTICLE, docs / "one.md")
    (tmp_path / "docs" / "two.md").write_text("Hubble's primary mirror is 2.4 metres wide.\n", encoding="utf-8")
    result = _run("check", f"{tmp_path}/docs/**/*.md", "--index", str(built_index), "-f", "json")
    assert result.exit_code == 1
    paths = [a["path"] for a in json.loads(result.stdout)["articles"]]
    assert sorted(Path(p).name for p in paths) == ["one.md", "two.md"]
    nothing = runner.invoke(app, ["check", f"{tmp_path}/none/*.md", "--index", str(built_index)])
    assert nothing.exit_code == 2 and "no file matches" in nothing.stderr


def test_configuration_file_supplies_source_and_policy(
    built_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.factcheck]\nindex = "{built_index.as_posix()}"\nfail_on = "never"\nformat = "markdown"\n',
        encoding="utf-8",
    )
    result = _run("check", str(DEMO_ARTICLE))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## factcheck report")
    flagged = _run("check", str(DEMO_ARTICLE), "--fail-on", "refuted")
    assert flagged.exit_code == 1
    (tmp_path / "pyproject.toml").write_text("[tool.factcheck]\nfail_when = 'refuted'\n", encoding="utf-8")
    typo = runner.invoke(app, ["check", str(DEMO_ARTICLE), "--index", str(built_index)])
    assert typo.exit_code == 2 and "fail_on" in typo.stderr


@pytest.mark.parametrize("fmt", ["markdown", "sarif", "junit", "html"])
def test_every_format_writes_a_file(built_index: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    result = _run("check", str(DEMO_ARTICLE), "--index", str(built_index), "-f", fmt, "-o", str(out))
    assert result.exit_code == 1
    assert "18 hexagonal segments" in out.read_text(encoding="utf-8") or fmt == "sarif"


def test_given_claims_are_checked_as_given(built_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text(
        '{"id": "a", "claim": "The James Webb Space Telescope was launched in 2019 on an Ariane 5 rocket."}\n'
        '{"id": "b", "claim": "Hubble\'s primary mirror is 2.4 metres wide."}\n',
        encoding="utf-8",
    )
    result = _run("check", "--claims", str(path), "--index", str(built_index), "-f", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["manifest"]["claim_extractor"] == "given"
    verdicts = report["articles"][0]["verdicts"]
    assert [(v["claim"]["id"], v["label"]) for v in verdicts] == [("a", "REFUTED"), ("b", "SUPPORTED")]


BALTIMORE = (
    "# Webb assembly\n\nWebb was assembled by more than 3,000 engineers in Baltimore, working for the space "
    "agencies and their contractors.\n"
)


def test_index_add_update_remove_and_info(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    index = tmp_path / "index"
    assert _run("index", "build", str(corpus), "--out", str(index)).exit_code == 0

    extra = corpus / "assembly.md"
    extra.write_text(BALTIMORE, encoding="utf-8")
    added = _run("index", "add", str(index), str(extra), "--root", str(corpus))
    assert added.exit_code == 0, added.output
    assert "1 added" in added.stdout and "5 documents" in added.stdout

    (corpus / "kepler.md").write_text("# Kepler\n\nKepler was launched in March 2009.\n", encoding="utf-8")
    updated = _run("index", "update", str(index), str(corpus))
    assert updated.exit_code == 0, updated.output
    assert "1 changed" in updated.stdout and "4 unchanged" in updated.stdout

    removed = _run("index", "remove", str(index), "assembly.md")
    assert removed.exit_code == 0 and "1 removed" in removed.stdout and "4 documents" in removed.stdout

    info = _run("index", "info", str(index))
    assert info.exit_code == 0
    assert json.loads(info.stdout)["documents"] == 4


def test_corpus_mode_follows_corpus_changes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO_CORPUS, corpus)
    article = tmp_path / "a.md"
    article.write_text("Webb was assembled by more than 3,000 engineers in Baltimore.\n", encoding="utf-8")
    before = _run("check", str(article), "--corpus", str(corpus), "-f", "json")
    assert json.loads(before.stdout)["articles"][0]["verdicts"][0]["label"] == "NOT ENOUGH INFO"
    (corpus / "assembly.md").write_text(BALTIMORE, encoding="utf-8")
    after = _run("check", str(article), "--corpus", str(corpus), "-f", "json")
    report = json.loads(after.stdout)
    assert report["manifest"]["index_documents"] == 5
    assert report["articles"][0]["verdicts"][0]["label"] == "SUPPORTED"
