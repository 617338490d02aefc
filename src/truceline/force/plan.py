"""Plan a force: solve a scenario and lay the answer out as tables.

:func:`plan` solves the scenario twice: once with the rotation rule (what the
coalition can deploy *and sustain*: the plan) and once without it (what the
pledges alone would reach), then runs the sensitivity analysis. :func:`compare`
puts several scenarios side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from truceline.force.inputs import PlanInputs, PledgeSpec, prepare
from truceline.force.model import PlanParams, Solution, solve
from truceline.force.scenario import ABROAD, Scenario
from truceline.force.sensitivity import SensitivityParams, sensitivity

__all__ = ["Plan", "compare", "plan", "sustainable_capacity", "unusable_reason"]

_PARAMS = PlanParams()
_SENSITIVITY = SensitivityParams()


@dataclass
class Plan:
    """A solved scenario, as tables."""

    name: str
    source: str
    headline: dict[str, Any]
    assignment: pd.DataFrame
    by_sector_role: pd.DataFrame
    by_sector: pd.DataFrame
    by_role: pd.DataFrame
    contributors: pd.DataFrame
    pledges: pd.DataFrame
    sensitivity: pd.DataFrame | None
    solver: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def plan(
    scenario: Scenario | PlanInputs,
    params: PlanParams = _PARAMS,
    *,
    sensitivity_params: SensitivityParams | None = _SENSITIVITY,
    on_step: Callable[[int, int], None] | None = None,
) -> Plan:
    """Solve ``scenario``; ``sensitivity_params=None`` skips the what-if re-solves."""
    inputs = scenario if isinstance(scenario, PlanInputs) else prepare(scenario)
    best = solve(inputs, params, rotation=True)
    # Without the rotation rule, starting from the plan: never less per cell than the plan.
    reach = solve(inputs, params, rotation=False, min_cover=best.cover_units)
    table = _cells(inputs, best, reach)
    warnings_ = [
        f"{p.label} cannot be used: {unusable_reason(inputs, p)}" for p in _unusable(inputs)
    ]
    sens = None
    if sensitivity_params is not None:
        sens = sensitivity(inputs, best, params, sensitivity_params, on_step=on_step)
    assignment = _assignment(inputs, best)
    contributors = _contributors(inputs, assignment)
    required = float(table["required"].sum())
    covered = float(table["sustainable"].sum())
    abroad = float(assignment.loc[assignment["abroad"], "troops"].sum())
    headline = {
        "scenario": inputs.name,
        "required": required,
        "pledged": float(sum(p.cap for p in inputs.pledges if p.cap is not None)),
        "pledged_open_ended": sum(p.cap is None for p in inputs.pledges),
        "pledged_reachable": float(table["pledged"].sum()),
        "sustainable_capacity": float(contributors["capacity"].sum()),
        "sustainable": covered,
        "shortfall": required - covered,
        "shortfall_share": (required - covered) / required if required else 0.0,
        "weighted_shortfall": best.weighted_shortfall,
        "deployed_abroad": abroad,
        "from_home": float(assignment["troops"].sum()) - abroad,
        "in_rotation_cycle": abroad * inputs.rotation,
        "generate_at_home": abroad * (inputs.rotation - 1.0),
        "rotation": inputs.rotation,
        "horizon_months": inputs.horizon,
    }
    solver = {"status": best.status, "seconds": best.seconds, "gap": best.gap, **best.size}
    return Plan(
        name=inputs.name,
        source=inputs.source,
        headline=headline,
        assignment=assignment.drop(columns=["abroad"]),
        by_sector_role=table,
        by_sector=_by(table, inputs, "sector"),
        by_role=_by(table, inputs, "role"),
        contributors=contributors,
        pledges=_pledges(inputs, assignment),
        sensitivity=sens,
        solver=solver,
        warnings=warnings_,
    )


def compare(
    scenarios: Sequence[Scenario | PlanInputs], params: PlanParams = _PARAMS
) -> pd.DataFrame:
    """One row per scenario: required, pledged, sustainable, shortfall, home generation."""
    rows = []
    for scenario in scenarios:
        result = plan(scenario, params, sensitivity_params=None)
        head = result.headline
        rows.append(
            {
                "scenario": result.name,
                "source": result.source,
                **{k: head[k] for k in _COMPARED},
                "solve_seconds": result.solver["seconds"],
            }
        )
    return pd.DataFrame(rows)


_COMPARED = (
    "required", "pledged", "pledged_reachable", "sustainable_capacity", "sustainable",
    "shortfall", "shortfall_share", "deployed_abroad", "generate_at_home", "rotation",
)  # fmt: skip


def sustainable_capacity(inputs: PlanInputs) -> dict[str, float]:
    """Troops each contributor can deploy and sustain wherever its caveats allow.

    Ignores the requirement: home-capable pledges count in full (no rotation),
    the rest share each force pool's room abroad (share x pool / rotation),
    pledges covering more of the horizon first. An open-ended home pledge counts
    up to its pool's sustainable share.
    """
    out: dict[str, float] = {}
    for name, spec in inputs.contributors.items():
        total = 0.0
        for pool in spec.pools:
            room = float(np.floor(spec.sustainable(pool) / inputs.rotation + 1e-9))
            mine = [p for p in inputs.pledges if p.contributor == name and p.pool == pool]
            for pledge in sorted(mine, key=lambda p: -inputs.duration_factor(p)):
                factor = inputs.duration_factor(pledge)
                if factor <= 0:
                    continue
                if "from_home" in pledge.where:
                    total += factor * (pledge.cap or spec.sustainable(pool))
                elif set(pledge.where) & ABROAD:
                    take = min(pledge.cap if pledge.cap is not None else np.inf, room)
                    room -= take
                    total += factor * take
        out[name] = total
    return out


def unusable_reason(inputs: PlanInputs, pledge: PledgeSpec) -> str:
    """Why a pledge can fill no requirement cell (empty if it can)."""
    if inputs.duration_factor(pledge) <= 0:
        return (
            f"it runs {pledge.duration:g} months of a {inputs.horizon:g}-month horizon "
            "(duration_rule strict)"
        )
    required_roles = set(inputs.demands["role"])
    roles = [r for r in pledge.roles if r in required_roles]
    if not roles:
        return f"nothing is required of its roles {list(pledge.roles)}"
    if not any(loc in pledge.where for r in roles for loc in inputs.roles[r]):
        served = ", ".join(f"{r} from {'/'.join(inputs.roles[r])}" for r in roles)
        return f"its caveats allow only {'/'.join(pledge.where)}, but {served}"
    return ""


def _unusable(inputs: PlanInputs) -> list[PledgeSpec]:
    return [p for p in inputs.pledges if unusable_reason(inputs, p)]


def _cells(inputs: PlanInputs, best: Solution, reach: Solution) -> pd.DataFrame:
    dem = inputs.demands
    required = best.required
    return pd.DataFrame(
        {
            "sector": dem["sector"],
            "role": dem["role"],
            "derived": dem["troops"],
            "required": required,
            "pledged": required - reach.shortfall,
            "sustainable": required - best.shortfall,
            "shortfall": best.shortfall,
            "weight": dem["weight"],
            "basis": dem["basis"],
        }
    )


def _by(table: pd.DataFrame, inputs: PlanInputs, key: str) -> pd.DataFrame:
    cols = ["required", "pledged", "sustainable", "shortfall"]
    out = table.groupby(key, sort=False)[cols].sum().reset_index()
    out["shortfall_share"] = np.where(out["required"] > 0, out["shortfall"] / out["required"], 0.0)
    if key == "sector":
        info = inputs.sectors[["sector", "name", "kind", "priority"]]
        out = info.merge(out, on="sector", how="inner")
    return out


def _assignment(inputs: PlanInputs, best: Solution) -> pd.DataFrame:
    arcs = best.arcs[best.arcs["troops"] > 0]
    dem = inputs.demands
    sector_names = dict(zip(inputs.sectors["sector"], inputs.sectors["name"], strict=True))
    pledges = [inputs.pledges[p] for p in arcs["pledge"]]
    out = pd.DataFrame(
        {
            "contributor": [p.contributor for p in pledges],
            "pledge": [p.key for p in pledges],
            "sector": dem["sector"].to_numpy()[arcs["demand"].to_numpy(int)],
            "role": dem["role"].to_numpy()[arcs["demand"].to_numpy(int)],
            "location": arcs["location"].to_numpy(),
            "troops": arcs["troops"].to_numpy(float),
            "coverage": arcs["coverage"].to_numpy(float),
            "abroad": arcs["abroad"].to_numpy(bool),
        }
    )
    out.insert(3, "sector_name", out["sector"].map(sector_names))
    out["in_rotation_cycle"] = np.where(
        out["abroad"], out["troops"] * inputs.rotation, out["troops"]
    )
    return out.sort_values(["contributor", "pledge", "sector", "role"]).reset_index(drop=True)


def _contributors(inputs: PlanInputs, assignment: pd.DataFrame) -> pd.DataFrame:
    capacity = sustainable_capacity(inputs)
    rows = []
    for name, spec in inputs.contributors.items():
        mine = assignment[assignment["contributor"] == name]
        abroad = float(mine.loc[mine["abroad"], "troops"].sum())
        room = sum(spec.sustainable(pool) for pool in spec.pools)
        caps = [p.cap for p in inputs.pledges if p.contributor == name]
        rows.append(
            {
                "contributor": name,
                "army": spec.pools["army"],
                "other_services": spec.pools.get("other", np.nan),
                "share_abroad": spec.share,
                "sustainable_abroad": room,
                "pledged": float(sum(c for c in caps if c is not None)),
                "capacity": capacity[name],
                "deployed_abroad": abroad,
                "from_home": float(mine.loc[~mine["abroad"], "troops"].sum()),
                "in_rotation_cycle": abroad * inputs.rotation,
                "generate_at_home": abroad * (inputs.rotation - 1.0),
                "room_used": abroad * inputs.rotation / room if room else 0.0,
            }
        )
    return pd.DataFrame(rows)


def _pledges(inputs: PlanInputs, assignment: pd.DataFrame) -> pd.DataFrame:
    used = assignment.groupby(["contributor", "pledge"])["troops"].sum()
    rows = [
        {
            "contributor": p.contributor,
            "pledge": p.key,
            "domain": p.domain,
            "roles": "/".join(p.roles),
            "where": "/".join(p.where),
            "max_troops": p.cap,
            "min_troops": p.floor,
            "used": float(used.get((p.contributor, p.key), 0.0)),
            "unusable_because": unusable_reason(inputs, p),
        }
        for p in inputs.pledges
    ]
    return pd.DataFrame(rows)
