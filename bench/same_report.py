"""Same input, same report: `factcheck check` at two git revisions, JSON reports compared byte for byte.

    .venv/bin/python bench/same_report.py 819f9d5 HEAD --scifact ../shared/data/scifact
    .venv/bin/python bench/same_report.py main HEAD --article SEED.txt --corpus CORPUS_FOLDER

Cases: the demo article against the demo corpus (each revision's own copy, by relative path);
with --scifact, the first 50 dev claims (a --claims file) against a corpus of the abstracts they
cite plus the first 200 other abstracts of corpus.jsonl; with --article and --corpus, that pair.
Each revision is exported with `git archive` into a temporary folder and run from there, with
PYTHONPATH pointing at it, its own cache folder (no index is shared between the two) and no
FACTCHECK_* variables. The tool_version field is the only part of a report left out of the
comparison. Exit 0 when every case gives the same bytes, 1 when one differs (the first differing
place is printed), 2 on a usage error or a run that fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_VERSION = re.compile(r'("tool_version":\s*)"[^"]*"')


@dataclass(frozen=True, slots=True)
class Case:
    """One `factcheck check` run: its name and the arguments before --format."""

    name: str
    args: tuple[str, ...]


def export(rev: str, dest: Path) -> str:
    """Write the tree of ``rev`` into ``dest``; returns the commit it names."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{rev}^{{commit}}"], capture_output=True, text=True
    )
    if commit.returncode != 0:
        raise SystemExit(f"same_report: {rev!r} is not a commit of {REPO}: name a branch, tag or commit id")
    archive = subprocess.Popen(
        ["git", "-C", str(REPO), "archive", "--format=tar", commit.stdout.strip()], stdout=subprocess.PIPE
    )
    assert archive.stdout is not None
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        tar.extractall(dest, filter="data")
    if archive.wait() != 0:
        raise SystemExit(f"same_report: git archive {rev} failed")
    return commit.stdout.strip()[:12]


def scifact_case(scifact: Path, work: Path, claims: int, others: int) -> Case:
    """The first ``claims`` dev claims and a corpus of their cited abstracts plus ``others`` more."""
    dev, corpus = scifact / "claims_dev.jsonl", scifact / "corpus.jsonl"
    for path in (dev, corpus):
        if not path.is_file():
            raise SystemExit(f"same_report: {path} is missing: --scifact names the folder of SciFact's jsonl files")
    picked = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines()[:claims]]
    cited = {int(doc) for claim in picked for doc in claim["cited_doc_ids"]}
    lines, extra = [], 0
    for line in corpus.read_text(encoding="utf-8").splitlines():
        doc_id = json.loads(line)["doc_id"]
        if doc_id in cited or extra < others:
            extra += doc_id not in cited
            lines.append(line)
    folder = work / "scifact_corpus"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    claims_file = work / "scifact_claims.jsonl"
    rows = [json.dumps({"id": claim["id"], "claim": claim["claim"]}) for claim in picked]
    claims_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return Case(
        f"scifact ({len(picked)} claims, {len(lines)} abstracts)",
        (str(claims_file), "--claims", "--corpus", str(folder)),
    )


def run_check(tree: Path, case: Case, out: Path) -> bytes:
    """The JSON report of ``case`` as ``tree``'s code writes it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FACTCHECK_")}
    env.update(PYTHONPATH=str(tree), FACTCHECK_CACHE_HOME=str(tree.parent / f"{tree.name}-cache"), HF_HUB_OFFLINE="1")
    command = [sys.executable, "-c", "from factcheck.cli import main; main()", "check", *case.args]
    done = subprocess.run(
        [*command, "--format", "json", "-o", str(out)], cwd=tree, env=env, capture_output=True, text=True
    )
    if done.returncode not in (0, 1) or not out.is_file():
        tail = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise SystemExit(f"same_report: {case.name} failed in {tree.name} (exit {done.returncode}): {tail[0]}")
    return out.read_bytes()


def first_difference(old: object, new: object, where: str = "$") -> str:
    """The JSON path of the first place where ``old`` and ``new`` differ, with both values."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                return first_difference(old.get(key), new.get(key), f"{where}.{key}")
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                return first_difference(a, b, f"{where}[{i}]")
    return f"{where}: {json.dumps(old)[:200]} -> {json.dumps(new)[:200]}"


def compare(old: bytes, new: bytes) -> str | None:
    """None when the reports are the same bytes outside tool_version, else where they differ."""
    old_text, new_text = (_VERSION.sub(r'\1""', data.decode("utf-8"), count=1) for data in (old, new))
    if old_text == new_text:
        return None
    try:
        return first_difference(json.loads(old_text), json.loads(new_text))
    except json.JSONDecodeError:
        return "the reports are not both JSON"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="git revision of the reference run")
    parser.add_argument("new", help="git revision to compare with it")
    parser.add_argument("--scifact", type=Path, help="folder of SciFact's claims_dev.jsonl and corpus.jsonl")
    parser.add_argument("--claims", type=int, default=50, help="SciFact dev claims to check (first in the file)")
    parser.add_argument("--others", type=int, default=200, help="uncited SciFact abstracts added to the corpus")
    parser.add_argument("--article", type=Path, help="an article to check against --corpus as well")
    parser.add_argument("--corpus", type=Path, help="the corpus folder for --article")
    parser.add_argument("--keep", type=Path, help="copy both reports of each case into this folder")
    args = parser.parse_args()
    if (args.article is None) != (args.corpus is None):
        parser.error("--article and --corpus go together")
    with tempfile.TemporaryDirectory(prefix="same-report-") as tmp:
        work = Path(tmp)
        cases = [Case("demo", ("factcheck/demo/article.md", "--corpus", "factcheck/demo/corpus"))]
        if args.scifact is not None:
            cases.append(scifact_case(args.scifact.resolve(), work, args.claims, args.others))
        if args.article is not None:
            cases.append(Case(args.article.name, (str(args.article.resolve()), "--corpus", str(args.corpus.resolve()))))
        trees = {side: work / side for side in ("old", "new")}
        commits = {side: export(getattr(args, side), tree) for side, tree in trees.items()}
        print(f"old {args.old} = {commits['old']}, new {args.new} = {commits['new']}")
        differ = 0
        for number, case in enumerate(cases):
            reports = {side: run_check(tree, case, work / f"{side}-{number}.json") for side, tree in trees.items()}
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                for side, data in reports.items():
                    (args.keep / f"{number}-{side}.json").write_bytes(data)
            difference = compare(reports["old"], reports["new"])
            differ += difference is not None
            size = len(reports["new"])
            print(f"{case.name}: " + (f"same ({size} bytes)" if difference is None else f"DIFFERENT at {difference}"))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
