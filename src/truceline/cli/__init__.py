"""The ``truceline`` command line: a thin layer over the library API.

Each command group lives in its own module and registers itself on
:data:`app`; errors are printed as ``ErrorType: message`` and mapped to the
exit codes documented in :mod:`truceline.cli._common`.
"""

from __future__ import annotations

import typer

from truceline.cli import (
    agreement_cmd,
    baseline_cmd,
    detect_cmd,
    ingest_cmd,
    plan_cmd,
    run_cmd,
    simulate_cmd,
)
from truceline.cli._common import TrucelineGroup, run_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="truceline",
    help="Ceasefire monitoring and verification from open satellite data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=TrucelineGroup,
)

for _module in (
    ingest_cmd,
    agreement_cmd,
    baseline_cmd,
    detect_cmd,
    run_cmd,
    simulate_cmd,
    plan_cmd,
):
    _module.register(app)


def main() -> None:
    """Entry point of the ``truceline`` console script."""
    run_app(app)
