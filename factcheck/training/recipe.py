"""Recipe files (``factcheck/training/recipes/*.toml``): each table holds one step's settings and reasons.

``factcheck train STEP --recipe FILE --step NAME`` takes table NAME as the step's defaults; flags given on
the command line still win, so a recipe run and a hand-written one differ only where a flag says so.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from factcheck.training.errors import TrainingError

RECIPES = Path(__file__).resolve().parent / "recipes"


def load_step(path: Path, step: str) -> dict[str, Any]:
    """Table ``step`` of the recipe file ``path``, keys as argparse destinations."""
    try:
        recipe = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TrainingError(f"cannot read recipe {path}: {exc.strerror}; pass a file of {RECIPES}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TrainingError(f"recipe {path} is not valid TOML: {exc}") from None
    if not isinstance(recipe.get(step), dict):
        raise TrainingError(f"recipe {path} has no step [{step}]; its steps: {', '.join(sorted(recipe))}")
    return {key.replace("-", "_"): value for key, value in recipe[step].items()}


def parse(parser: argparse.ArgumentParser, argv: list[str] | None, extra: frozenset[str] = frozenset()) -> Any:
    """Parse ``argv`` with the step's settings from ``--recipe FILE --step NAME`` as defaults.

    Keys of the table that are neither a flag of ``parser`` nor in ``extra`` (settings the step reads from
    the namespace) are an error, so a typo in the recipe cannot pass unnoticed.
    """
    for where in (parser, pre := argparse.ArgumentParser(add_help=False)):
        where.add_argument("--recipe", type=Path, default=None, help="recipe file whose [STEP] table sets defaults")
        where.add_argument("--step", default=None, help="the table of --recipe to use")
    first, _ = pre.parse_known_args(argv)
    if (first.recipe is None) != (first.step is None):
        parser.error("--recipe and --step go together")
    if first.recipe is not None:
        settings = load_step(first.recipe, first.step)
        known = {action.dest for action in parser._actions} | extra
        unknown = sorted(set(settings) - known)
        if unknown:
            raise TrainingError(f"recipe {first.recipe} [{first.step}] sets {', '.join(unknown)}, which it cannot")
        for action in parser._actions:
            if action.dest in settings:
                action.required = False
        parser.set_defaults(**settings)
    return parser.parse_args(argv)
