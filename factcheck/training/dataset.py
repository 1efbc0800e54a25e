"""The standard training set: every source read, leakage removed, split by claim, balanced per label."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from factcheck.training.errors import TrainingError
from factcheck.training.negatives import distractor_pairs, nearest_non_gold
from factcheck.training.perturb import Perturber
from factcheck.training.scifact import SciFactCorpus, training_pairs
from factcheck.training.sources import (
    forbidden_claim_keys,
    read_fever_dev,
    read_feverous,
    read_fm2,
    read_jsonl,
    read_sufficient_facts,
)
from factcheck.training.text import claim_key
from factcheck.training.types import LABELS, SUPPORTED, Pair, TrainingSet

# Share of each source's claims kept out of training for calibration and evaluation. FM2 and
# FEVEROUS-S are not held out: the benchmarks cover their domain through FEVER and SufficientFacts.
HELD_OUT: dict[str, float] = {"fever_dev": 0.08, "scifact_train": 0.15, "sufficient_facts": 0.2}
# How SciFact train claims are drawn into the held-out share: one by one ("claim", the shipped models),
# or whole groups of claims that cite a common abstract ("abstract"), so that no held-out claim's abstract
# was read in training; held-out claims that share abstracts with trained ones flatter the model (the
# shipped model scores 58.3 abstract F1 on those and 50.8 on the others, bench/README.md).
HELD_OUT_BY = ("claim", "abstract")


DEFAULT_SIZE = 15_000  # train pairs the standard recipe draws unless told otherwise


def build_training_set(
    data_dir: Path,
    *,
    seed: int = 13,
    size: int | None = DEFAULT_SIZE,
    perturbed_share: float = 0.3,
    held_out_by: str = "claim",
    scifact_titles: bool = False,
    log: Callable[[str], None] = lambda message: None,
) -> TrainingSet:
    """Read the public datasets folder and return balanced train pairs plus held-out pairs.

    ``size`` is the number of train pairs aimed at (a third per label; ``None`` keeps everything);
    within a label each source gets an equal share unless it has fewer pairs, and pairs made by
    perturbation fill at most ``perturbed_share`` of the REFUTED third.
    SciFact dev and FEVER Symmetric claims never enter either split. ``held_out_by`` is one of
    ``HELD_OUT_BY``. With ``scifact_titles`` SciFact evidence stands behind its abstract's title, as
    factcheck feeds retrieved sentences (the other sources are as their datasets give them).
    """
    kept, distractors, excluded = _read(data_dir, log, scifact_titles)
    train, held_out = _split(kept, seed, _groups(data_dir, held_out_by))
    for split in (train, held_out):
        _add_nearest_non_gold(split)
    train.extend(distractor_pairs(distractors, [p.claim for p in train if p.source == "fm2"], seed))
    rng = random.Random(seed)
    candidates = [
        p for p in train if p.label == SUPPORTED and "/" not in p.source.removeprefix("sufficient_facts/")
    ]
    if size is not None:
        # Scientific claims are the scarce domain, so all of them are perturbed; the rest are sampled
        # (more than the REFUTED share can take, so the balancing still has a choice).
        scifact = [p for p in candidates if p.source.startswith("scifact")]
        others = [p for p in candidates if not p.source.startswith("scifact")]
        candidates = scifact + rng.sample(others, min(len(others), size // 3))
    log(f"perturbing {len(candidates)} supported pairs")
    train.extend(Perturber(seed).refute(candidates))
    balanced = balance(train, size, perturbed_share, rng) if size is not None else train
    rng.shuffle(balanced)
    held_out.sort(key=lambda pair: (pair.source, pair.claim, pair.evidence))
    return TrainingSet(tuple(balanced), tuple(held_out), seed, excluded)


def held_out_pairs(
    data_dir: Path, *, seed: int = 13, held_out_by: str = "claim", scifact_titles: bool = False
) -> tuple[Pair, ...]:
    """Only the held-out split of ``build_training_set`` with the same seed (it does not depend on
    the sampling of the train split), for benchmarks that must score pairs the model never saw."""
    kept, _, _ = _read(data_dir, lambda message: None, scifact_titles)
    _, held_out = _split(kept, seed, _groups(data_dir, held_out_by))
    _add_nearest_non_gold(held_out)
    return tuple(sorted(held_out, key=lambda pair: (pair.source, pair.claim, pair.evidence)))


def _read(
    data_dir: Path, log: Callable[[str], None], scifact_titles: bool = False
) -> tuple[list[Pair], dict[str, tuple[str, ...]], int]:
    """Every source's pairs minus the SciFact dev / FEVER Symmetric claims, FM2 distractors, and the
    number of pairs dropped."""
    if not data_dir.is_dir():
        raise TrainingError(
            f"data folder {data_dir} does not exist: pass the public datasets folder"
        )
    forbidden = forbidden_claim_keys(data_dir)
    fm2, distractors = read_fm2(data_dir)
    corpus = SciFactCorpus(data_dir)
    raw = (
        *read_fever_dev(data_dir),
        *fm2,
        *read_feverous(data_dir),
        *read_sufficient_facts(data_dir),
        *training_pairs(data_dir, corpus, titles=scifact_titles),
    )
    kept = [pair for pair in raw if claim_key(pair.claim) not in forbidden]
    log(f"read {len(raw)} pairs; {len(raw) - len(kept)} dropped as SciFact dev / FEVER Symmetric claims")
    return kept, distractors, len(raw) - len(kept)


def _add_nearest_non_gold(split: list[Pair]) -> None:
    for source in ("fever_dev", "feverous_s"):
        split.extend(nearest_non_gold([p for p in split if p.source == source], f"{source}/nearest_non_gold"))


def _record(model_dir: Path) -> dict:
    """A model folder's training.json, or nothing for folders without a readable one (the defaults hold)."""
    try:
        record = json.loads((model_dir / "training.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def held_out_by(model_dir: Path) -> str:
    """How the held-out split of a trained model folder was drawn ("claim" for folders from before
    the choice existed); every later stage and benchmark of that model must draw the same way."""
    value = str(_record(model_dir).get("held_out_by", "claim"))
    if value not in HELD_OUT_BY:
        raise TrainingError(f"{model_dir}/training.json has held_out_by {value!r}, not one of {HELD_OUT_BY}")
    return value


def draw_size(model_dir: Path) -> int | None:
    """How many train pairs the standard recipe drew for a trained model folder (``None``: all of them).
    A student is distilled on its teacher's draw, so it must rebuild the same one."""
    value = _record(model_dir).get("size", DEFAULT_SIZE)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
        raise TrainingError(f"{model_dir}/training.json has size {value!r}, not a positive whole number or null")
    return value


def titles_of(model_dir: Path) -> bool:
    """Whether a trained model folder's standard draw put SciFact evidence behind its abstract's title;
    every later stage and held-out reader of that model must build its pairs the same way."""
    value = _record(model_dir).get("scifact_titles", False)
    if not isinstance(value, bool):
        raise TrainingError(f"{model_dir}/training.json has scifact_titles {value!r}, not true or false")
    return value


def scifact_train_groups(data_dir: Path) -> dict[str, str]:
    """Claim key -> group of every SciFact train claim in the public datasets folder ``data_dir``."""
    return scifact_claim_groups(data_dir / "scifact" / "claims_train.jsonl")


def scifact_claim_groups(claims_file: Path) -> dict[str, str]:
    """Claim key -> group of every claim of a SciFact claims file: claims citing a common abstract, directly or
    through other claims, form one group, named after its smallest abstract id (components are small:
    the largest of the 809 train claims holds 8). Claims with the same text are one node."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    docs_of: dict[str, set[int]] = {}
    for row in read_jsonl(claims_file):
        key = claim_key(row["claim"])
        docs = {int(d) for d in row.get("cited_doc_ids", ())} | {int(d) for d in row.get("evidence") or {}}
        docs_of.setdefault(key, set()).update(docs)
        find(f"text:{key}")
        for doc in docs:
            parent[find(f"text:{key}")] = find(f"doc:{doc}")
    smallest: dict[str, int] = {}
    for key, docs in docs_of.items():
        root = find(f"text:{key}")
        if docs:
            smallest[root] = min(docs | ({smallest[root]} if root in smallest else set()))
    groups = {}
    for key in docs_of:
        root = find(f"text:{key}")
        groups[key] = f"abstracts:{smallest[root]}" if root in smallest else f"claim:{key}"
    return groups


def _groups(data_dir: Path, held_out_by: str) -> dict[str, str] | None:
    if held_out_by not in HELD_OUT_BY:
        raise TrainingError(f"held_out_by {held_out_by!r} is not one of {', '.join(HELD_OUT_BY)}")
    return scifact_train_groups(data_dir) if held_out_by == "abstract" else None


def held_out_draw(seed: int, key: str) -> float:
    """A stable per-claim number in [0, 1): the same claim always lands in the same split."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _split(
    pairs: Sequence[Pair], seed: int, groups: dict[str, str] | None = None
) -> tuple[list[Pair], list[Pair]]:
    train: list[Pair] = []
    held_out: list[Pair] = []
    for pair in pairs:
        family = pair.source.split("/")[0]
        share = HELD_OUT.get(family, 0.0)
        key = claim_key(pair.claim)
        if groups is not None and family == "scifact_train":
            key = groups.get(key, key)
        (held_out if held_out_draw(seed, key) < share else train).append(pair)
    return train, held_out


def group_of(pair: Pair) -> str:
    if "perturbed" in pair.source:
        return "perturbed"
    return pair.source


def balance(pairs: Sequence[Pair], size: int, perturbed_share: float, rng: random.Random) -> list[Pair]:
    """Sample ``size // 3`` pairs per label, each source (group) getting an equal share where it can."""
    chosen: list[Pair] = []
    for label in LABELS:
        groups: dict[str, list[Pair]] = {}
        for pair in pairs:
            if pair.label == label:
                groups.setdefault(group_of(pair), []).append(pair)
        quota = size // 3
        caps = {name: len(items) for name, items in groups.items()}
        if "perturbed" in caps:
            caps["perturbed"] = min(caps["perturbed"], int(quota * perturbed_share))
        for name, count in water_fill(caps, quota).items():
            chosen.extend(rng.sample(sorted(groups[name], key=_order), count))
    return chosen


def water_fill(available: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over groups as evenly as their sizes allow (small groups are taken whole)."""
    shares = dict.fromkeys(available, 0)
    remaining = min(total, sum(available.values()))
    open_groups = sorted(available, key=lambda name: (available[name], name))
    while remaining > 0 and open_groups:
        even = remaining // len(open_groups)
        name = open_groups[0]
        if available[name] <= even:
            shares[name] = available[name]
            remaining -= available[name]
            open_groups.pop(0)
            continue
        for i, name in enumerate(open_groups):
            shares[name] = even + (1 if i < remaining - even * len(open_groups) else 0)
        break
    return shares


def _order(pair: Pair) -> tuple[str, str]:
    return (pair.claim, pair.evidence)
