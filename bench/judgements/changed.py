"""Judge only what changed: the claims one version of the rules makes and the other does not.

Two independent draws of 160 claims mostly measure which claims were drawn, since two versions share most of
their claims. This packs the claims that differ, shuffled together, for one blind judge, and scores each side.

    # each version writes every claim it makes (the old rules from a git worktree of their commit)
    git worktree add /tmp/old-rules 4d96902
    .venv/bin/python bench/propsegment.py --data $DATA/propsegment --articles ART --all-claims /tmp/old \\
        --rules /tmp/old-rules
    .venv/bin/python bench/propsegment.py --data $DATA/propsegment --articles ART --all-claims /tmp/new
    .venv/bin/python bench/judgements/changed.py build /tmp/old /tmp/new --names 4d96902 HEAD \\
        --out /tmp/packet --key /tmp/key.json
    # a judge that never saw the code fills /tmp/packet/judgements.jsonl (RUBRIC.md is in the packet), then
    .venv/bin/python bench/judgements/changed.py store /tmp/packet /tmp/key.json bench/judgements/changes-N
    .venv/bin/python bench/judgements/score.py bench/judgements/changes-N

The key (which side made each claim) stays outside the packet. The stored items name their side and leave out
PropSegmEnt's own text.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUBRIC = HERE / "RUBRIC.md"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def _claims(folder: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in (folder / "claims.jsonl").open(encoding="utf-8")]


def _key(claim: dict[str, str]) -> tuple[str, str, str]:
    return claim["article"], claim["claim"], claim["speaker"]


def build(old: Path, new: Path, names: tuple[str, str], out: Path, key_file: Path, seed: int) -> tuple[int, int]:
    """Write the packet of claims only one side makes; returns how many each side contributed."""
    sides = {names[0]: _claims(old), names[1]: _claims(new)}
    keys = {name: {_key(c) for c in claims} for name, claims in sides.items()}
    rows = []
    for name, claims in sides.items():
        other = keys[names[1] if name == names[0] else names[0]]
        rows.extend((name, c) for c in claims if _key(c) not in other)
    random.Random(seed).shuffle(rows)
    (out / "articles").mkdir(parents=True, exist_ok=True)
    shutil.copy(RUBRIC, out / "RUBRIC.md")
    key, items = {}, []
    for n, (side, claim) in enumerate(rows, 1):
        item_id = f"x{n:03d}"
        key[item_id] = side
        items.append({"id": item_id, **{k: claim[k] for k in ("article", "document", "source", "claim", "speaker")}})
        text = (new / claim["article"]) if (new / claim["article"]).exists() else (old / claim["article"])
        shutil.copy(text, out / claim["article"])
    items.sort(key=lambda item: (item["article"], item["id"]))
    with (out / "items.jsonl").open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    key_file.write_text(json.dumps(key, indent=1), encoding="utf-8")
    counts = [sum(side == name for side, _ in rows) for name in names]
    return counts[0], counts[1]


def store(packet: Path, key_file: Path, dest: Path) -> None:
    """The judged packet with each item's side, without PropSegmEnt's own sentences."""
    from score import store as store_judged  # the folder's own scorer, beside this file

    store_judged(packet, dest, sides=json.loads(key_file.read_text(encoding="utf-8")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="pack the claims only one version makes")
    make.add_argument("old", type=Path)
    make.add_argument("new", type=Path)
    make.add_argument("--names", nargs=2, default=("old", "new"), help="what to call each side (commits)")
    make.add_argument("--out", type=Path, required=True)
    make.add_argument("--key", type=Path, required=True, help="where the sides go (outside the packet)")
    make.add_argument("--seed", type=int, default=1)
    keep = commands.add_parser("store", help="store a judged packet with its sides")
    keep.add_argument("packet", type=Path)
    keep.add_argument("key", type=Path)
    keep.add_argument("dest", type=Path)
    args = parser.parse_args()
    if args.command == "build":
        first, second = build(args.old, args.new, tuple(args.names), args.out, args.key, args.seed)
        print(f"{first} claims only {args.names[0]} makes, {second} only {args.names[1]}: packet in {args.out}")
    else:
        store(args.packet, args.key, args.dest)


if __name__ == "__main__":
    main()
