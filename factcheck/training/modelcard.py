"""MODEL_CARD.md: data and licenses (read from each dataset's README.txt), labels, figures, recipe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_FIELD = re.compile(r"^\S[^:]{0,40}:(\s|$)")

TRAINING_FOLDERS: tuple[str, ...] = (
    "fever_dev_nli",
    "fm2",
    "feverous_s_programfc",
    "sufficient_facts",
    "scifact",
)


def license_lines(readme: Path) -> str:
    """The "License..." paragraph of a dataset README.txt (its first line plus indented continuations)."""
    if not readme.is_file():
        return "license not recorded (README.txt missing)"
    lines = readme.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("License"):
            found = [line.split(":", 1)[-1].strip()]
            j = i + 1
            while j < len(lines) and lines[j].strip() and not _FIELD.match(lines[j]):
                found.append(lines[j].strip())
                j += 1
            return " ".join(found)
    return "no license stated in README.txt"


def title_line(readme: Path) -> str:
    return (
        readme.read_text(encoding="utf-8").splitlines()[0].strip() if readme.is_file() else readme.parent.name
    )


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def write_model_card(folder: Path, record: dict[str, Any], data_dir: Path | None) -> None:
    hp = record["hyper_parameters"]
    lines = [
        f"# {record['model_id']}",
        "",
        "A 3-way claim verifier (cross-encoder) for factcheck: given (claim, evidence) it scores "
        f"{', '.join(record['labels'])}. Initialised from {record['init_from']}"
        + ("." if record.get("distillation") else "; a fresh classification head on the [CLS] pooler."),
        "",
        "## Labels",
        "",
        "The order below is the one in `config.json` (`id2label`); code reads it from there.",
        "",
        *[f"- {i}: {label}" for i, label in enumerate(record["labels"])],
        "",
        "## Training data",
        "",
    ]
    if data_dir is not None:
        lines += ["| folder | dataset | license (from its README.txt) |", "|---|---|---|"]
        for name in TRAINING_FOLDERS:
            readme = data_dir / name / "README.txt"
            lines.append(f"| `{name}/` | {title_line(readme)} | {license_lines(readme)} |")
        lines += [
            "",
            "Pairs: gold evidence text with its SUPPORTS/REFUTES label (FEVER dev, FM2, FEVEROUS-S); "
            "SufficientFacts original evidence (its label) and reduced evidence (NOT ENOUGH INFO when "
            "annotators said NOT ENOUGH); SciFact train rationale sentences (SUPPORT/CONTRADICT), NEI claims "
            "with the closest sentences of their cited abstract, and non-rationale sentences of evidence "
            "abstracts as NOT ENOUGH INFO. More NOT ENOUGH INFO from FM2 distractors and TF-IDF-nearest "
            "non-gold evidence; more REFUTED from typed perturbations of supported claims (a number, a year, "
            "a named entity, a negation). SciFact dev and every FEVER Symmetric claim are excluded "
            f"({record['excluded_leaking_pairs']} pairs dropped); slices of FEVER dev, SciFact train and "
            "SufficientFacts are held out for calibration and evaluation"
            + (
                " (SciFact train claims in whole groups that cite a common abstract, so that no held-out "
                "claim's abstract is read in training)."
                if record.get("held_out_by") == "abstract"
                else "."
            )
            + (
                " SciFact evidence stands behind its abstract's title, as factcheck feeds retrieved sentences."
                if record.get("scifact_titles")
                else ""
            ),
            "",
        ]
    else:
        lines += [f"Fine-tuned on a user's file: `{record['data']}`.", ""]
    lines += [
        "Pairs per split, source and label:",
        "",
        "| split | source | label | pairs |",
        "|---|---|---|---|",
    ]
    for split, sources in record["counts"].items():
        for source, labels in sources.items():
            lines += [f"| {split} | {source} | {label} | {n} |" for label, n in labels.items()]
    cal = record["calibration"]
    lines += ["", *_soup_lines(record.get("soup")), *_distill_lines(record.get("distillation"), hp)]
    lines += [
        "## Metrics",
        "",
        "Accuracy and macro-F1 of the fp32 weights (temperature scaling does not change the argmax; "
        "the loader and `bench/verifier.py` use fp32 by default; `--int8` scores the dynamic int8 build).",
        "",
        "| set | pairs | accuracy | macro-F1 | REFUTED recall | ECE after calibration |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in record["metrics"].items():
        refuted = m.get("per_label", {}).get("REFUTED", {}).get("recall", "-")
        lines.append(
            f"| {name} | {m['n']} | {_fmt(m['accuracy'])} | {_fmt(m['macro_f1'])} | {_fmt(refuted)} "
            f"| {_fmt(m.get('ece_after', '-'))} |"
        )
    lines += [
        "",
        f"Calibration: temperature {cal['temperature']:.3f} fitted on {cal['pairs']} held-out pairs; "
        f"ECE ({cal['ece_bins']} bins) {cal['ece_before']:.3f} before, "
        f"{cal['ece_after_cross_fitted']:.3f} after (cross-fitted: each half scored with the temperature "
        "fitted on the other half).",
        "",
        "FEVER Symmetric rows count a NOT ENOUGH INFO prediction as wrong (the set has two labels).",
        "`bench/verifier.py` prints these and more (SufficientFacts, throughput, reliability diagram).",
        "",
        "## Training",
        "",
        f"Seed {record['seed']}; wall time {record['wall_time_s'] / 60:.1f} min on {record['threads']} CPU "
        f"thread(s) ({record['environment']['machine']}, torch {record['environment']['torch']}, "
        f"transformers {record['environment']['transformers']}).",
        "",
        *[f"- {key}: {value}" for key, value in hp.items()],
        *[f"- {stage}: {stats}" for stage, stats in record["stages"].items()],
        "",
        "Weights are stored in fp16 (`model.safetensors`); the loader upcasts to fp32 and runs fp32 "
        "(int8 is opt-in: its per-batch activation scales make a pair's score depend on its batch).",
        "",
        "## Reproduce",
        "",
        *_reproduce_lines(record),
        "",
        "The run is seeded (data sampling, batching, dropout); results can still move slightly with the "
        "number of CPU threads and the torch build, because float reductions run in a different order.",
        "",
        "## Limitations",
        "",
        "- A 22M-parameter model trained in under an hour on a few tens of thousands of pairs: it reads "
        "the evidence for direct support or contradiction, not multi-step reasoning.",
        "- NOT ENOUGH INFO is learned from proxies (distractors, nearest non-gold evidence, removed "
        "evidence); evidence worded very differently from the claim is often judged NOT ENOUGH INFO.",
        "- REFUTED is the weakest class; typed perturbations help with numbers, years, names and negation, "
        "but subtler contradictions are missed.",
        "- English only; Wikipedia and biomedical abstracts are the domains seen in training. Inputs are "
        f"truncated to {hp['max_length']} tokens (claim and evidence together).",
        "- Confidences are calibrated on the held-out mix; other domains shift them.",
        "",
    ]
    (folder / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


def _soup_lines(
    soup: dict[str, Any] | None, heading: str = "Last stage: fine-tuning on direction contrasts"
) -> list[str]:
    if not soup:
        return []
    if soup.get("what") and soup.get("base_soup"):  # the interpolation of a soup with another line of training
        return [
            *_soup_lines(soup["base_soup"], heading="The stage before last: fine-tuning on direction contrasts"),
            "## Last stage: interpolation",
            "",
            f"The shipped weights are `(1 - alpha) * base + alpha * tuned` with alpha = {soup['alpha']}: `base` is "
            f"the model of the stage above (`{soup.get('base_model_id', soup['base'])}`), `tuned` is {soup['what']} "
            f"{soup.get('chosen_by', '')}".rstrip(),
            "",
            "The temperature and the combiner below are refitted on the held-out pairs of the standard recipe"
            + (f" ({soup['wall_time_s'] / 60:.1f} min)." if "wall_time_s" in soup else "."),
            "",
        ]
    if soup.get("what"):  # a stage after distillation, described by the run that made it
        seeds = soup.get("tuned_seeds") or []
        tuned = "the uniform average of those copies" if seeds else "that fine-tuned model"
        # Inside a later soup this stage's weights are not the shipped ones.
        weights = "The shipped weights" if heading.startswith("Last stage") else "This stage's weights"
        if float(soup["alpha"]) == 1.0:
            kept = f"{weights} are {tuned}{'' if seeds else ' itself'} (alpha = 1.0)"
        else:
            kept = (
                f"{weights} are `(1 - alpha) * base + alpha * tuned`, `tuned` being {tuned}, with "
                f"alpha = {soup['alpha']}"
            )
        times = f" {len(seeds)} times, with seeds {', '.join(map(str, seeds))}, each" if seeds else ""
        return [
            f"## {heading}",
            "",
            f"`base` (`{soup.get('base_model_id', soup['base'])}`, described under Distillation) was fine-tuned"
            f"{times} for {soup.get('tuned_epochs', '?')} epochs on `{soup.get('tuned_data')}`: {soup['what']} "
            f"{kept}. {soup.get('chosen_by', '')}".rstrip(),
            "",
            f"Fine-tuning{f' (seed {seeds[0]}; the others alike)' if seeds else ''}: "
            f"{_stage_text(soup.get('tuned_stages') or {})}. The temperature and the combiner below are "
            "refitted on the held-out pairs of the standard recipe"
            + (f" ({soup['wall_time_s'] / 60:.1f} min)." if "wall_time_s" in soup else "."),
            "",
        ]
    return [
        "## Third stage: weight interpolation",
        "",
        f"The shipped weights are `(1 - alpha) * base + alpha * tuned` with alpha = {soup['alpha']}. `base` is the "
        "two-stage model described here; `tuned` is `base` fine-tuned for one more epoch on "
        f"`{soup.get('tuned_data')}`: the SciFact train claims it trained on, each with its gold rationales "
        "(their label) and the sentences factcheck's own retrieval returns from abstracts that are not gold "
        "(NOT ENOUGH INFO). Alone, that stage teaches the model to abstain on topical look-alikes but also "
        "on real rationales; the interpolation keeps most of both. "
        f"{soup.get('chosen_by', '')}".rstrip(),
        "",
        f"Third stage: {_stage_text(soup.get('tuned_stages') or {})}. The temperature and the combiner below are "
        "refitted for the interpolated weights on the held-out pairs of the standard recipe"
        + (
            f"; interpolating and recalibrating took {soup['wall_time_s'] / 60:.1f} min."
            if "wall_time_s" in soup
            else "."
        ),
        "",
    ]


def _distill_lines(distillation: dict[str, Any] | None, hp: dict[str, Any]) -> list[str]:
    if not distillation:
        return []
    layers = distillation["layers"]
    teacher = f"`{distillation['teacher_model_id']}`" + (
        f" (weights `{distillation['teacher_weights']}`)" if distillation.get("teacher_weights") else ""
    )
    if len(layers) == distillation.get("teacher_layers"):
        what = (
            f"A copy of {teacher} trained again to imitate it (self-distillation, \"born-again\" networks): the same "
            "size and speed, the teacher's answers as soft targets next to the gold labels."
        )
    else:
        what = (
            f"A student of {teacher} with {len(layers)} of its encoder layers ({', '.join(map(str, layers))}), "
            "made for speed: the time per pair is roughly proportional to the number of layers."
        )
    return [
        "## Distillation",
        "",
        f"{what} It was trained on the teacher's own training split (rebuilt with the teacher's seed"
        + (f", plus `{distillation['extra']}`" if distillation.get("extra") else "")
        + f") for {hp['epochs']} epochs at learning rate {hp['learning_rate']}, with the loss "
        f"`(1 - w) * CE(gold) + w * T^2 * KL(teacher || student)` at w = {distillation['weight']} and T = "
        f"{distillation['temperature']}. Scoring the pairs with the teacher took "
        f"{distillation['teacher_scoring_seconds'] / 60:.1f} min. Its temperature and combiner are its own, fitted "
        "on the same held-out pairs as the teacher's. " + distillation.get("chosen_by", ""),
        "",
        *(
            [
                f"The teacher is `(1 - alpha) * base + alpha * tuned` with alpha = {soup['alpha']}: `base` the "
                "two-stage model (the standard recipe), `tuned` that model after one more epoch on the SciFact train "
                "claims it trained on, with their gold rationales and the non-gold sentences factcheck's retrieval "
                f"returns for them. {soup.get('chosen_by', '')}".rstrip(),
                "",
            ]
            if (soup := distillation.get("teacher_soup"))
            else []
        ),
    ]


def _tuned_args(soup: dict[str, Any]) -> str:
    tuned = soup["tuned"] if isinstance(soup["tuned"], list) else [soup["tuned"]]
    return " ".join(f"--tuned {folder}" for folder in tuned)


def _stage_text(stages: dict[str, dict[str, Any]]) -> str:
    return "; ".join(
        f"{name} {s.get('steps')} steps over {s.get('pairs')} pairs in {s.get('seconds')} s, final loss "
        f"{s.get('final_loss')}"
        for name, s in stages.items()
    ) or "none recorded"


def _reproduce_lines(record: dict[str, Any]) -> list[str]:
    seed = record["seed"]
    soup = record.get("soup")
    if soup and soup.get("what") and record.get("distillation"):
        d = record["distillation"]
        first = soup
        while first.get("base_soup"):
            first = first["base_soup"]
        commands = _distill_commands(record, model_id=first["base_model_id"], out=first["base"])
        same_size = len(d["layers"]) == d.get("teacher_layers")
        return [
            f"`make verifier` runs these steps (stage folders under `{_stage_dir(d)}/`):"
            if same_size
            else "`make verifier-fast` runs these steps, after `make verifier` has made the teacher and extra file:",
            "",
            "```",
            *commands,
            *_soup_steps(soup, seed, record["model_id"], soup.get("out", "OUT")),
            "```",
            "",
            "The last step recalibrates and fits the combiner (section above).",
        ]
    if record.get("distillation"):
        d = record["distillation"]
        same_size = len(d["layers"]) == d.get("teacher_layers")
        return [
            "`make verifier` runs these steps (stage folders under `build/verifier/`):"
            if same_size
            else "`make verifier-fast` runs the last step, after `make verifier` has made the teacher and the extra "
            "file:",
            "",
            "```",
            *_distill_commands(record, model_id=record["model_id"], out=d.get("out", "OUT")),
            "```",
            "",
            "The distillation step also fits the combiner (section above).",
        ]
    if record.get("soup"):
        return [
            "`make verifier` runs these steps (stage folders under `build/verifier/`):",
            "",
            "```",
            *_soup_commands(
                seed, record["soup"]["alpha"], "factcheck/models/verifier", record["model_id"], size=record.get("size"),
                titles=bool(record.get("scifact_titles")),
            ),
            "```",
            "",
            "The last step also fits the combiner (section above).",
        ]
    return [
        "```",
        ".venv/bin/factcheck train verifier --data path/to/public-data "
        f"--out factcheck/models/verifier --seed {seed}" + (f" --size {record['size']}" if "size" in record else "")
        + (" --scifact-titles" if record.get("scifact_titles") else ""),
        "```",
        "",
        "It also fits the combiner (section above, when present).",
    ]


def _soup_steps(soup: dict[str, Any], seed: int, model_id: str, out: str) -> list[str]:
    """The commands after the distillation: each soup's own tuned runs, then the soup, innermost first."""
    inner = soup.get("base_soup")
    steps = _soup_steps(inner, seed, soup["base_model_id"], soup["base"]) if inner else []
    return [
        *steps,
        *soup.get("tuned_commands", []),
        f"factcheck train soup --base {soup['base']} {_tuned_args(soup)} --alpha {soup['alpha']} "
        f"--out {out} --seed {seed} --model-id {model_id} --what ... --why ...",
    ]


