"""Shared CLI plumbing: console, error printing, exit codes, JSON output.

Exit codes (stable; scripts rely on them):

====  ==========================================================
0     success
1     unexpected internal error (a bug: please report it)
2     usage error (unknown option, missing argument)
3     input refused (bad file, bad value); the message names it
4     archive missing or inconsistent
5     agreement cannot be built or loaded
6     baseline cannot be fitted, loaded or used
7     force plan infeasible
8     done, but some input rows were quarantined (good rows landed)
9     the optimiser stopped without a plan (raise its time limit)
====  ==========================================================
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from typer.core import TyperGroup

from truceline.errors import TrucelineError, exit_code_for

__all__ = [
    "EXIT_QUARANTINED",
    "parse_day",
    "TrucelineGroup",
    "console",
    "err_console",
    "print_json",
    "progress",
    "run_app",
]

EXIT_QUARANTINED = 8

console = Console()
err_console = Console(stderr=True)


class TrucelineGroup(TyperGroup):
    """Root command group: turns :class:`TrucelineError` into a message and exit code.

    Installed on the root app, so the console script and ``CliRunner`` tests see
    the same exit codes.
    """

    def invoke(self, ctx: Any) -> Any:  # typer bundles its own click Context type
        """Run the command; report a deliberate error as ``ErrorType: message``."""
        try:
            return super().invoke(ctx)
        except TrucelineError as error:
            err_console.print(
                f"[bold red]{type(error).__name__}[/]: {error}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(exit_code_for(error)) from error


def run_app(app: typer.Typer) -> None:
    """Run ``app`` as a console script (usage errors exit 2, see the table above)."""
    app()


def parse_day(value: str, option: str) -> date:
    """A ``YYYY-MM-DD`` option value as a date; a usage error (exit 2) naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2025-08-11", param_hint=f"'{option}'"
        ) from None


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON on stdout (dates and paths as strings)."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


@contextmanager
def progress(enabled: bool = True) -> Iterator[Progress]:
    """A Rich progress display on stderr, silent when ``enabled`` is false."""
    bar = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not enabled,
        transient=True,
    )
    with bar:
        yield bar
