"""Where a user waits: `--help`, a cold `check` split by stage, a ~40-claim article against a large index
(cold and warm), indexing throughput, peak memory, and each stage's wall time against the model time inside it.

    .venv/bin/python bench/perf.py                    # everything; the large index needs $PUBLIC_DATA
    .venv/bin/python bench/perf.py --passages 5000    # a smaller large index (building 100,000 takes long)
    .venv/bin/python bench/perf.py --runtimes torch,onnx --accuracy

Every figure is a median of --runs runs in this invocation, printed with the load average at the time: on a
shared machine compare the ratios and the runtimes against each other, not with figures from another run.
"Model time" is the time spent inside the embedder's, the verifier's and spaCy's calls during a stage; a
stage's ratio is its wall time over that. Cold runs are fresh processes; warm runs reuse a loaded process.
The large corpus is made of SciFact abstracts, FM2 evidence sentences and the NATO demo corpus's paragraphs,
cut to one passage each and repeated with a "[copy N]" marker until there are --passages of them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", REPO.parent / "shared" / "data"))
CACHE = REPO / ".factcheck-cache" / "bench" / "perf"
DEMO = REPO / "factcheck" / "demo"
# Articles written by the team, about 40 claims each; the warm run checks the second in the same process.
ARTICLES = REPO / "bench" / "judgements" / "articles"
COLD_PARTS = ("06.txt",)
WARM_PARTS = ("07.txt",)
STAGES = ("import", "model loading", "extraction", "retrieval", "verification", "rendering")
FACTCHECK = [sys.executable, "-m", "factcheck.cli"]
# The exported ONNX models of this run (the one-time export is timed apart from the cold runs).
MODELS = CACHE / "models"


def load() -> str:
    return "load {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------------------------- child side


class ModelClock:
    """Adds up the seconds spent inside model calls, by wrapping them in place."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, owner: type, name: str, key: str, *, generator: bool = False) -> None:
        original = getattr(owner, name)
        clock = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = original(*args, **kwargs)
                # spaCy's pipe is lazy: run it here so that its time is counted.
                return iter(list(result)) if generator else result
            finally:
                clock.seconds[key] += time.perf_counter() - start

        setattr(owner, name, timed)

    def total(self) -> float:
        return sum(self.seconds.values())


class StageTimer:
    def __init__(self, clock: ModelClock) -> None:
        self.clock = clock
        self.rows: dict[str, dict[str, float]] = {}
        self._start = time.perf_counter()
        self._model = 0.0

    def mark(self, stage: str) -> None:
        now, model = time.perf_counter(), self.clock.total()
        self.rows[stage] = {"wall": now - self._start, "model": model - self._model, "rss_mib": peak_mib()}
        self._start, self._model = time.perf_counter(), self.clock.total()


def instrument(clock: ModelClock) -> None:
    import spacy.language

    from evidence import embed
    from factcheck.verify.crossencoder import CrossEncoderModel

    for cls in embed.EMBEDDERS:
        clock.wrap(cls, "_encode", "embedder")
    clock.wrap(CrossEncoderModel, "predict_logits", "verifier")
    clock.wrap(spacy.language.Language, "pipe", "spacy", generator=True)


def heavy_imports(runtime: str) -> None:
    """What a check imports, the way it imports it (spaCy without torch and its command line)."""
    from claims.nlp import import_spacy
    from evidence.offline import offline

    offline()
    import faiss  # noqa: F401
    import numpy  # noqa: F401

    import_spacy()

    if runtime == "torch":
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    else:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401


