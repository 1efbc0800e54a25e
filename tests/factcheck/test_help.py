"""Every command and option explains itself, and the README and docs/ show every command and only real flags."""

from __future__ import annotations

import re
from pathlib import Path

import click
import typer

from factcheck.cli import FailOn, OutputFormat, app
from factcheck.config import Settings, valid_keys

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = {path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8") for path in [
    REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))
]}  # fmt: skip


def _is_group(command: object) -> bool:
    # Typer's groups are not click.Group subclasses in every version: look for sub-commands instead.
    return isinstance(getattr(command, "commands", None), dict)


def _commands(group: click.Command, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    if _is_group(group):
        for name, command in group.commands.items():
            out.append((f"{prefix}{name}", command))
            out.extend(_commands(command, f"{prefix}{name} "))
    return out


def test_every_command_and_option_has_help() -> None:
    commands = _commands(typer.main.get_command(app))
    assert {"check", "claims", "baseline", "demo", "index", "index build"} <= {name for name, _ in commands}
    missing = []
    for name, command in commands:
        if not (command.help or "").strip():
            missing.append(name)
        for param in command.params:
            if param.name == "help":
                continue
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{name} {param.name}")
    assert missing == []


def test_readme_or_docs_show_every_command() -> None:
    shown = "\n".join(DOCS.values())
    for name, command in _commands(typer.main.get_command(app)):
        if _is_group(command):
            continue
        assert re.search(rf"factcheck {name}(?![\w-])", shown), f"no page shows `factcheck {name}`"


def test_every_flag_the_pages_use_is_a_flag_of_that_command() -> None:
    commands = {name: command for name, command in _commands(typer.main.get_command(app)) if not _is_group(command)}
    wrong = []
    for page, text in DOCS.items():
        for line in text.splitlines():
            code = line.split(" #")[0]
            for used in re.finditer(r"factcheck ((?:[a-z]+ ?)+)((?:[^`|]*?))(?=`|$)", code):
                words = used.group(1).split()
                name = next((" ".join(words[:n]) for n in (2, 1) if " ".join(words[:n]) in commands), None)
                command = commands.get(name or "")
                if command is None or (command.context_settings or {}).get("ignore_unknown_options"):
                    continue  # prose, or a recipe step whose own parser lists its flags
                known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)} | {"--help"}
                wrong += [f"{page}: factcheck {name} {flag}" for flag in re.findall(r"(?<![\w-])--?[a-z][\w-]*",
                          used.group(0)) if flag not in known]  # fmt: skip
    assert wrong == []


def test_the_pages_name_every_format_and_gate_policy_that_help_offers() -> None:
    for value in OutputFormat:
        assert value.value in README and value.value in DOCS["docs/how-it-works.md"], value
        assert f"`{value.value}`" in DOCS["docs/configuration.md"], value
    for value in FailOn:
        assert f"`{value.value}`" in DOCS["docs/configuration.md"], value


def test_the_configuration_page_lists_every_setting_with_its_default() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", DOCS["docs/configuration.md"], re.M))
    defaults = Settings()
    assert set(rows) == set(valid_keys())
    for key, shown in rows.items():
        value = getattr(defaults, key)
        if isinstance(value, bool):
            assert shown.strip() == str(value).lower(), key
        elif isinstance(value, int | float):
            assert float(shown) == value, key
        elif value:
            assert shown.strip() == f"`{value}`", key


def test_the_readme_figures_are_those_of_the_benchmarks_page() -> None:
    table = README[README.index("| verifier |") :].split("\n\n")[0]
    figures = re.findall(r"\d+\.\d+|\d+ to \d+", table)
    assert len(figures) >= 8
    assert all(figure in DOCS["docs/benchmarks.md"] for figure in figures), figures