def _stage_dir(distillation: dict[str, Any]) -> str:
    """The stage folder of a recipe run: where the distillation's teacher was written."""
    return str(Path(distillation["teacher"]).parent) if distillation.get("teacher") else "build/verifier"


def _distill_commands(record: dict[str, Any], *, model_id: str, out: str) -> list[str]:
    """The steps that make a distilled model: its teacher's (when the teacher is a soup), then the distillation."""
    d, hp, seed = record["distillation"], record["hyper_parameters"], record["seed"]
    soup = d.get("teacher_soup")
    teacher_steps = (
        _soup_commands(seed, soup["alpha"], d["teacher"], d["teacher_model_id"], stages=_stage_dir(d),
                       held_out_by=record.get("held_out_by", "claim"), size=record.get("size"),
                       titles=bool(record.get("scifact_titles")))
        if soup
        else []
    )  # fmt: skip
    return [
        *teacher_steps,
        f"factcheck train distill --teacher {d['teacher']} --layers {','.join(map(str, d['layers']))}"
        + (f" --extra {d['extra']}" if d.get("extra") else "")
        + f" --epochs {hp['epochs']} --learning-rate {hp['learning_rate']} --weight {d['weight']} "
        f"--temperature {d['temperature']} --threads {record['threads']} --seed {seed} "
        f"--model-id {model_id} --out {out}",
    ]


