"""Usage errors as one line on stderr with exit code 2, and help that shows flags as flags.

Typer draws its own box around a usage error, with a "Usage:" block above it; a CI log wants one line
that names the option and what is allowed. The group class below runs the command line without
click's standalone handling and prints every click error itself.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

EXIT_USAGE = 2
# Typer validates values with pydantic, whose messages carry this prefix.
_PYDANTIC_PREFIX = re.compile(r"\bValue error, ")


def usage_line(exc: typer._click.exceptions.ClickException) -> str:
    """The error as one line: what is wrong, and where the command's help is."""
    message = " ".join(_PYDANTIC_PREFIX.sub("", exc.format_message()).split()).rstrip(".")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f"; see '{ctx.command_path} --help'"
    return f"factcheck: error: {message}"


def _flags_without_metavar(command: Any, ctx: Any) -> None:
    """Show ``--changed-only`` rather than ``--changed-only <bool>`` in help."""
    params = [*command.params, command.get_help_option(ctx)]
    for param in params:
        if param is not None and getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""


class FactcheckGroup(TyperGroup):
    """A command group whose usage errors are one line and whose help lists flags without a type."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _flags_without_metavar(command, ctx)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _flags_without_metavar(self, ctx)
        super().format_help(ctx, formatter)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        clicks = typer._click.exceptions
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except clicks.NoArgsIsHelpError as exc:
            # A bare `factcheck` or `factcheck index` asks for help: show it, as a success.
            typer.echo(exc.ctx.get_help())
            sys.exit(0)
        except clicks.ClickException as exc:
            _fail(usage_line(exc), exc.exit_code)
        except typer.Abort:
            _fail("factcheck: aborted", 1)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(line: str, code: int) -> NoReturn:
    typer.echo(line, err=True)
    sys.exit(code)
