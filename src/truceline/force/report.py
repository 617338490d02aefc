"""Show and save a plan: Rich tables, CSV and JSON files, a PNG chart.

``plan_to_dict`` is the JSON contract (``truceline plan --json``): at least
``required``, ``sustainable`` and ``shortfall`` (troops), plus the headline
figures, the assignment, the tables by sector, role and contributor, the
sensitivity table and the warnings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from truceline.force.plan import Plan

__all__ = [
    "comparison_to_dict",
    "plan_to_dict",
    "plot_comparison",
    "plot_plan",
    "render_comparison",
    "render_plan",
    "write_comparison",
    "write_plan",
]

_TABLES = ("assignment", "by_sector", "by_role", "by_sector_role", "contributors", "pledges")


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None:
        return []
    return json.loads(frame.round(4).to_json(orient="records"))  # NaN -> null


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON-ready data."""
    head = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in plan.headline.items()}
    out: dict[str, Any] = {"source": plan.source, **head}
    for name in _TABLES:
        out[name] = _records(getattr(plan, name))
    out["sensitivity"] = _records(plan.sensitivity)
    out["warnings"] = list(plan.warnings)
    out["solver"] = plan.solver
    return out


def write_plan(plan: Plan, out_dir: str | Path) -> dict[str, Path]:
    """Write CSV tables, ``plan.json`` and ``plan.png`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in _TABLES:
        path = out / f"{name}.csv"
        getattr(plan, name).to_csv(path, index=False)
        written[name] = path
    if plan.sensitivity is not None:
        written["sensitivity"] = out / "sensitivity.csv"
        plan.sensitivity.to_csv(written["sensitivity"], index=False)
    written["json"] = out / "plan.json"
    written["json"].write_text(
        json.dumps(plan_to_dict(plan), indent=2, default=str, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    written["chart"] = plot_plan(plan, out / "plan.png")
    return written


def plot_plan(plan: Plan, path: str | Path) -> Path:
    """Bars per sector: required, pledged (ignoring rotation), sustainable (the plan)."""
    table = plan.by_sector.iloc[::-1]
    fig = Figure(figsize=(9, 0.45 * len(table) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = range(len(table))
    height = 0.27
    series = (
        ("required", "required", "#b0b0b0"),
        ("pledged", "pledged (ignoring rotation)", "#6baed6"),
        ("sustainable", "deployable and sustainable (plan)", "#08519c"),
    )
    for k, (column, label, colour) in enumerate(series):
        ax.barh([i + (1 - k) * height for i in y], table[column], height, label=label, color=colour)
    ax.set_yticks(
        list(y), [f"{s} {n}"[:40] for s, n in zip(table["sector"], table["name"], strict=True)]
    )
    ax.set_xlabel("troops")
    head = plan.headline
    ax.set_title(
        f"{plan.name}\nrequired {head['required']:,.0f} - sustainable {head['sustainable']:,.0f} "
        f"- shortfall {head['shortfall']:,.0f}",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.savefig(path, dpi=120)
    return Path(path)


def _num(value: float) -> str:
    return f"{value:,.0f}"


def render_plan(plan: Plan, console: Console, *, top: int = 10) -> None:
    """Print the headline, the tables by sector, role and contributor, and the top changes."""
    h = plan.headline
    head = Table(title=f"{plan.name}", show_header=False, title_justify="left")
    head.add_column("figure")
    head.add_column("troops", justify="right")
    for label, key in (
        ("required", "required"), ("pledged (stated caps)", "pledged"),
        ("pledged, placeable (ignoring rotation)", "pledged_reachable"),
        ("deployable and sustainable, anywhere caveats allow", "sustainable_capacity"),
        ("deployable and sustainable, filling the requirement", "sustainable"),
        ("shortfall", "shortfall"), ("deployed abroad", "deployed_abroad"),
        ("serving from home", "from_home"),
        (f"to generate at home (1:{h['rotation']:g} rotation)", "generate_at_home"),
    ):  # fmt: skip
        head.add_row(label, _num(h[key]))
    head.add_row("shortfall share", f"{h['shortfall_share']:.1%}")
    console.print(head)
    console.print(_frame_table("By sector", plan.by_sector, ["sector", "name", "kind"]))
    console.print(_frame_table("By role", plan.by_role, ["role"]))
    contributors = plan.contributors[
        [
            "contributor",
            "pledged",
            "capacity",
            "deployed_abroad",
            "from_home",
            "generate_at_home",
            "room_used",
        ]
    ]
    console.print(
        _frame_table("By contributor", contributors, ["contributor"], share=("room_used",))
    )
    if plan.sensitivity is not None and len(plan.sensitivity):
        sens = plan.sensitivity[plan.sensitivity["closed"] > 0].head(top)
        title = f"Single changes that close the most of the {h['shortfall']:,.0f} gap (top {top})"
        console.print(
            _frame_table(
                title,
                sens[["change", "closed", "closed_share"]],
                ["change"],
                share=("closed_share",),
            )
        )
    for line in plan.warnings:
        console.print(f"[yellow]warning[/]: {line}", highlight=False)


def _frame_table(
    title: str, frame: pd.DataFrame, text: list[str], share: tuple[str, ...] = ("shortfall_share",)
) -> Table:
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(column, justify="left" if column in text else "right")
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            if column in text or isinstance(value, str):
                cells.append(str(value))
            elif pd.isna(value):
                cells.append("")
            elif column in share:
                cells.append(f"{value:.0%}")
            elif column == "priority":
                cells.append(f"{value:g}")
            else:
                cells.append(_num(float(value)))
        table.add_row(*cells)
    return table


def comparison_to_dict(table: pd.DataFrame) -> dict[str, Any]:
    """The comparison as JSON-ready data: one record per scenario."""
    return {"scenarios": _records(table)}


def render_comparison(table: pd.DataFrame, console: Console) -> None:
    """Print scenarios side by side (one column each)."""
    out = Table(title="Scenarios side by side", title_justify="left")
    out.add_column("")
    for i, name in enumerate(table["scenario"], start=1):
        out.add_column(f"{i}. {name}", justify="right", overflow="fold")
    for key in table.columns:
        if key in ("scenario", "source"):
            continue
        values = table[key]
        if key == "shortfall_share":
            cells = [f"{v:.1%}" for v in values]
        elif key in ("rotation",):
            cells = [f"1:{v:g}" for v in values]
        elif key == "solve_seconds":
            cells = [f"{v:.2f} s" for v in values]
        else:
            cells = [_num(v) for v in values]
        out.add_row(key.replace("_", " "), *cells)
    console.print(out)


def plot_comparison(table: pd.DataFrame, path: str | Path) -> Path:
    """Bars per scenario: required vs deployable-and-sustainable."""
    fig = Figure(figsize=(9, 0.7 * len(table) + 1.5), layout="constrained")
    ax = fig.subplots()
    y = list(range(len(table)))[::-1]
    ax.barh([i + 0.2 for i in y], table["required"], 0.38, label="required", color="#b0b0b0")
    ax.barh(
        [i - 0.2 for i in y],
        table["sustainable"],
        0.38,
        label="deployable and sustainable",
        color="#08519c",
    )
    ax.set_yticks(y, [str(n)[:48] for n in table["scenario"]])
    ax.set_xlabel("troops")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.savefig(path, dpi=120)
    return Path(path)


def write_comparison(table: pd.DataFrame, out_dir: str | Path) -> dict[str, Path]:
    """Write ``comparison.csv``, ``comparison.json`` and ``comparison.png``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / "comparison.csv", "json": out / "comparison.json"}
    table.to_csv(paths["csv"], index=False)
    paths["json"].write_text(
        json.dumps(comparison_to_dict(table), indent=2) + "\n", encoding="utf-8"
    )
    paths["chart"] = plot_comparison(table, out / "comparison.png")
    return paths
