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
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evidence.offline import offline
from factcheck.config import FAIL_ON, FORMATS
from factcheck.usage import FactcheckGroup

if TYPE_CHECKING:
    from rich.console import Console

    from evidence import Embedder, UpdateResult
    from evidence.build import BuildEngine
    from evidence.embed import SentenceTransformerEmbedder
    from evidence.engines import ClusterSettings
    from factcheck.config import Settings
    from factcheck.gate import GatePolicy
    from factcheck.report.summary import GateResult
    from factcheck.training.base_train import BaseRun
    from factcheck.types import Report

offline()
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
    cls=FactcheckGroup,
)
index_app = typer.Typer(help="Build and inspect evidence indexes.", no_args_is_help=True, cls=FactcheckGroup)
app.add_typer(index_app, name="index")
train_app = typer.Typer(
    help="Train or recalibrate factcheck's own models.", no_args_is_help=True, cls=FactcheckGroup
)
app.add_typer(train_app, name="train")


# The choices of --format and --fail-on, from their one definition (the settings accept exactly these).
OutputFormat = StrEnum("OutputFormat", {name: name for name in FORMATS})
FailOn = StrEnum("FailOn", {name: name for name in FAIL_ON})
# The vector index kinds of evidence.index (kept literal here so that --help imports no faiss).
IndexType = StrEnum("IndexType", {name: name for name in ("auto", "flat", "ivf", "hnsw", "ivfpq")})


