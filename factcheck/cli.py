"""The command line: parse, call the library, render, pick the exit code.

Exit codes: 0 the gate passed, 1 the gate failed (a claim the policy rejects), 2 a usage,
input, configuration or index error (one line on stderr). Heavy libraries are imported inside
the commands so that ``factcheck --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from factcheck.config import Settings
    from factcheck.types import Report

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_ERROR = 2

app = typer.Typer(
    help="Check the claims of an article against your own reference corpus, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
index_app = typer.Typer(help="Build and inspect evidence indexes.", no_args_is_help=True)
app.add_typer(index_app, name="index")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    refuted = "refuted"
    unsupported = "unsupported"
    never = "never"


class Fail(Exception):
    """Raised inside commands to stop with a one-line message and exit code 2."""


@contextmanager
def _errors() -> Iterator[None]:
    """Turn every typed library error into one line on stderr and exit code 2."""
    from claims.errors import ClaimsError
    from evidence.errors import EvidenceError

    from factcheck.errors import FactcheckError

    try:
        yield
    except (ClaimsError, EvidenceError, FactcheckError, Fail) as exc:
        typer.echo(f"factcheck: error: {exc}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        typer.echo("factcheck: interrupted; nothing was written", err=True)
        raise typer.Exit(130) from None


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@contextmanager
def _progress(enabled: bool) -> Iterator:
    """A progress callback ``(stage, done, total)`` drawn as bars on stderr when it is a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=_console(stderr=True), transient=True,
    ) as bars:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        yield update


def _settings(**flags: object) -> Settings:
    from factcheck.config import load_settings

    return load_settings(overrides=flags)


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file renamed into place: an interrupted run leaves no half report."""
    from factcheck.errors import ReportError

    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"cannot write report to {path}: {exc.strerror}; check the folder exists") from exc


@index_app.command("build")
def index_build(
    corpus: Annotated[Path, typer.Argument(help="Folder of .txt, .md, .html, .jsonl and .pdf documents.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Index folder to create (replaced if it is an index).")],
) -> None:
    """Build an evidence index from a corpus folder.

    Example: factcheck index build docs/corpus --out .factcheck-index
    """
    with _errors(), _progress(True) as progress:
        from evidence import SentenceTransformerEmbedder, build_index

        result = build_index(corpus, out, SentenceTransformerEmbedder(), progress=progress)
        for failure in result.failures:
            typer.echo(f"factcheck: skipped {failure.path}: {failure.reason}", err=True)
        m = result.manifest
        typer.echo(f"indexed {m.documents} documents, {m.passages} passages into {out} (index {m.index_id})")


@app.command("claims")
def claims_command(
    article: Annotated[Path, typer.Argument(help="Article file: .txt, .md or .html.")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
) -> None:
    """List the atomic claims of an article with their line:column spans.

    Example: factcheck claims article.md
    """
    with _errors():
        from claims import ClaimExtractor, read_article

        doc = read_article(article)
        found = ClaimExtractor().extract(doc.text, doc_id=doc.path)
        if output_format is OutputFormat.json:
            from factcheck.serialize import dumps

            typer.echo(dumps({"article": doc.path, "claims": found}), nl=False)
            return
        for claim in found:
            typer.echo(f"{doc.path}:{claim.line}:{claim.column}\t{claim.kind.value}\t{claim.text}")
        typer.echo(f"{len(found)} claims", err=True)


@app.command("check")
def check_command(
    articles: Annotated[list[Path], typer.Argument(help="Article files (.txt, .md, .html).")],
    index: Annotated[Path | None, typer.Option("--index", help="Index folder from `factcheck index build`.")] = None,
    corpus: Annotated[
        Path | None, typer.Option("--corpus", help="Corpus folder; its index is built once and cached.")
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here, not stdout.")] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 on: refuted claims (default), unsupported (refuted or not enough "
                     "info), or never."),
    ] = None,
    top_k: Annotated[int | None, typer.Option("--top-k", help="Evidence passages per claim.", min=1)] = None,
) -> None:
    """Check the claims of one or more articles against an index or a corpus folder.

    Example: factcheck check article.md --corpus docs/corpus --format json -o report.json
    """
    with _errors():
        if (index is None) == (corpus is None):
            raise Fail("give exactly one of --index DIR or --corpus DIR")
        settings = _settings(fail_on=fail_on.value if fail_on else None, top_k=top_k)
        report = _run_check(articles, index, corpus, settings)
        _emit(report, output_format, output)
    raise typer.Exit(_gate(report, settings))


@app.command("demo")
def demo_command(
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = OutputFormat.text,
) -> None:
    """Check the bundled example article against the bundled example corpus.

    Example: factcheck demo
    """
    from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

    with _errors():
        settings = _settings()
        report = _run_check([DEMO_ARTICLE], None, DEMO_CORPUS, settings)
        _emit(report, output_format, None)
    if output_format is OutputFormat.text and _gate(report, settings) == EXIT_GATE_FAILED:
        typer.echo("(`factcheck check` would exit 1 here: the demo article has a refuted claim)", err=True)


def _run_check(articles: list[Path], index: Path | None, corpus: Path | None, settings: Settings) -> Report:
    from claims import ClaimExtractor, read_article
    from evidence import SentenceTransformerEmbedder, open_index
    from factcheck.pipeline import check_articles, index_for_corpus
    from factcheck.verify.heuristic import HeuristicVerifier

    docs = [read_article(path) for path in articles]
    embedder = SentenceTransformerEmbedder()
    with _progress(True) as progress:
        if index is not None:
            evidence_index = open_index(index, embedder)
        elif corpus is not None:
            evidence_index = index_for_corpus(corpus, embedder, settings, progress=progress)
        else:
            raise Fail("give exactly one of --index DIR or --corpus DIR")
        with evidence_index:
            return check_articles(
                docs, evidence_index, ClaimExtractor(), HeuristicVerifier(settings), settings, progress=progress
            )


def _emit(report: Report, output_format: OutputFormat, output: Path | None) -> None:
    if output_format is OutputFormat.json:
        from factcheck.report.json_report import render_json

        text = render_json(report)
    elif output is None:
        from factcheck.report.text import render_text

        render_text(report, _console())
        return
    else:
        from io import StringIO

        from rich.console import Console

        from factcheck.report.text import render_text

        buffer = StringIO()
        render_text(report, Console(file=buffer, width=120, no_color=True, highlight=False))
        text = buffer.getvalue()
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write_atomic(output, text)


def _gate(report: Report, settings: Settings) -> int:
    from factcheck.types import Label

    failing = {
        "refuted": {Label.REFUTED},
        "unsupported": {Label.REFUTED, Label.NOT_ENOUGH_INFO},
        "never": set(),
    }[settings.fail_on]
    return EXIT_GATE_FAILED if any(v.label in failing for v in report.verdicts()) else EXIT_OK


def main() -> None:
    app()


if __name__ == "__main__":
    main()
