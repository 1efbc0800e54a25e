"""Claim extraction on text nobody tuned for: PropSegmEnt coverage and a draw for blind judging.

Run from the repository root:
    .venv/bin/python bench/propsegment.py --data ../shared/data/propsegment
    .venv/bin/python bench/propsegment.py --data ../shared/data/propsegment \
        --articles bench/judgements/articles --draw 160 --seed 1 --out bench/judgements/draw-1

Coverage (PropSegmEnt test split, the Wikipedia clusters whose full text is public): each human
reference proposition is a subset of its sentence's tokens. It counts as covered when every one of
its content words (lower-cased, stop words removed, inflection-tolerant: a shared prefix of five
letters) occurs in one claim whose span lies in that sentence. Also printed: sentences with no
claim and claims per sentence.

With --all-claims DIR, every claim and text is written for `bench/judgements/changed.py`, which judges only
the claims two versions of the rules do not share. The draw: claims picked at random (seeded), half from the
PropSegmEnt documents and half from the articles in --articles (plain text, one per file), written as a packet
a judge can read without the code: items.jsonl (id, article, source sentence, claim) and articles/ (the full
texts). The judge
applies bench/judgements/RUBRIC.md; `bench/judgements/score.py` turns judgements into figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# --rules CHECKOUT: the claim rules of another checkout (a git worktree of an older commit), read before these
RULES = next((sys.argv[i + 1] for i, arg in enumerate(sys.argv[:-1]) if arg == "--rules"), None)
if RULES:
    sys.path.insert(0, str(Path(RULES).resolve()))

from claims import Claim, ClaimExtractor  # noqa: E402
from claims.lexicon import words  # noqa: E402

STOP = words(
    "a an the of to in on at by for with from and or but that this these those is are was were be been being has "
    "have had do does did its it their his her he she they him them as into than then also will would could should "
    "can may s which who whom whose"
)
WORD = re.compile(r"[\w\u00c0-\uffff]+")


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    start: int
    end: int
    propositions: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    sentences: tuple[Sentence, ...]


def content(words: list[str]) -> list[str]:
    return [w for w in (x.lower() for x in words) if w not in STOP and WORD.fullmatch(w)]


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    return len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5]


def covered(proposition: tuple[str, ...], claim_text: str) -> bool:
    words = [w.lower() for w in WORD.findall(claim_text)]
    return all(any(_same_word(p, w) for w in words) for p in proposition)


def load_propsegment(folder: Path) -> list[Document]:
    clusters = json.loads((folder / "document_clusters.test.json").read_text())
    reference: dict[tuple[str, int], tuple[tuple[str, ...], ...]] = {}
    for row in json.loads((folder / "propositions.test.json").read_text()):
        sid = row["sentence_id"]
        for response in row["segmentation_responses"]:
            if response.get("is_reference_response"):
                reference[(sid["document_id"], sid["sentence_index"])] = tuple(
                    tuple(p["token_indices"]) for p in response["propositions"]
                )
    documents = []
    for cluster in clusters:
        for doc in cluster["documents"]:
            text = doc["document"]
            cursor = 0
            sentences = []
            for index, sentence in enumerate(doc["sentences"]):
                found = text.find(sentence["sentence_text"], cursor)
                if found < 0:
                    continue
                cursor = found + len(sentence["sentence_text"])
                props = reference.get((doc["document_id"], index))
                if props is None:
                    continue
                tokens = [t["text"] for t in sentence["tokens"]]
                words = tuple(
                    tuple(content([tokens[i] for i in p if i < len(tokens)])) for p in props
                )
                sentences.append(Sentence(doc["document_id"], index, found, cursor, tuple(w for w in words if w)))
            if sentences:
                documents.append(Document(doc["document_id"], text, tuple(sentences)))
    return documents


def claims_in(sentence: Sentence, claims: tuple[Claim, ...]) -> list[Claim]:
    return [c for c in claims if c.start < sentence.end and c.end > sentence.start]


def coverage(documents: list[Document], extracted: dict[str, tuple[Claim, ...]]) -> str:
    props = hit = empty = total_sentences = total_claims = 0
    for doc in documents:
        for sentence in doc.sentences:
            mine = claims_in(sentence, extracted[doc.doc_id])
            total_sentences += 1
            total_claims += len(mine)
            empty += not mine
            for proposition in sentence.propositions:
                props += 1
                hit += any(covered(proposition, c.text) for c in mine)
    return (
        f"PropSegmEnt test (Wikipedia, {len(documents)} documents, {total_sentences} sentences): "
        f"propositions covered {hit / props:.1%} of {props}; sentences with no claim {empty / total_sentences:.1%} "
        f"({empty}); claims per sentence {total_claims / total_sentences:.2f}"
    )


def draw(
    pools: list[list[tuple[str, str, Claim]]], count: int, seed: int, out: Path, texts: dict[str, str]
) -> None:
    """An equal share of ``count`` from each pool (the last takes the remainder), in document order."""
    rng = random.Random(seed)
    pool = [item for group in pools for item in group]
    chosen: list[int] = []
    offset = 0
    for n, group in enumerate(pools):
        share = count - len(chosen) if n == len(pools) - 1 else count // len(pools)
        chosen.extend(offset + i for i in rng.sample(range(len(group)), min(share, len(group))))
        offset += len(group)
    chosen.sort()
    (out / "articles").mkdir(parents=True, exist_ok=True)
    used = sorted({pool[i][0] for i in chosen})
    for name in used:
        (out / "articles" / f"{name}.txt").write_text(texts[name])
    with (out / "items.jsonl").open("w") as handle:
        for n, i in enumerate(chosen, 1):
            name, document, claim = pool[i]
            handle.write(
                json.dumps(
                    {
                        "id": f"c{n:03d}",
                        "article": f"articles/{name}.txt",
                        "document": document,
                        "source": claim.source_text,
                        "claim": claim.text,
                        "speaker": claim.attributed_to,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    print(f"drew {len(chosen)} of {len(pool)} claims from {len(used)} articles into {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the PropSegmEnt folder")
    parser.add_argument("--articles", type=Path, help="a folder of plain-text articles to add to the draw")
    parser.add_argument("--draw", type=int, default=0, help="claims to draw for blind judging (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="where the judging packet goes")
    parser.add_argument("--rules", type=Path, help="a checkout whose claims package to use instead of this one's")
    parser.add_argument(
        "--all-claims", type=Path, metavar="DIR",
        help="write every claim (claims.jsonl) and the texts (articles/) to DIR, for bench/judgements/changed.py",
    )  # fmt: skip
    args = parser.parse_args()

    extractor = ClaimExtractor()
    documents = load_propsegment(args.data)
    extracted = {d.doc_id: extractor.extract(d.text, d.doc_id) for d in documents}
    print(coverage(documents, extracted))
    if not args.draw and not args.all_claims:
        return
    texts = {f"propsegment-{i:02d}": d.text for i, d in enumerate(documents)}
    pools = [[(f"propsegment-{i:02d}", d.doc_id, c) for i, d in enumerate(documents) for c in extracted[d.doc_id]]]
    if args.articles:
        news = []
        for path in sorted(args.articles.glob("*.txt")):
            text = path.read_text()
            texts[f"news-{path.stem}"] = text
            news.extend((f"news-{path.stem}", path.stem, c) for c in extractor.extract(text, path.stem))
        pools.append(news)
    if args.all_claims:
        write_all(pools, texts, args.all_claims)
    if args.draw:
        draw(pools, args.draw, args.seed, args.out, texts)


def write_all(pools: list[list[tuple[str, str, Claim]]], texts: dict[str, str], out: Path) -> None:
    """Every claim and every text: what one version of the rules makes, for comparing with another."""
    (out / "articles").mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out / "articles" / f"{name}.txt").write_text(text)
    with (out / "claims.jsonl").open("w") as handle:
        for name, document, claim in (item for group in pools for item in group):
            row = {"article": f"articles/{name}.txt", "document": document, "source": claim.source_text}
            row |= {"claim": claim.text, "speaker": claim.attributed_to}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {sum(len(g) for g in pools)} claims of {len(texts)} texts to {out}")


if __name__ == "__main__":
    main()
