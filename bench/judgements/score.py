"""Figures of a blind judgement: the share of claims passing each criterion of RUBRIC.md.

Run from the repository root:  .venv/bin/python bench/judgements/score.py bench/judgements/draw-2
A draw folder holds items.jsonl (what the judge read, without the public dataset's own text) and
judgements.jsonl (what the judge decided, one line per item). Items with a "side" (a judgement of the
claims only one of two versions makes) are also scored per side. With --store SRC DEST, a judging packet
made by bench/propsegment.py is copied to DEST without PropSegmEnt's sentences and articles.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
from pathlib import Path

CRITERIA = ("faithful", "grammatical", "atomic", "self_contained")


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval of a share, honest at small counts and near 0 or 1."""
    if total == 0:
        return 0.0, 0.0
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


def score(folder: Path) -> str:
    items = {json.loads(line)["id"]: json.loads(line) for line in (folder / "items.jsonl").open()}
    judged = [json.loads(line) for line in (folder / "judgements.jsonl").open()]
    lines = [f"{folder.name}: {len(judged)} claims judged of {len(items)} drawn"]
    reread = folder / "judgements-speaker-rule.jsonl"
    if reread.exists():
        # claims with a speaker, read again by other judges once RUBRIC.md said how the speaker counts
        again = {j["id"]: j for j in (json.loads(line) for line in reread.open())}
        judged = [again.get(j["id"], j) for j in judged]
        lines.append(f"  ({len(again)} claims with a speaker as re-read under the rubric's speaker rule)")
    groups = [
        (source, [j for j in judged if source == "all" or items[j["id"]]["article"].startswith(f"articles/{source}")])
        for source in ("all", "propsegment", "news")
    ]
    # a judgement of the claims two versions do not share: "side" says which version made each
    sides = sorted({items[j["id"]]["side"] for j in judged if "side" in items[j["id"]]})
    groups += [(f"made only by {side}", [j for j in judged if items[j["id"]].get("side") == side]) for side in sides]
    for source, rows in groups:
        if not rows:
            continue
        parts = []
        for criterion in (*CRITERIA, "all four"):
            hits = sum(all(r[c] for c in CRITERIA) if criterion == "all four" else r[criterion] for r in rows)
            low, high = wilson(hits, len(rows))
            parts.append(f"{criterion} {hits / len(rows):.1%} [{low:.0%}-{high:.0%}]")
        lines.append(f"  {source} ({len(rows)}): " + "; ".join(parts))
    return "\n".join(lines)


def store(source: Path, dest: Path, sides: dict[str, str] | None = None) -> None:
    """Keep what the judge decided and the claims; PropSegmEnt's own text stays out of the repository. With
    ``sides`` (item id -> the version that made it), each item names its side."""
    dest.mkdir(parents=True, exist_ok=True)
    with (dest / "items.jsonl").open("w") as out:
        for line in (source / "items.jsonl").open():
            item = json.loads(line)
            if sides is not None:
                item["side"] = sides[item["id"]]
            if item["article"].startswith("articles/propsegment"):
                item.pop("source", None)
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    shutil.copy(source / "judgements.jsonl", dest / "judgements.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--store", nargs=2, type=Path, metavar=("SRC", "DEST"))
    args = parser.parse_args()
    if args.store:
        store(*args.store)
        print(score(args.store[1]))
    elif args.folder:
        print(score(args.folder))
    else:
        parser.error("give a draw folder, or --store SRC DEST")


if __name__ == "__main__":
    main()