Engine = StrEnum("Engine", {"local": "local", "ray": "ray"})
EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine", help="Where the work runs: this process, or a Ray cluster (needs the extra factcheck-kit[ray])."
    ),
]
AddressOpt = Annotated[
    str | None,
    typer.Option(
        "--address", help="Ray cluster to join: auto (the one started on this machine) or HOST:PORT; none starts one."
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", min=1, help="Ray worker processes (default: one per CPU of the cluster).")
]

FollowSymlinksOpt = Annotated[
    bool,
    typer.Option("--follow-symlinks", help="Also read files that symlinks in the corpus point to outside it."),
]


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


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@contextmanager
def _progress(enabled: bool, interval: float | None = None) -> Iterator:
    """A progress callback ``(stage, done, total)``: bars on a terminal, a log line every few seconds otherwise."""
    if not enabled:
        yield None
        return
    from factcheck.progress import progress_reporter

    with progress_reporter(_settings().log_interval if interval is None else interval) as progress:
        yield progress


def _settings(**flags: object) -> Settings:
    from factcheck.config import load_settings

    return load_settings(overrides=flags)


def _embedder(settings: Settings | None = None) -> Embedder:
    """The embedding model through the runtime the settings pick (torch or onnx)."""
    from evidence import make_embedder
    from factcheck.pipeline import cache_home

    settings = settings or _settings()
    return make_embedder(settings.runtime, cache_home(settings))


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
    follow_symlinks: FollowSymlinksOpt = False,
    index_type: Annotated[
        IndexType,
        typer.Option(
            "--index-type",
            help="Vector index: exact (flat), IVF, HNSW or compressed IVF-PQ for millions of passages; auto picks "
            "by size.",
        ),
    ] = IndexType.auto,
    engine: EngineOpt = Engine.local,
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Build an evidence index from a corpus folder.

    Example: factcheck index build docs/corpus --out .factcheck-index
    """
    with _errors(), _progress(True) as progress:
        from evidence import BuildOptions, IndexSettings, build_index

        if engine is Engine.local:
            embedder = _embedder()
        else:
            from evidence.embed import SentenceTransformerEmbedder

            embedder = SentenceTransformerEmbedder()  # Ray's actors load the torch model by its path
        with _build_engine(engine, address, workers, embedder) as build_engine:
            options = BuildOptions(IndexSettings(index_kind=index_type.value), follow_symlinks, progress, build_engine)
            result = build_index(corpus, out, embedder, options)
        for failure in result.failures:
            typer.echo(f"factcheck: skipped {failure.path}: {failure.reason}", err=True)
        m = result.manifest
        typer.echo(f"indexed {m.documents} documents, {m.passages} passages into {out} (index {m.index_id})")


@contextmanager
def _build_engine(
    engine: Engine, address: str | None, workers: int | None, embedder: SentenceTransformerEmbedder
) -> Iterator[BuildEngine | None]:
    """None for a local build (nothing of Ray imported), else a Ray engine connected for the block."""
    if engine is Engine.local:
        if address is not None or workers is not None:
            raise Fail("--address and --workers go with --engine ray")
        yield None
        return
    from evidence.embed import SentenceTransformerEmbedder
    from evidence.engines import ClusterSettings
    from evidence.engines.ray_build import ray_engine

    make = partial(SentenceTransformerEmbedder, str(embedder.model_path))
    with ray_engine(ClusterSettings(address, workers), make, embedder.dimension) as cluster:
        yield cluster


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
    follow_symlinks: FollowSymlinksOpt = False,
) -> None:
    """Re-embed only documents that changed in the corpus folder; drop removed ones, add new ones.

    Example: factcheck index update .factcheck-index docs/corpus
    """
    with _errors(), _progress(True) as progress:
        from evidence import update_index

        result = update_index(
            index_dir, corpus, _embedder(), progress=progress, follow_symlinks=follow_symlinks
        )
        _report_update(result, index_dir)


@index_app.command("add")
def index_add(
    index_dir: Annotated[Path, typer.Argument(help="Index folder to add to.")],
    files: Annotated[list[Path], typer.Argument(help="Document files to add (or replace, if already indexed).")],
    root: Annotated[
        Path | None, typer.Option("--root", help="Corpus folder the document ids are relative to.")
    ] = None,
    follow_symlinks: FollowSymlinksOpt = False,
) -> None:
    """Add documents to an index, or replace the ones that came from the same files.

    Example: factcheck index add .factcheck-index docs/corpus/new.md --root docs/corpus
    """
    with _errors(), _progress(True) as progress:
        from evidence import add_documents

        result = add_documents(
            index_dir, files, _embedder(), root=root, progress=progress,
            follow_symlinks=follow_symlinks,
        )
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
        from evidence import open_index
        from factcheck.serialize import dumps

        with open_index(index_dir, _embedder()) as index:
            typer.echo(dumps(index.manifest), nl=False)


@index_app.command("verify")
def index_verify(index_dir: Annotated[Path, typer.Argument(help="Index folder to check.")]) -> None:
    """Read every byte of an index and check it: checksums, the SQLite store, counts and vectors.

    Example: factcheck index verify .factcheck-index
    """
    with _errors():
        from evidence import verify_index

        manifest = verify_index(index_dir)
        typer.echo(f"{index_dir}: ok ({manifest.documents} documents, {manifest.passages} passages)")


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
                 "distilled student, about twice as fast), 'base' (on all-mpnet-base-v2; needs the [base] extra and a "
                 "trained adapter), 'heuristic', or a model folder from "
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
        typer.Option("--format", "-f", help=f"Report format: {', '.join(FORMATS)} (setting: format)."),
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
    engine: EngineOpt = Engine.local,
    address: AddressOpt = None,
    workers: WorkersOpt = None,
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
        _check_output(output)
        if given and changed_only:
            raise Fail("--changed-only works on articles, not on --claims files")
        only = _changed(paths, base) if changed_only else None
        policy = _policy(settings)  # a bad baseline fails before the models load
        cluster = _cluster(engine, address, workers, settings, given)
        report, sources = _run_check(paths, settings, only_lines=only, given=given, cluster=cluster)
        _emit(report, sources, settings.format, output, policy)
        gate = _announce(report, policy)
    raise typer.Exit(EXIT_OK if gate.passed else EXIT_GATE_FAILED)


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
        from factcheck.report.summary import counts_text, gate_result

        settings = _settings(
            fail_on=fail_on.value if fail_on else None, top_k=top_k, verifier=verifier, **_source_flags(index, corpus)
        )
        paths = _expand(articles)
        _check_output(out)
        report, _ = _run_check(paths, settings)
        # The baseline is taken without the old baseline or a confidence floor: it records every failing claim.
        policy = _policy(settings, baseline=frozenset(), min_confidence=0.0)
        known = failing(report, policy)
        _write_atomic(out, baseline_text(known))
        typer.echo(f"wrote {len(known)} known claim(s) to {out}")
        typer.echo(
            f"factcheck: {counts_text(gate_result(report, policy))}; baseline records {len(known)} that fail "
            f"policy {policy.fail_on}",
            err=True,
        )


@train_app.command("verifier")
def train_verifier_command(
    data: Annotated[
        Path,
        typer.Option("--data", help="The public datasets folder (full recipe) or a .jsonl of {claim, evidence, label} "
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
    threads: Annotated[int | None, typer.Option("--threads", help="torch CPU threads (default: torch's).")] = None,
    size: Annotated[
        int | None, typer.Option("--size", help="Train pairs the full recipe draws (default 15000).")
    ] = None,
    held_out_by: Annotated[
        str | None,
        typer.Option("--held-out-by", help="Full recipe: hold out SciFact train claims one by one (claim) or in "
                     "groups citing a common abstract (abstract); default: as the --init-from model, else claim."),
    ] = None,
    scifact_titles: Annotated[
        bool | None,
        typer.Option("--scifact-titles/--no-scifact-titles",
                     help="Full recipe: put each SciFact evidence text behind its abstract's title."),
    ] = None,
    evaluate: Annotated[
        bool, typer.Option("--eval/--no-eval", help="Full recipe: score SciFact dev and FEVER Symmetric.")
    ] = True,
    max_steps: Annotated[
        int | None, typer.Option("--max-steps", help="Cap on optimiser steps per stage (smoke runs).")
    ] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", help="Train on a base-size encoder instead: 'mpnet' (all-mpnet-base-v2, needs "
                     "`make install-base`) or an encoder folder with --recipe. Resumable: rerun "
                     "the same command to continue."),
    ] = None,
    recipe: Annotated[
        Path | None, typer.Option("--recipe", help="With --base: the recipe file (default: the base's own).")
    ] = None,
    checkpoints: Annotated[
        Path | None, typer.Option("--checkpoints", help="With --base: checkpoint folder (default: OUT.checkpoints).")
    ] = None,
) -> None:
    """Train the verifier, or fine-tune and recalibrate it on your own labelled claims.

    Example: factcheck train verifier --data my_labels.jsonl --out my-verifier
    then: factcheck check article.md --corpus docs --verifier my-verifier
    """
    with _errors():
        from factcheck.training.command import hyper_parameters, train
        from factcheck.training.errors import TrainingError
        from factcheck.training.train import TrainSettings

        if not data.exists():
            raise Fail(f"training data {data} does not exist; pass the public datasets folder or a .jsonl file")
        if base is not None:
            given = {"--seed": seed != 13, "--epochs": epochs, "--init-from": init_from, "--held-out-by": held_out_by,
                     "--scifact-titles": scifact_titles}  # fmt: skip
            if set_flags := [flag for flag, value in given.items() if value not in (None, False)]:
                raise Fail(f"--base trains from its recipe file: set {', '.join(set_flags)} there, not as a flag")
            from factcheck.training.base_train import BaseRun

            _train_base(data, out, BaseRun(base, recipe, checkpoints, device, threads, size, max_steps, evaluate))
            return
        if recipe is not None or checkpoints is not None:
            raise Fail("--recipe and --checkpoints go with --base")
        settings = TrainSettings(
            seed=seed, init_from=init_from, size=size or 15_000,
            hyper=hyper_parameters(data, epochs, max_steps=max_steps),
            threads=threads, evaluate=evaluate, device=device, held_out_by=held_out_by, scifact_titles=scifact_titles,
        )  # fmt: skip
        try:
            report = train(data, out, settings, log=lambda message: typer.echo(message, err=True))
        except TrainingError as exc:
            raise Fail(str(exc)) from None
        typer.echo(f"wrote {report.model_id} to {out} (temperature {report.temperature:.3f})")


def _train_base(data: Path, out: Path, run: BaseRun) -> None:
    """`train verifier --base`: the recipe of factcheck.training.base_train, the flags overriding it."""
    from factcheck.training.base_train import train_base_verifier
    from factcheck.training.errors import TrainingError

    try:
        report = train_base_verifier(data, out, run, log=lambda message: typer.echo(message, err=True))
    except TrainingError as exc:
        raise Fail(str(exc)) from None
    typer.echo(f"wrote {report.model_id} to {out} (temperature {report.temperature:.3f})")


def _train_step(step: str, summary: str) -> None:
    """`factcheck train STEP ...`: a step of the verifier recipe, with its own flags (`--help` lists them)."""

    def command(ctx: typer.Context) -> None:
        from factcheck.training.command import run_step

        raise typer.Exit(run_step(step, list(ctx.args)))

    command.__doc__ = f"{summary} (a step of `make verifier`; --help lists its flags)."
    passthrough = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
    train_app.command(step, context_settings=passthrough, add_help_option=False)(command)


_train_step("soup", "Average a verifier with fine-tuned copies of it")
_train_step("distill", "Train a copy of a verifier, smaller or not, to answer as it does")
_train_step("contrast", "Add direction-reversed copies to a .jsonl of labelled pairs")
_train_step("combine", "Refit how model, typed checks and similarity combine into a verdict")


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


def _announce(report: Report, policy: GatePolicy) -> GateResult:
    """The run's one summary line on stderr; inside GitHub Actions also annotations and the job summary."""
    from factcheck.ci import publish
    from factcheck.report.markdown import render_markdown
    from factcheck.report.summary import gate_result, summary_line

    gate = gate_result(report, policy)
    publish(gate.failing, lambda: render_markdown(report, policy), os.environ, sys.stderr)
    typer.echo(summary_line(gate), err=True)
    return gate


def _check_output(path: Path | None) -> None:
    """Fail before any work when the report could not be written where asked."""
    if path is None:
        return
    if path.is_dir():
        raise Fail(f"{path} is a folder; give -o the name of a file to write")
    if not path.parent.is_dir():
        raise Fail(f"cannot write to {path}: the folder {path.parent} does not exist; create it or pick another path")


def _run_check(
    inputs: list[Path],
    settings: Settings,
    *,
    only_lines: dict[str, frozenset[int]] | None = None,
    given: bool = False,
    cluster: ClusterSettings | None = None,
) -> tuple[Report, dict[str, str]]:
    from claims import ClaimExtractor, read_article, read_claims_file
    from evidence.retrieve import DeferredIndex
    from factcheck.cache import CACHE_FILE, CheckCache
    from factcheck.pipeline import (
        GIVEN_CLAIMS,
        ClaimSet,
        cache_home,
        check_claims,
        extract_claims,
        index_for_corpus,
        preload,
    )
    from factcheck.verify.factory import make_verifier

    if bool(settings.index) == bool(settings.corpus):
        raise Fail("give exactly one of --index DIR or --corpus DIR (or the index / corpus setting)")
    if not inputs:
        raise Fail("no article given; pass one or more files")
    # Read every input before loading a model: a bad file fails fast and costs nothing.
    if given:
        if missing := [p for p in inputs if not p.is_file()]:
            raise Fail(f"claims file not found: {missing[0]}; check the path and the working directory")
        sets = [ClaimSet(str(p), *read_claims_file(p)) for p in inputs]
    else:
        docs = [read_article(path) for path in inputs]
    # A verifier that cannot run (an untrained or uninstalled one) fails before any index or claim work.
    verifier = make_verifier(settings)
    if cluster is not None:
        from factcheck.ray_check import check_on_ray

        with _progress(True, settings.log_interval) as progress:
            report = check_on_ray(docs, settings, cluster, only_lines=only_lines, progress=progress)
        return report, {doc.path: doc.text for doc in docs}
    embedder = _embedder(settings)
    cache = CheckCache(cache_home(settings) / CACHE_FILE) if settings.cache else None
    loading = None
    with _progress(True, settings.log_interval) as progress:
        if settings.index:
            # Deferred: when every verdict comes from the cache, the vectors are never read.
            evidence_index = DeferredIndex(Path(settings.index), embedder)
        else:
            evidence_index = index_for_corpus(Path(settings.corpus), embedder, settings, progress=progress)
        with evidence_index:
            try:
                if given:
                    source = GIVEN_CLAIMS
                else:
                    extractor = ClaimExtractor()
                    fresh = cache is None or any(
                        cache.claims(d.text, d.path, extractor.rules_id) is None for d in docs
                    )
                    if fresh and settings.runtime == "onnx":
                        # New claims need both models: their sessions are built while spaCy parses.
                        loading = preload(embedder, *filter(None, [getattr(verifier, "model", None)]))
                    sets = list(extract_claims(docs, extractor, only_lines=only_lines, progress=progress, cache=cache))
                    source = extractor.model_id
                report = check_claims(
                    sets, evidence_index, verifier, settings, claim_source=source, progress=progress, cache=cache
                )
            finally:
                if loading is not None:
                    loading.join()  # never exit while a session is being built (see pipeline.preload)
    return report, {s.path: s.text for s in sets}


def _cluster(
    engine: Engine, address: str | None, workers: int | None, settings: Settings, given: bool
) -> ClusterSettings | None:
    """Where `check` runs: None for this process, else the Ray cluster (which needs a built --index)."""
    if engine is Engine.local:
        if address is not None or workers is not None:
            raise Fail("--address and --workers go with --engine ray")
        return None
    from evidence.engines import ClusterSettings, ray_module

    ray_module()  # a missing extra is said before anything is read
    if not settings.index or given:
        raise Fail("--engine ray checks articles against a built --index (build it with `factcheck index build`)")
    return ClusterSettings(address, workers)


def _emit(report: Report, sources: dict[str, str], output_format: str, output: Path | None, policy: GatePolicy) -> None:
    if output_format == "text" and output is None:
        from factcheck.report.summary import gate_result
        from factcheck.report.text import render_text

        render_text(report, _console(), gate_result(report, policy))
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

    from factcheck.report.summary import gate_result
    from factcheck.report.text import render_text

    buffer = StringIO()
    render_text(report, Console(file=buffer, width=120, no_color=True, highlight=False), gate_result(report, policy))
    return buffer.getvalue()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
