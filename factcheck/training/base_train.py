"""``factcheck train verifier --base mpnet``: the verifier on a base-size encoder, from one recipe file.

The same training-side pairs and split as the MiniLM recipe's first stages (``build_training_set`` and the
SciFact second stage), never SciFact dev nor FEVER Symmetric; LoRA factors plus a whole classification head
on a frozen all-mpnet-base-v2 (``factcheck.training.lora``), so the result ships as a few MB. Every stage
checkpoints (``factcheck.training.checkpoint``): the same command rerun continues where it stopped.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from factcheck.training.checkpoint import Checkpoints
from factcheck.training.combine import fit_combiner
from factcheck.training.dataset import DEFAULT_SIZE, HELD_OUT_BY, build_training_set
from factcheck.training.errors import TrainingError
from factcheck.training.loop import HyperParameters, Log, Stage, encode, fit, label_ids, load_model, resolve_device
from factcheck.training.lora import LoraSettings, add_lora, save_adapter
from factcheck.training.recipe import RECIPES, load_step
from factcheck.training.train import (
    UnderTest,
    _second_stage_pairs,
    benchmark_metrics,
    calibrate,
    environment,
    replace_folder,
    seed_everything,
    staging_for,
)
from factcheck.training.types import TrainReport
from factcheck.verify.base_encoder import MPNET, WEIGHTS, base_encoder_folder, sha256_file

# The name `--base` takes for each recipe of this module; any other value is a model folder.
BASES = {"mpnet": RECIPES / "mpnet-base.toml"}
STEP = "verifier"


@dataclass(frozen=True)
class BaseRecipe:
    """The ``[verifier]`` table of a base recipe file (``[verifier.hyper]`` and ``[verifier.lora]`` inside)."""

    model_id: str
    seed: int = 13
    size: int | None = DEFAULT_SIZE
    held_out_by: str = "abstract"
    scifact_titles: bool = False
    threads: int | None = None
    checkpoint_every: int = 200
    hyper: HyperParameters = field(default_factory=HyperParameters)
    lora: LoraSettings = field(default_factory=LoraSettings)
    why: str = ""


@dataclass(frozen=True)
class BaseRun:
    """One run of a recipe: which base, where checkpoints go, and the flags that override the recipe."""

    base: str = "mpnet"
    recipe: Path | None = None
    checkpoints: Path | None = None
    device: str = "cpu"
    threads: int | None = None
    size: int | None = None
    max_steps: int | None = None
    evaluate: bool = True


def read_recipe(path: Path) -> BaseRecipe:
    table = load_step(path, STEP)
    known = {f.name for f in fields(BaseRecipe)}
    if unknown := sorted(set(table) - known):
        raise TrainingError(f"recipe {path} [{STEP}] sets {', '.join(unknown)}; it may set {', '.join(sorted(known))}")
    try:
        hyper = HyperParameters(**{k.replace("-", "_"): v for k, v in table.pop("hyper", {}).items()})
        lora = table.pop("lora", {})
        lora = LoraSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in lora.items()})
        recipe = BaseRecipe(**table, hyper=hyper, lora=lora)
    except TypeError as exc:
        raise TrainingError(f"recipe {path} [{STEP}]: {exc}") from None
    if recipe.held_out_by not in HELD_OUT_BY:
        raise TrainingError(f"recipe {path}: held_out_by must be one of {', '.join(HELD_OUT_BY)}")
    if recipe.checkpoint_every < 1:
        raise TrainingError(f"recipe {path}: checkpoint_every must be at least 1")
    return recipe


def recipe_for(run: BaseRun) -> Path:
    if run.recipe is not None:
        return run.recipe
    if run.base not in BASES:
        raise TrainingError(f"--base {run.base} is a model folder, not one of {', '.join(BASES)}: pass --recipe FILE")
    return BASES[run.base]


def base_folder_of(base: str) -> tuple[Path, str]:
    """The encoder folder to start from and the name an adapter records for it."""
    if base == "mpnet":
        return base_encoder_folder(), MPNET.name
    folder = Path(base).expanduser().resolve()
    if not (folder / WEIGHTS).is_file():
        raise TrainingError(f"--base {base} is neither {' nor '.join(BASES)} nor a model folder with {WEIGHTS}")
    return folder, str(folder)


def default_checkpoints(out: Path) -> Path:
    return out.resolve().parent / f"{out.name}.checkpoints"


def train_base_verifier(data: Path, out: Path, run: BaseRun, log: Log = print) -> TrainReport:
    """Train (or continue training) the recipe's adapter and write a calibrated adapter folder to ``out``."""
    recipe_path = recipe_for(run)
    recipe = read_recipe(recipe_path)
    if not data.is_dir():
        raise TrainingError(f"{data} is not the public datasets folder: --base trains on the public datasets")
    hp = recipe.hyper if run.max_steps is None else replace(recipe.hyper, max_steps=run.max_steps)
    size = run.size or recipe.size
    started = time.monotonic()
    seed_everything(recipe.seed, run.threads or recipe.threads)
    where = resolve_device(run.device)
    base, base_name = base_folder_of(run.base)
    training = build_training_set(
        data, seed=recipe.seed, size=size, held_out_by=recipe.held_out_by, scifact_titles=recipe.scifact_titles, log=log
    )
    log(f"train {len(training.train)} pairs, held out {len(training.held_out)}; base {base_name}")
    model, tokenizer = load_model(base)
    add_lora(model, recipe.lora)
    model.to(where)
    ids, pad_id = label_ids(model), int(tokenizer.pad_token_id or 0)
    checkpoints = Checkpoints(run.checkpoints or default_checkpoints(out), recipe.checkpoint_every)
    stages = {}
    if hp.epochs > 0:
        stage1 = Stage("stage1", hp.learning_rate, hp.epochs, recipe.seed, checkpoints=checkpoints)
        stages["stage1"] = fit(model, encode(tokenizer, training.train, hp.max_length, ids), pad_id, hp, stage1, log)
    second = _second_stage_pairs(training, hp, recipe.seed)
    if second and hp.second_stage_epochs > 0:
        stage2 = Stage(
            "stage2", hp.second_stage_learning_rate, hp.second_stage_epochs, recipe.seed + 1, checkpoints=checkpoints
        )
        stages["stage2"] = fit(model, encode(tokenizer, second, hp.max_length, ids), pad_id, hp, stage2, log)

    out, staging = staging_for(out)
    try:
        spec = {
            "base": base_name,
            "base_weights_sha256": sha256_file(base / WEIGHTS),
            "max_length": hp.max_length,
            "lora": asdict(recipe.lora),
        }
        save_adapter(model, staging, spec)
        labels = tuple(str(model.config.id2label[i]) for i in range(model.config.num_labels))
        tested = UnderTest(model, tokenizer, labels, hp, pad_id)
        calibration, metrics = calibrate(tested, training.held_out, recipe.seed)
        if run.evaluate:
            metrics.update(benchmark_metrics(tested, data, calibration["temperature"]))
        record = {
            "model_id": recipe.model_id,
            "labels": list(labels),
            "seed": recipe.seed,
            "base": base_name,
            "recipe": str(recipe_path.name if recipe_path.parent == RECIPES else recipe_path),
            "data": str(data),
            "counts": training.counts(),
            "excluded_leaking_pairs": training.excluded,
            "hyper_parameters": asdict(hp),
            "lora": asdict(recipe.lora),
            "stages": stages,
            "metrics": metrics,
            "calibration": calibration,
            "device": where,
            "environment": environment(),
            "held_out_by": recipe.held_out_by,
            "size": size,
            **({"scifact_titles": True} if recipe.scifact_titles else {}),
        }
        (staging / "calibration.json").write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
        (staging / "training.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        _write_card(staging, record, recipe)
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fit_combiner(data, out, seed=recipe.seed)
    wall = round(time.monotonic() - started, 1)
    log(f"wrote {out} in {wall / 60:.1f} min (checkpoints stay in {checkpoints.folder}; delete them when done)")
    return TrainReport(
        out=out,
        model_id=recipe.model_id,
        seed=recipe.seed,
        train_pairs=len(training.train),
        held_out_pairs=len(training.held_out),
        temperature=float(calibration["temperature"]),
        metrics={k: {m: v for m, v in s.items() if isinstance(v, float)} for k, s in metrics.items()},
        wall_time_s=wall,
        fine_tuned=bool(stages),
    )


def _write_card(folder: Path, record: dict[str, Any], recipe: BaseRecipe) -> None:
    rows = [
        f"| {name} | {m['n']} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} "
        f"| {m.get('per_label', {}).get('REFUTED', {}).get('recall', float('nan')):.3f} |"
        for name, m in record["metrics"].items()
    ]
    lora = record["lora"]
    lines = [
        f"# {record['model_id']}",
        "",
        f"A 3-way claim verifier (cross-encoder) on {record['base']}: LoRA factors of rank {lora['rank']} "
        f"(alpha {lora['alpha']}) on its {', '.join(lora['targets'])} layers, plus whole tensors named "
        f"{', '.join(lora['whole'])}; the base weights stay as installed and are merged with these at load time.",
        "",
        f"Labels, in `config.json` order: {', '.join(record['labels'])}.",
        "",
        f"Training-side data of the public datasets folder, drawn as the MiniLM recipe draws it (size "
        f"{record['size']}, SciFact train held out by {record['held_out_by']}); SciFact dev and FEVER Symmetric "
        f"are never trained on ({record['excluded_leaking_pairs']} pairs dropped).",
        "",
        "| set | pairs | accuracy | macro-F1 | REFUTED recall |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Temperature {record['calibration']['temperature']:.3f} on {record['calibration']['pairs']} held-out pairs.",
        "",
        f"Reproduce: `factcheck train verifier --base mpnet --data PATH --out DIR` (recipe `{record['recipe']}`); "
        "rerun the same command after a stop to continue from the last checkpoint.",
        "",
        *([recipe.why, ""] if recipe.why else []),
    ]
    (folder / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
