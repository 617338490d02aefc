"""CLI commands: ``truceline plan [SCENARIO.yaml]`` and ``truceline plan compare``.

``plan`` is a group whose default command is ``run``: ``truceline plan``,
``truceline plan FILE`` and ``truceline plan run FILE`` are the same thing, and
``truceline plan compare A.yaml B.yaml`` (or a file listing ``scenarios:``)
puts scenarios side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from truceline.cli._common import console, err_console, print_json, progress

__all__ = ["register"]


class _DefaultToRun(TyperGroup):
    """A group that runs ``run`` when the first word is not one of its commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: a click Context
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["run", *args]
        return super().parse_args(ctx, args)


plan_app = typer.Typer(
    cls=_DefaultToRun,
    help="Plan the monitoring/reassurance force: can the pledges man it? (default: run)",
    add_completion=False,
)

_Out = Annotated[Path, typer.Option("--out", help="Folder for the CSV, JSON and PNG files.")]
_Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
_TimeLimit = Annotated[float, typer.Option("--time-limit", help="Seconds per solve.")]
_Unit = Annotated[int, typer.Option("--unit", help="Troops per integer unit of the plan.")]


@plan_app.command("run")
def run_plan(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario YAML (default: the shipped Paris 2026 scenario)."),
    ] = None,
    out: _Out = Path("plan-output"),
    as_json: _Json = False,
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity/--no-sensitivity", help="Re-solve per single change.")
    ] = True,
    top: Annotated[int, typer.Option("--top", help="Changes shown in the sensitivity table.")] = 10,
    time_limit: _TimeLimit = 60.0,
    unit: _Unit = 10,
) -> None:
    """Solve one scenario: print the summary, write CSV/JSON and a PNG chart to --out."""
    from truceline.force import (
        PlanParams,
        SensitivityParams,
        default_scenario_path,
        load_scenario,
        plan,
    )
    from truceline.force.report import plan_to_dict, render_plan, write_plan

    loaded = load_scenario(scenario or default_scenario_path())
    params = PlanParams(unit=unit, time_limit_s=time_limit)
    with progress(enabled=err_console.is_terminal) as bar:
        task = bar.add_task("sensitivity re-solves", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = plan(
            loaded,
            params,
            sensitivity_params=SensitivityParams() if sensitivity else None,
            on_step=step,
        )
    written = write_plan(result, out)
    if as_json:
        print_json(plan_to_dict(result))
    else:
        render_plan(result, console, top=top)
    err_console.print(f"wrote {len(written)} files to {out}", highlight=False)


@plan_app.command("compare")
def compare_plans(
    scenarios: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario files, or one file listing `scenarios:` (default: shipped)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write comparison CSV/JSON/PNG here.")
    ] = None,
    as_json: _Json = False,
    time_limit: _TimeLimit = 60.0,
    unit: _Unit = 10,
) -> None:
    """Run several scenarios and show them side by side."""
    from truceline.force import PlanParams, compare, load_scenarios, shipped_scenarios
    from truceline.force.report import comparison_to_dict, render_comparison, write_comparison

    paths: list[Any] = (
        list(scenarios) if scenarios else [shipped_scenarios()["paris-2026-comparison"]]
    )
    loaded = load_scenarios(paths)
    table = compare(loaded, PlanParams(unit=unit, time_limit_s=time_limit))
    if out is not None:
        written = write_comparison(table, out)
        err_console.print(f"wrote {len(written)} files to {out}", highlight=False)
    if as_json:
        print_json(comparison_to_dict(table))
    else:
        render_comparison(table, console)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(plan_app, name="plan")