def _soup_commands(
    seed: int,
    alpha: float,
    out: str,
    model_id: str,
    *,
    stages: str = "build/verifier",
    held_out_by: str = "claim",
    size: int | None = None,
    titles: bool = False,
) -> list[str]:
    split = f" --held-out-by {held_out_by}" if held_out_by != "claim" else ""
    split += f" --size {size}" if size is not None else ""
    split += " --scifact-titles" if titles else ""
    return [
        f"factcheck train verifier --data path/to/public-data --out {stages}/base --threads 1 --seed {seed}{split}",
        f"python bench/scifact_pairs.py --claims trained --labels hard-negatives --model {stages}/base "
        f"--index-dir {stages}/scifact-index --out {stages}/hard-negatives.jsonl",
        f"factcheck train verifier --data {stages}/hard-negatives.jsonl --init-from "
        f"{stages}/base --epochs 1 --threads 2 --out {stages}/tuned --seed {seed}",
        f"factcheck train soup --base {stages}/base --tuned {stages}/tuned --alpha "
        f"{alpha} --out {out} --seed {seed} --model-id {model_id} --why ...",
    ]


def write_combiner_section(folder: Path, lines: list[str]) -> None:
    """Put a "## Combiner" section (``lines``, without the heading) in the folder's model card, replacing
    an earlier one; it goes before "## Training". Written by the combiner fit, which runs after the card."""
    card = folder / "MODEL_CARD.md"
    if not card.is_file():
        return
    text = card.read_text(encoding="utf-8")
    start = text.find("\n## Combiner\n")
    if start != -1:
        end = text.find("\n## ", start + 1)
        text = text[:start] + (text[end:] if end != -1 else "\n")
    section = "\n".join(["## Combiner", "", *lines, ""]) + "\n"
    where = text.find("\n## Training\n")
    text = text + "\n" + section if where == -1 else text[: where + 1] + section + text[where + 1 :]
    card.write_text(text, encoding="utf-8")
