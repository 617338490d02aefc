"""Explain why a plan is infeasible, naming the commitments that conflict.

Only hard constraints can make a plan infeasible: firm floors on pledges
(``min_troops``) and sectors that must be covered (``must_cover``); everything
else shows up as shortfall. Plain arithmetic catches the usual cases with a
message that shows the sums; otherwise a deletion filter (re-solving with one
hard constraint dropped at a time) finds a smallest conflicting set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from truceline.errors import InfeasiblePlanError
from truceline.force.inputs import PlanInputs, arcs_of

__all__ = ["explain_infeasible"]


def explain_infeasible(inputs: PlanInputs, params: object, rotation: bool) -> str:
    """One message naming the conflicting firm commitments and cover rules."""
    reasons = _arithmetic(inputs, rotation)
    if not reasons:
        culprits = _deletion_filter(inputs, params, rotation)
        names = [_describe(inputs, group) for group in culprits]
        reasons = [
            "these hard constraints cannot all hold together (drop or relax one): "
            + "; ".join(names)
        ]
    head = f"{inputs.source}: the plan is infeasible"
    return head + ": " + " ".join(reasons)


def _arithmetic(inputs: PlanInputs, rotation: bool) -> list[str]:
    arcs = arcs_of(inputs)
    req = inputs.demands["troops"].to_numpy(float)
    reasons: list[str] = []
    pool_floor: dict[tuple[str, str], float] = {}
    for p, pledge in enumerate(inputs.pledges):
        if pledge.floor <= 0:
            continue
        mine = arcs[arcs["pledge"] == p]
        if mine.empty:
            reasons.append(
                f"{pledge.label} commits at least {pledge.floor:,.0f} troops (min_troops) but can "
                f"fill no requirement: {_why_unusable(inputs, pledge)}."
            )
            continue
        reach = float(req[mine["demand"].unique()].sum())
        if reach < pledge.floor:
            reasons.append(
                f"{pledge.label} commits at least {pledge.floor:,.0f} troops (min_troops) but the "
                f"requirements it may fill add up to {reach:,.0f}."
            )
        if not (~mine["abroad"]).any():
            key = (pledge.contributor, pledge.pool)
            pool_floor[key] = pool_floor.get(key, 0.0) + pledge.floor
    if rotation:
        for (name, pool), floor in pool_floor.items():
            spec = inputs.contributors[name]
            room = spec.sustainable(pool)
            if floor * inputs.rotation > room + 1e-9:
                reasons.append(
                    f"{name} commits at least {floor:,.0f} troops abroad (min_troops), which "
                    f"ties up {floor * inputs.rotation:,.0f} at a 1:{inputs.rotation:g} rotation, "
                    f"but it can sustain only {room:,.0f} abroad ({spec.share:.0%} of "
                    f"{spec.pools[pool]:,.0f} {pool})."
                )
    reasons.extend(_cover_arithmetic(inputs, arcs, req))
    return reasons


def _cover_arithmetic(inputs: PlanInputs, arcs: pd.DataFrame, req: np.ndarray) -> list[str]:
    reasons = []
    demand_sector = inputs.demands["sector"].to_numpy()
    shares = inputs.sectors["must_cover"].to_numpy(float)
    for sector, share in zip(inputs.sectors["sector"], shares, strict=True):
        if share <= 0:
            continue
        idx = np.flatnonzero(demand_sector == sector)
        need = float(share) * float(req[idx].sum())
        reach = 0.0
        for d in idx:
            served = arcs[arcs["demand"] == d]
            caps = [inputs.pledges[p].cap for p in served["pledge"].unique()]
            limit = np.inf if any(c is None for c in caps) else sum(c for c in caps if c)
            reach += min(float(req[d]), limit)
        if reach + 1e-9 < need:
            reasons.append(
                f"sector {sector} must be covered to {share:.0%} ({need:,.0f} troops) "
                f"but the pledges whose caveats let them serve there reach at most {reach:,.0f}."
            )
    return reasons


def _why_unusable(inputs: PlanInputs, pledge: object) -> str:
    from truceline.force.plan import unusable_reason

    return unusable_reason(inputs, pledge)  # type: ignore[arg-type]


def _deletion_filter(inputs: PlanInputs, params: object, rotation: bool) -> list[tuple[str, int]]:
    from truceline.force.model import PlanParams, solve

    assert isinstance(params, PlanParams)
    groups = [("floor", p) for p, pledge in enumerate(inputs.pledges) if pledge.floor > 0]
    groups += [("must_cover", s) for s, m in enumerate(inputs.sectors["must_cover"]) if m > 0]
    active = list(groups)
    for group in list(active):
        trial = [g for g in active if g != group]
        try:
            solve(inputs, params, rotation=rotation, drop=frozenset(groups) - set(trial))
        except InfeasiblePlanError:
            active = trial  # still infeasible without it: not part of the conflict
    return active


def _describe(inputs: PlanInputs, group: tuple[str, int]) -> str:
    kind, index = group
    if kind == "floor":
        pledge = inputs.pledges[index]
        return f"{pledge.label} min_troops {pledge.floor:,.0f}"
    row = inputs.sectors.iloc[index]
    return f"sector {row['sector']} must_cover {row['must_cover']:.0%}"