def child_check(args: argparse.Namespace) -> dict[str, Any]:
    """One cold check in this fresh process, stage by stage, then (with --warm) a second article."""
    clock = ModelClock()
    timer = StageTimer(clock)
    from claims import ClaimExtractor, read_article
    from claims.nlp import load_pipeline
    from evidence import make_embedder, open_index
    from factcheck.config import load_settings
    from factcheck.pipeline import cache_home, check_claims, extract_claims
    from factcheck.report.json_report import render_json
    from factcheck.verify.factory import make_verifier

    settings = load_settings()
    heavy_imports(settings.runtime)
    instrument(clock)
    timer.mark("import")

    embedder = make_embedder(settings.runtime, cache_home(settings))
    index = open_index(Path(args.index), embedder)
    extractor = ClaimExtractor()
    verifier = make_verifier(settings)
    load_pipeline()
    embedder.load()
    if hasattr(verifier, "load"):
        verifier.load()
    timer.mark("model loading")

    def one(article_path: str, prefix: str) -> tuple[int, dict[str, int]]:
        article = read_article(Path(article_path))
        sets = extract_claims([article], extractor)
        timer.mark(prefix + "extraction")

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "retrieving evidence":
                timer.mark(prefix + "retrieval")

        report = check_claims(sets, index, verifier, settings, claim_source=extractor.model_id, progress=progress)
        timer.mark(prefix + "verification")
        render_json(report)
        timer.mark(prefix + "rendering")
        return len(report.verdicts()), {k.value: v for k, v in report.counts().items()}

    claims, labels = one(args.article, "")
    out: dict[str, Any] = {"claims": claims, "labels": labels}
    if args.warm:
        out["warm_claims"], _ = one(args.warm, "warm ")
    index.close()
    out["stages"] = timer.rows
    out["model_seconds"] = dict(clock.seconds)
    return out


