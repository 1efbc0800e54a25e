"""Every command and every option explains itself, and the README shows every command."""

from __future__ import annotations

from pathlib import Path

import click
import typer

from factcheck.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


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


def test_readme_shows_every_command() -> None:
    for name, command in _commands(typer.main.get_command(app)):
        if _is_group(command):
            continue
        assert f"factcheck {name} " in README or f"factcheck {name}\n" in README, f"README lacks `factcheck {name}`"
