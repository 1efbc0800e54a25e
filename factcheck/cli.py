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

    from evidence import UpdateResult
    from factcheck.config import Settings
    from factcheck.gate import GatePolicy
    from factcheck.types import Report

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Model loading draws its own progress bars on stderr; our output is the report and one-line errors.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

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
train_app = typer.Typer(help="Train or recalibrate factcheck's own models.", no_args_is_help=True)
app.add_typer(train_app, name="train")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"
    html = "html"


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


def _report_update(result: UpdateResult, out: Path) -> None:
    for failure in result.failures:
        typer.echo(f"factcheck: skipped {failure.path}: {failure.reason}", err=True)
    typer.echo(
        f"{out}: {len(result.added)} added, {len(result.changed)} changed, {len(result.removed)} removed, "
        f"{result.unchanged} unchanged; {result.manifest.documents} documents, {result.manifest.passages} passages"
    )


@index_app.command("update")
def index_update(
    index_dir: Annotated[Path, typer.Argument(help="Index folder to bring up to date.")],
    corpus: Annotated[Path, typer.Argument(help="Corpus folder the index should match.")],
) -> None:
    """Re-embed only documents that changed in the corpus folder; drop removed ones, add new ones.

    Example: factcheck index update .factcheck-index docs/corpus
    """
    with _errors(), _progress(True) as progress:
        from evidence import SentenceTransformerEmbedder, update_index

        _report_update(update_index(index_dir, corpus, SentenceTransformerEmbedder(), progress=progress), index_dir)


@index_app.command("add")
def index_add(
    index_dir: Annotated[Path, typer.Argument(help="Index folder to add to.")],
    files: Annotated[list[Path], typer.Argument(help="Document files to add (or replace, if already indexed).")],
    root: Annotated[
        Path | None, typer.Option("--root", help="Corpus folder the document ids are relative to.")
    ] = None,
) -> None:
    """Add documents to an index, or replace the ones that came from the same files.

    Example: factcheck index add .factcheck-index docs/corpus/new.md --root docs/corpus
    """
    with _errors(), _progress(True) as progress:
        from evidence import SentenceTransformerEmbedder, add_documents

        result = add_documents(index_dir, files, SentenceTransformerEmbedder(), root=root, progress=progress)
        _report_update(result, index_dir)


@index_app.command("remove")
def index_remove(
    index_dir: Annotated[Path, typer.Argument(help="Index folder to remove from.")],
    doc_ids: Annotated[list[str], typer.Argument(help="Document ids (as in reports) or file paths to drop.")],
) -> None:
    """Remove documents from an index; nothing is embedded again.

    Example: factcheck index remove .factcheck-index old.md
    """
    with _errors():
        from evidence import remove_documents

        _report_update(remove_documents(index_dir, doc_ids), index_dir)


@index_app.command("info")
def index_info(index_dir: Annotated[Path, typer.Argument(help="Index folder to describe.")]) -> None:
    """Show what an index holds: its manifest, checked as on load.

    Example: factcheck index info .factcheck-index
    """
    with _errors():
        from evidence import SentenceTransformerEmbedder, open_index
        from factcheck.serialize import dumps

        with open_index(index_dir, SentenceTransformerEmbedder()) as index:
            typer.echo(dumps(index.manifest), nl=False)


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


Articles = Annotated[
    list[str], typer.Argument(help="Article files (.txt, .md, .html) or quoted glob patterns such as 'docs/**/*.md'.")
]
IndexOpt = Annotated[
    Path | None, typer.Option("--index", help="Index folder from `factcheck index build` (setting: index).")
]
CorpusOpt = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus folder; its index is built once and cached (setting: corpus)."),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option("--fail-on", help="Exit 1 on refuted claims (default), on unsupported ones (refuted or not "
                 "enough info), or never (setting: fail_on)."),
]
MinConfidenceOpt = Annotated[
    float | None,
    typer.Option("--min-confidence", min=0.0, max=1.0,
                 help="Verdicts below this confidence never fail the gate (setting: min_confidence)."),
]
TopKOpt = Annotated[int | None, typer.Option("--top-k", min=1, help="Evidence passages per claim (setting: top_k).")]
VerifierOpt = Annotated[
    str | None,
    typer.Option("--verifier", help="'model' (trained cross-encoder with typed checks), 'fast' (its 3-layer "
                 "distilled student, about twice as fast), 'heuristic', or a model folder from "
                 "`factcheck train verifier` (setting: verifier). A folder's settings.json, if any, sets "
                 "the retrieval and thresholds tuned for it, below anything you set."),
]