def child_prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Load (and with the onnx runtime, export once) both models, so that the cold runs measure start-up only."""
    from evidence import make_embedder
    from factcheck.config import load_settings
    from factcheck.pipeline import cache_home
    from factcheck.verify.factory import make_verifier

    settings = load_settings()
    start = time.perf_counter()
    make_embedder(settings.runtime, cache_home(settings)).load()
    make_verifier(settings).load()  # type: ignore[attr-defined]
    return {"seconds": time.perf_counter() - start, "rss_mib": peak_mib()}


def child_update(args: argparse.Namespace) -> dict[str, Any]:
    """Time ``update_index`` after one document of the corpus changed (the index is a copy)."""
    from evidence import make_embedder, update_index
    from factcheck.config import load_settings
    from factcheck.pipeline import cache_home

    settings = load_settings()
    embedder = make_embedder(settings.runtime, cache_home(settings))
    start = time.perf_counter()
    result = update_index(Path(args.index), Path(args.corpus), embedder)
    return {"seconds": time.perf_counter() - start, "changed": len(result.changed), "rss_mib": peak_mib()}


def child_build(args: argparse.Namespace) -> dict[str, Any]:
    from evidence import build_index, make_embedder
    from factcheck.config import load_settings
    from factcheck.pipeline import cache_home

    settings = load_settings()
    embedder = make_embedder(settings.runtime, cache_home(settings))
    start = time.perf_counter()
    result = build_index(Path(args.corpus), Path(args.index), embedder)
    seconds = time.perf_counter() - start
    return {"passages": result.manifest.passages, "seconds": seconds, "rss_mib": peak_mib()}


# -------------------------------------------------------------------------------------------- parent side


def run_child(mode: str, runtime: str, **flags: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode]
    for key, value in flags.items():
        command += [f"--{key}", value]
    env = {**os.environ, "PYTHONPATH": str(REPO), "FACTCHECK_RUNTIME": runtime,
           "FACTCHECK_CACHE_HOME": str(MODELS)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench/perf.py: the {mode} child failed:\n{done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, env=env, check=False, cwd=REPO)
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def stage_table(runs: list[dict[str, Any]], stages: tuple[str, ...]) -> Iterator[str]:
    total = 0.0
    for stage in stages:
        walls = [r["stages"][stage]["wall"] for r in runs]
        models = [r["stages"][stage]["model"] for r in runs]
        rss = max(r["stages"][stage]["rss_mib"] for r in runs)
        w, m = median(walls), median(models)
        total += w
        ratio = f"{w / m:5.2f}x" if m > 0.01 else "   - "
        yield f"  {stage:<22} {w:7.2f} s   model {m:6.2f} s   ratio {ratio}   peak RSS {rss:6.0f} MiB"
    yield f"  {'total':<22} {total:7.2f} s"


def make_corpus(target: int) -> Path | None:
    """A jsonl corpus of ``target`` one-passage documents from the public datasets (cached)."""
    folder = CACHE / f"corpus-{target}"
    corpus = folder / "passages.jsonl"
    if corpus.is_file():
        return folder
    texts = list(public_texts())
    if not texts:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    with open(corpus.with_suffix(".tmp"), "w", encoding="utf-8") as out:
        for n in range(target):
            title, text = texts[n % len(texts)]
            copy = n // len(texts)
            marked = f"[copy {copy}] {text}" if copy else text
            out.write(json.dumps({"id": f"p{n}", "title": title, "text": marked}) + "\n")
    corpus.with_suffix(".tmp").rename(corpus)
    return folder


def public_texts() -> Iterator[tuple[str, str]]:
    """(title, text) pieces of at most ~100 words, so that each is one passage."""
    scifact = PUBLIC_DATA / "scifact" / "corpus.jsonl"
    if scifact.is_file():
        for line in scifact.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            yield from _pieces(record["title"], record["abstract"])
    fm2 = PUBLIC_DATA / "fm2" / "dev.jsonl"
    if fm2.is_file():
        for line in fm2.read_text(encoding="utf-8").splitlines():
            for item in json.loads(line).get("gold_evidence", []):
                if item.get("text"):
                    yield str(item.get("title", "")), str(item["text"])
    nato = PUBLIC_DATA / "nato_russia_demo_corpus" / "wikipedia_2019"
    for path in sorted(nato.glob("*.md")) if nato.is_dir() else ():
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 8]
        yield from _pieces(path.stem.replace("_", " "), paragraphs)


def _pieces(title: str, sentences: list[str]) -> Iterator[tuple[str, str]]:
    piece: list[str] = []
    for sentence in sentences:
        if piece and len(" ".join([*piece, sentence]).split()) > 100:
            yield title, " ".join(piece)
            piece = []
        piece.append(sentence)
    if piece:
        yield title, " ".join(piece)


def joined_article(parts: tuple[str, ...], out: Path) -> Path:
    out.write_text("\n\n".join((ARTICLES / p).read_text(encoding="utf-8").strip() for p in parts) + "\n")
    return out


def section(title: str) -> None:
    print(f"\n== {title}   ({load()})")


def bench_help(runs: int) -> None:
    section("factcheck --help")
    times = [wall([*FACTCHECK, "--help"], {**os.environ, "PYTHONPATH": str(REPO)}) for _ in range(runs)]
    print(f"  median {median(times):.2f} s over {runs} runs (min {min(times):.2f}, max {max(times):.2f})")


def bench_demo(runs: int, runtimes: list[str], tmp: Path) -> None:
    index = tmp / "demo-index"
    if not index.is_dir():
        run_child("build", runtimes[0], corpus=str(DEMO / "corpus"), index=str(index))
    for runtime in runtimes:
        prepare(runtime)
        section(f"cold check of the demo article, runtime {runtime}, {runs} fresh processes")
        results = [run_child("check", runtime, index=str(index), article=str(DEMO / "article.md")) for _ in range(runs)]
        for line in stage_table(results, STAGES):
            print(line)
        env = {**os.environ, "PYTHONPATH": str(REPO), "FACTCHECK_RUNTIME": runtime, "FACTCHECK_CACHE": "false",
               "FACTCHECK_CACHE_HOME": str(MODELS)}
        cli = [*FACTCHECK, "check", str(DEMO / "article.md"), "--index", str(index), "-f", "json", "-o",
               str(tmp / "demo.json")]
        times = [wall(cli, env) for _ in range(runs)]
        print(f"  `factcheck check` wall, median of {runs}: {median(times):.2f} s; "
              f"{results[0]['claims']} claims {results[0]['labels']}")
        env["FACTCHECK_CACHE"] = "true"
        for stale in MODELS.glob("checks.sqlite*"):
            stale.unlink()
        wall(cli, env)
        times = [wall(cli, env) for _ in range(runs)]
        print(f"  re-check of the unchanged article (verdict cache hit), median of {runs}: {median(times):.2f} s")


def prepare(runtime: str) -> None:
    exported = runtime == "onnx" and not any((MODELS / "onnx").glob("*.onnx"))
    section(f"runtime {runtime}: {'first use, models exported to ONNX' if exported else 'models loaded once'}")
    ready = run_child("prepare", runtime)
    print(f"  both models ready in {ready['seconds']:.1f} s, peak RSS {ready['rss_mib']:.0f} MiB")


def bench_large(passages: int, runs: int, runtimes: list[str], tmp: Path) -> None:
    corpus = make_corpus(passages)
    if corpus is None:
        print(f"\n== large index: no public datasets at {PUBLIC_DATA} (set PUBLIC_DATA); only the demo part ran")
        return
    cold = joined_article(COLD_PARTS, tmp / "article-cold.txt")
    warm = joined_article(WARM_PARTS, tmp / "article-warm.txt")
    for runtime in runtimes:
        prepare(runtime)
        index = CACHE / f"index-{passages}-{runtime}"
        section(f"indexing {passages:,} passages (SciFact, FM2, NATO pieces with copy markers), runtime {runtime}")
        if index.is_dir():
            print(f"  reusing {index} (delete it to time the build again)")
        else:
            built = run_child("build", runtime, corpus=str(corpus), index=str(index))
            print(f"  {built['passages']:,} passages in {built['seconds']:.0f} s: "
                  f"{built['passages'] / built['seconds']:.1f} passages/s, peak RSS {built['rss_mib']:.0f} MiB")
        section(f"~40-claim article against {passages:,} passages, runtime {runtime}, {runs} fresh processes")
        results = [run_child("check", runtime, index=str(index), article=str(cold), warm=str(warm))
                   for _ in range(runs)]
        print(f"  cold ({results[0]['claims']} claims):")
        for line in stage_table(results, STAGES):
            print(line)
        print(f"  warm, models loaded ({results[0]['warm_claims']} claims):")
        for line in stage_table(results, tuple(f"warm {s}" for s in STAGES[2:])):
            print(line)
        bench_update(corpus, index, runtime, tmp)


def bench_update(corpus: Path, index: Path, runtime: str, tmp: Path) -> None:
    """`index update` after one document of the corpus changed, on copies of both."""
    edited, copy = tmp / f"edited-{runtime}", tmp / f"index-{runtime}"
    shutil.copytree(corpus, edited, dirs_exist_ok=True)
    shutil.copytree(index, copy, dirs_exist_ok=True)
    lines = (edited / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[len(lines) // 2])
    record["text"] += " This sentence was added to one document."
    lines[len(lines) // 2] = json.dumps(record)
    (edited / "passages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run_child("update", runtime, corpus=str(edited), index=str(copy))
    print(f"  index update after editing one of {len(lines):,} documents: {done['seconds']:.2f} s "
          f"(fresh process, model load included), peak RSS {done['rss_mib']:.0f} MiB")


def bench_accuracy(runtimes: list[str], sample: int) -> None:
    """Each faster runtime against fp32 torch on the same inputs: embedding vectors, the top 5 of SciFact dev
    claims among public passages, and the verifier's probabilities and labels on labelled pairs."""
    import numpy as np

    from evidence import make_embedder
    from factcheck.training.sources import read_fever_symmetric
    from factcheck.verify.crossencoder import CrossEncoderModel

    if not PUBLIC_DATA.is_dir():
        print(f"\n== accuracy: no public datasets at {PUBLIC_DATA} (set PUBLIC_DATA); skipped")
        return
    texts = [text for _, text in itertools.islice(public_texts(), sample)]
    claims = [json.loads(line)["claim"] for line in
              (PUBLIC_DATA / "scifact" / "claims_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    pairs = [(p.claim, p.evidence, p.label) for group in read_fever_symmetric(PUBLIC_DATA).values() for p in group]
    pairs = pairs[:sample]
    cache = CACHE / "models"
    ref: tuple[Any, ...] = ()
    for runtime in ["torch", *[r for r in runtimes if r != "torch"]]:
        embedder = make_embedder(runtime, cache)
        model = CrossEncoderModel(runtime=runtime, cache_dir=cache if runtime == "onnx" else None)
        docs, queries = embedder.encode_documents(texts), embedder.encode_queries(claims)
        probs = model.predict_proba([(c, e) for c, e, _ in pairs])
        top = np.argsort(-(queries @ docs.T), axis=1)[:, :5]
        predicted = [model.labels[i] for i in probs.argmax(axis=1)]
        accuracy = np.mean([p == gold for p, (_, _, gold) in zip(predicted, pairs, strict=True)])
        if not ref:
            ref = docs, queries, probs, top, predicted, accuracy
            section(f"accuracy reference: fp32 torch; {len(texts)} passages, {len(claims)} SciFact dev claims, "
                    f"{len(pairs)} FEVER Symmetric pairs (verifier accuracy {100 * accuracy:.2f}%)")
            continue
        ref_docs, ref_queries, ref_probs, ref_top, ref_pred, ref_acc = ref
        cosine = min(float((docs * ref_docs).sum(axis=1).min()), float((queries * ref_queries).sum(axis=1).min()))
        same_top = np.mean([set(a) == set(b) for a, b in zip(top, ref_top, strict=True)])
        agree = np.mean([a == b for a, b in zip(predicted, ref_pred, strict=True)])
        print(f"  {runtime}: embeddings max |diff| {np.abs(docs - ref_docs).max():.2e}, min cosine {cosine:.7f}; "
              f"same top-5 passages for {100 * same_top:.1f}% of claims")
        print(f"  {runtime}: verifier max |prob diff| {np.abs(probs - ref_probs).max():.2e}, same label for "
              f"{100 * agree:.2f}% of pairs, accuracy {100 * accuracy:.2f}% (torch {100 * ref_acc:.2f}%)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--passages", type=int, default=100_000, help="size of the large index (0 skips it)")
    parser.add_argument("--runtimes", default="torch,onnx", help="comma-separated: torch, onnx")
    parser.add_argument("--accuracy", action="store_true", help="compare each faster runtime with fp32 torch")
    parser.add_argument("--sample", type=int, default=1000, help="passages and verifier pairs the accuracy check reads")
    parser.add_argument("--skip-demo", action="store_true", help="leave out --help and the demo check")
    parser.add_argument("--child", choices=("check", "build", "prepare", "update"), help=argparse.SUPPRESS)
    parser.add_argument("--index", help=argparse.SUPPRESS)
    parser.add_argument("--article", help=argparse.SUPPRESS)
    parser.add_argument("--warm", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        handlers: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
            "check": child_check, "build": child_build, "prepare": child_prepare, "update": child_update,
        }
        print(json.dumps(handlers[args.child](args)))
        return 0
    runtimes = [r.strip() for r in args.runtimes.split(",") if r.strip()]
    print(f"bench/perf.py on {os.cpu_count()} CPUs, {load()}; runs per figure {args.runs}")
    with tempfile.TemporaryDirectory(prefix="factcheck-perf-") as tmp:
        if not args.skip_demo:
            bench_help(max(args.runs, 5))
            bench_demo(args.runs, runtimes, Path(tmp))
        if args.passages:
            bench_large(args.passages, args.runs, runtimes, Path(tmp))
    if args.accuracy:
        bench_accuracy(runtimes, args.sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
