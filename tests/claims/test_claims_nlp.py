"""The shared spaCy pipeline: its faster matrix products parse exactly as spaCy's own, and the parts of spaCy
hidden while it first loads still work afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from claims.nlp import SPACY_MODEL, load_pipeline

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "tests" / "data" / "articles" / "harbour_turbines.txt"

ATTRIBUTES = ("text", "tag_", "pos_", "dep_", "lemma_", "ent_type_", "ent_iob_", "is_sent_start")


def _parse(nlp, texts: list[str]) -> list[list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    return [
        [(*(getattr(t, a) for a in ATTRIBUTES), t.head.i) for t in doc] for doc in nlp.pipe(texts)
    ]


def test_the_pipeline_parses_exactly_as_with_spacys_own_ops() -> None:
    import spacy
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    ours = load_pipeline()
    assert not ours.get_pipe("tok2vec").model.ops.use_blis
    previous = get_current_ops()
    set_current_ops(NumpyOps())
    try:
        stock = spacy.load(SPACY_MODEL)
    finally:
        set_current_ops(previous)
    assert stock.get_pipe("tok2vec").model.ops.use_blis
    paragraphs = [p for p in ARTICLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    texts = [*paragraphs, " ".join(paragraphs), "NATO said on 3 May 2019 that 1,200 troops would stay."]
    assert _parse(ours, texts) == _parse(stock, texts)


def test_spacy_loads_without_its_command_line_which_still_imports_afterwards() -> None:
    code = (
        "import sys\n"
        "from claims.nlp import load_pipeline\n"
        "load_pipeline()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'weasel') or m == 'spacy.cli'))\n"
        "import spacy, spacy.cli\n"
        "assert callable(spacy.cli.download)\n"
        "assert spacy.info()['spacy_version'] == spacy.__version__\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO)}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "ok"], done.stdout