@app.command("check")
def check_command(
    articles: Articles,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="Report format: text, json, markdown, sarif, junit or html "
                     "(setting: format)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here, not stdout.")] = None,
    fail_on: FailOnOpt = None,
    min_confidence: MinConfidenceOpt = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Baseline file from `factcheck baseline`: its claims never fail the gate "
                     "(setting: baseline)."),
    ] = None,
    changed_only: Annotated[
        bool, typer.Option("--changed-only", help="Check only claims on lines changed against --base (git).")
    ] = False,
    base: Annotated[str, typer.Option("--base", help="Git ref that --changed-only compares with.")] = "HEAD",
    given: Annotated[
        bool,
        typer.Option("--claims", help='The inputs are JSONL claim lists ({"claim": "...", "id": ...} per line), '
                     "checked as given instead of extracted from articles."),
    ] = False,
    top_k: TopKOpt = None,
    verifier: VerifierOpt = None,
    check_opinions: Annotated[
        bool,
        typer.Option("--check-opinions", help="Also check opinions and predictions as facts; by default they are "
                     "labelled NOT ENOUGH INFO and never fail the gate (setting: check_opinions)."),
    ] = False,
) -> None:
    """Check the claims of one or more articles against an index or a corpus folder.

    Example: factcheck check article.md --corpus docs/corpus --format json -o report.json
    """
    with _errors():
        settings = _settings(
            fail_on=fail_on.value if fail_on else None, top_k=top_k, min_confidence=min_confidence,
            **_source_flags(index, corpus),
            format=output_format.value if output_format else None, baseline=str(baseline) if baseline else None,
            verifier=verifier, check_opinions=True if check_opinions else None,
        )
        paths = _expand(articles)
        if given and changed_only:
            raise Fail("--changed-only works on articles, not on --claims files")
        only = _changed(paths, base) if changed_only else None
        report, sources = _run_check(paths, settings, only_lines=only, given=given)
        policy = _policy(settings)
        _emit(report, sources, settings.format, output, policy)
    raise typer.Exit(EXIT_GATE_FAILED if _failing(report, policy) else EXIT_OK)


@app.command("baseline")
def baseline_command(
    articles: Articles,
    out: Annotated[Path, typer.Option("--out", "-o", help="Baseline file to write.")] = Path(
        ".factcheck-baseline.json"
    ),
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
    fail_on: FailOnOpt = None,
    top_k: TopKOpt = None,
    verifier: VerifierOpt = None,
) -> None:
    """Record the claims that fail the gate today, so that `check --baseline` fails only on new ones.

    Example: factcheck baseline docs/*.md --corpus docs/corpus -o .factcheck-baseline.json
    """
    with _errors():
        from factcheck.baseline import baseline_text
        from factcheck.gate import failing

        settings = _settings(
            fail_on=fail_on.value if fail_on else None, top_k=top_k, verifier=verifier, **_source_flags(index, corpus)
        )
        report, _ = _run_check(_expand(articles), settings)
        # The baseline is taken without the old baseline or a confidence floor: it records every failing claim.
        known = failing(report, _policy(settings, baseline=frozenset(), min_confidence=0.0))
        _write_atomic(out, baseline_text(known))
        typer.echo(f"wrote {len(known)} known claim(s) to {out}")


