"""Which single pledge or caveat change would close the largest part of the gap.

Each candidate changes one thing and the plan is solved again: lift one caveat
of one pledge (let it serve from one more location its roles allow), raise one
pledge's cap, raise one contributor's sustainable share abroad, or let a short
pledge run the whole horizon. The table ranks the candidates by the troops of
shortfall they close.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from truceline.errors import InfeasiblePlanError
from truceline.force.inputs import PlanInputs
from truceline.force.model import PlanParams, Solution, solve

__all__ = [
    "SENSITIVITY_COLUMNS",
    "Change",
    "SensitivityParams",
    "candidate_changes",
    "sensitivity",
]

SENSITIVITY_COLUMNS = (
    "change", "kind", "contributor", "pledge", "shortfall", "closed", "closed_share",
    "weighted_closed",
)  # fmt: skip


@dataclass(frozen=True)
class SensitivityParams:
    """How big each candidate change is."""

    cap_factor: float = 2.0
    """A pledge's max_troops times this: "what if it doubled its pledge"."""
    share_step: float = 0.05
    """Points added to a contributor's sustainable share abroad (0.05 = 5 points)."""
    lift_caveats: bool = True
    """Try each location a pledge's roles could use that its caveats exclude."""
    extend_durations: bool = True
    """Try each pledge shorter than the horizon running for all of it."""
    top: int | None = None
    """Keep the N best changes (None keeps all)."""


@dataclass(frozen=True)
class Change:
    """One candidate change and the inputs it produces."""

    kind: str  # caveat | cap | share | duration
    contributor: str
    pledge: str | None
    description: str
    inputs: PlanInputs


def candidate_changes(inputs: PlanInputs, params: SensitivityParams) -> list[Change]:
    """Every single change the parameters allow, in a stable order."""
    changes: list[Change] = []
    required_roles = set(inputs.demands["role"])
    for i, pledge in enumerate(inputs.pledges):

        def swap(new: object, i: int = i) -> PlanInputs:
            pledges = list(inputs.pledges)
            pledges[i] = new  # type: ignore[call-overload]
            return replace(inputs, pledges=tuple(pledges))

        if params.lift_caveats:
            usable = [loc for r in pledge.roles if r in required_roles for loc in inputs.roles[r]]
            for loc in dict.fromkeys(usable):
                if loc not in pledge.where:
                    new = replace(pledge, where=(*pledge.where, loc))
                    text = f"{pledge.label}: also serve in {loc} (now {'/'.join(pledge.where)})"
                    changes.append(
                        Change("caveat", pledge.contributor, pledge.key, text, swap(new))
                    )
        if pledge.cap is not None and params.cap_factor > 1:
            cap = pledge.cap * params.cap_factor
            text = f"{pledge.label}: max_troops {pledge.cap:,.0f} -> {cap:,.0f}"
            changes.append(
                Change("cap", pledge.contributor, pledge.key, text, swap(replace(pledge, cap=cap)))
            )
        if params.extend_durations and inputs.duration_factor(pledge) < 1:
            text = f"{pledge.label}: run {inputs.horizon:g} months (now {pledge.duration:g})"
            changes.append(
                Change(
                    "duration",
                    pledge.contributor,
                    pledge.key,
                    text,
                    swap(replace(pledge, duration=None)),
                )
            )
    if params.share_step > 0:
        for name, spec in inputs.contributors.items():
            if spec.share >= 1:
                continue
            share = min(1.0, spec.share + params.share_step)
            contributors = {**inputs.contributors, name: replace(spec, share=share)}
            text = f"{name}: sustain {share:.0%} of its forces abroad (now {spec.share:.0%})"
            changes.append(
                Change("share", name, None, text, replace(inputs, contributors=contributors))
            )
    return changes


def sensitivity(
    inputs: PlanInputs,
    base: Solution,
    plan_params: PlanParams | None = None,
    params: SensitivityParams | None = None,
    *,
    on_step: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Re-solve per candidate change; rank by troops of shortfall closed."""
    plan_params = plan_params or PlanParams()
    params = params or SensitivityParams()
    changes = candidate_changes(inputs, params)
    base_short = float(base.shortfall.sum())
    rows = []
    for step, change in enumerate(changes, start=1):
        try:
            result = solve(change.inputs, plan_params, rotation=True)
        except InfeasiblePlanError:
            result = None
        if on_step is not None:
            on_step(step, len(changes))
        if result is None:
            continue
        short = float(result.shortfall.sum())
        rows.append(
            {
                "change": change.description,
                "kind": change.kind,
                "contributor": change.contributor,
                "pledge": change.pledge,
                "shortfall": short,
                "closed": base_short - short,
                "closed_share": (base_short - short) / base_short if base_short > 0 else 0.0,
                "weighted_closed": base.weighted_shortfall - result.weighted_shortfall,
            }
        )
    table = pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
    table = table.sort_values(
        ["closed", "weighted_closed", "change"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    return table.head(params.top) if params.top is not None else table