@train_app.command("verifier")
def train_verifier_command(
    data: Annotated[
        Path,
        typer.Option("--data", help="The shared data folder (full recipe) or a .jsonl of {claim, evidence, label} "
                     "lines (fine-tunes the shipped model on your labels)."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write (replaced only when complete).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same data and seed, same model.")] = 13,
    epochs: Annotated[
        float | None,
        typer.Option("--epochs", min=0.0, help="Epochs over your labels (0: keep the weights, refit the combiner)."),
    ] = None,
    init_from: Annotated[
        Path | None, typer.Option("--init-from", help="Model folder to start from (default: the shipped model).")
    ] = None,
    device: Annotated[
        str,
        typer.Option("--device", help="Where to train: cpu (reproducible bit for bit), cuda (a GPU), or auto."),
    ] = "cpu",
) -> None:
    """Train the verifier, or fine-tune and recalibrate it on your own labelled claims.

    Example: factcheck train verifier --data my_labels.jsonl --out my-verifier
    then: factcheck check article.md --corpus docs --verifier my-verifier
    """
    with _errors():
        import shutil

        import numpy as np

        from factcheck.training.combine import fit_combiner, refit_combiner
        from factcheck.training.errors import TrainingError
        from factcheck.training.loop import HyperParameters
        from factcheck.training.train import train_verifier, user_pairs_not_trained_on
        from factcheck.verify.combine import COMBINER_FILE, Combiner
        from factcheck.verify.crossencoder import SHIPPED_MODEL

        if not data.exists():
            raise Fail(f"training data {data} does not exist; pass the shared data folder or a .jsonl file")
        hyper = None
        if epochs is not None:
            base = HyperParameters() if data.is_dir() else HyperParameters(learning_rate=2e-5, epochs=2.0)
            hyper = HyperParameters(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, "epochs": epochs})
        try:
            report = train_verifier(
                data, out, seed=seed, init_from=init_from, hyper=hyper, evaluate=data.is_dir(), device=device,
                log=lambda message: typer.echo(message, err=True),
            )
        except TrainingError as exc:
            raise Fail(str(exc)) from None
        if data.is_dir():
            fit_combiner(data, out, seed=seed)
        else:
            # The user's corpus gets its own combination of model, checks and similarity, fitted on the
            # pairs fine-tuning did not see (all of them when --epochs 0) and pulled towards the shipped one.
            pairs = user_pairs_not_trained_on(data, seed, fine_tuned=report.fine_tuned)
            start = init_from if init_from is not None and (init_from / COMBINER_FILE).is_file() else SHIPPED_MODEL
            # The starting combiner first, so that an interrupted refit still leaves a usable model folder.
            shutil.copy(start / COMBINER_FILE, out / COMBINER_FILE)
            figures = refit_combiner(pairs, out, Combiner.load(start / COMBINER_FILE), seed=seed)
            if np.isnan(figures["prior_strength"]):
                typer.echo(
                    f"combiner: kept the starting one ({len(pairs)} pairs did not improve its held-out log-loss "
                    f"{figures['prior_log_loss']:.3f})",
                    err=True,
                )
            else:
                typer.echo(
                    f"combiner: refitted on {len(pairs)} pairs, held-out log-loss {figures['prior_log_loss']:.3f} -> "
                    f"{figures['refit_log_loss']:.3f}, accuracy {figures['prior_accuracy']:.3f} -> "
                    f"{figures['refit_accuracy']:.3f}",
                    err=True,
                )
        typer.echo(f"wrote {report.model_id} to {out} (temperature {report.temperature:.3f})")


@app.command("demo")
def demo_command(
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = OutputFormat.text,
) -> None:
    """Check the bundled example article against the bundled example corpus.

    Example: factcheck demo
    """
    from factcheck.demo import DEMO_ARTICLE, DEMO_CORPUS

    with _errors():
        settings = _settings(format=output_format.value, index="", corpus=str(DEMO_CORPUS))
        report, sources = _run_check([DEMO_ARTICLE], settings)
        policy = _policy(settings)
        _emit(report, sources, settings.format, None, policy)
    if _failing(report, policy):
        typer.echo("(`factcheck check` would exit 1 here: the demo article has a refuted claim)", err=True)


def _source_flags(index: Path | None, corpus: Path | None) -> dict[str, str | None]:
    """A flag for one evidence source replaces whatever source the configuration names."""
    if index is not None and corpus is not None:
        raise Fail("give exactly one of --index DIR or --corpus DIR, not both")
    if index is not None:
        return {"index": str(index), "corpus": ""}
    if corpus is not None:
        return {"index": "", "corpus": str(corpus)}
    return {"index": None, "corpus": None}


def _expand(patterns: list[str]) -> list[Path]:
    """Expand quoted globs ourselves, so `check 'docs/**/*.md'` works in any shell and in CI."""
    import glob

    paths: list[Path] = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?[") and not Path(pattern).exists():
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                raise Fail(f"no file matches {pattern!r}; check the pattern and quote it")
            paths.extend(Path(m) for m in matches if Path(m).is_file())
        else:
            paths.append(Path(pattern))
    seen: set[Path] = set()
    return [p for p in paths if not (p in seen or seen.add(p))]


def _changed(paths: list[Path], base: str) -> dict[str, frozenset[int]]:
    from factcheck.changes import changed_lines

    return {str(p): changed_lines(p, base) for p in paths}


def _policy(settings: Settings, **overrides: object) -> GatePolicy:
    from factcheck.baseline import read_baseline
    from factcheck.gate import GatePolicy

    values: dict[str, object] = {"fail_on": settings.fail_on, "min_confidence": settings.min_confidence}
    values["baseline"] = read_baseline(Path(settings.baseline)) if settings.baseline else frozenset()
    values.update(overrides)
    return GatePolicy(**values)  # type: ignore[arg-type]


def _failing(report: Report, policy: GatePolicy) -> bool:
    from factcheck.gate import failing

    return bool(failing(report, policy))


def _run_check(
    inputs: list[Path],
    settings: Settings,
    *,
    only_lines: dict[str, frozenset[int]] | None = None,
    given: bool = False,
) -> tuple[Report, dict[str, str]]:
    from claims import ClaimExtractor, read_article, read_claims_file
    from evidence import SentenceTransformerEmbedder, open_index
    from factcheck.pipeline import GIVEN_CLAIMS, ClaimSet, check_claims, extract_claims, index_for_corpus
    from factcheck.verify.factory import make_verifier

    if bool(settings.index) == bool(settings.corpus):
        raise Fail("give exactly one of --index DIR or --corpus DIR (or the index / corpus setting)")
    if not inputs:
        raise Fail("no article given; pass one or more files")
    # Read every input before loading a model: a bad file fails fast and costs nothing.
    if given:
        sets = [ClaimSet(str(p), *read_claims_file(p)) for p in inputs]
    else:
        docs = [read_article(path) for path in inputs]
    embedder = SentenceTransformerEmbedder()
    with _progress(True) as progress:
        if settings.index:
            evidence_index = open_index(Path(settings.index), embedder)
        else:
            evidence_index = index_for_corpus(Path(settings.corpus), embedder, settings, progress=progress)
        with evidence_index:
            if given:
                source = GIVEN_CLAIMS
            else:
                extractor = ClaimExtractor()
                sets = list(extract_claims(docs, extractor, only_lines=only_lines, progress=progress))
                source = extractor.model_id
            report = check_claims(
                sets, evidence_index, make_verifier(settings), settings, claim_source=source, progress=progress
            )
    return report, {s.path: s.text for s in sets}


def _emit(report: Report, sources: dict[str, str], output_format: str, output: Path | None, policy: GatePolicy) -> None:
    if output_format == "text" and output is None:
        from factcheck.report.text import render_text

        render_text(report, _console())
        return
    text = _render(report, sources, output_format, policy)
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write_atomic(output, text)


def _render(report: Report, sources: dict[str, str], output_format: str, policy: GatePolicy) -> str:
    if output_format == "json":
        from factcheck.report.json_report import render_json

        return render_json(report)
    if output_format == "markdown":
        from factcheck.report.markdown import render_markdown

        return render_markdown(report, policy)
    if output_format == "sarif":
        from factcheck.report.sarif import render_sarif

        return render_sarif(report, policy)
    if output_format == "junit":
        from factcheck.report.junit import render_junit

        return render_junit(report, policy)
    if output_format == "html":
        from factcheck.report.html import render_html

        return render_html(report, sources, policy)
    from io import StringIO

    from rich.console import Console

    from factcheck.report.text import render_text

    buffer = StringIO()
    render_text(report, Console(file=buffer, width=120, no_color=True, highlight=False))
    return buffer.getvalue()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
