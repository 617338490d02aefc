"""A scenario reduced to what the optimisation needs.

:func:`prepare` resolves every default once (the roles a pledge may fill, the
force pool it draws on, its share abroad, its minimum contingent) and lists the
arcs: each way one pledge can fill one requirement cell from one location its
caveats allow. Sensitivity runs change these specs (``dataclasses.replace``)
rather than the YAML, so a what-if costs one solve and no re-validation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from truceline.force.requirements import derive_requirements
from truceline.force.scenario import ABROAD, LOCATIONS, Scenario

__all__ = ["ContributorSpec", "PlanInputs", "PledgeSpec", "arcs_of", "ceil_units", "prepare"]

#: The force pool each domain draws on when a contributor gives other services.
_POOL_OF_DOMAIN = {"land": "army", "logistics": "army", "enablers": "other", "air": "other",
                   "sea": "other"}  # fmt: skip


@dataclass(frozen=True)
class PledgeSpec:
    """One pledge with its defaults resolved."""

    contributor: str
    key: str
    domain: str
    roles: tuple[str, ...]
    where: tuple[str, ...]
    cap: float | None  # most troops (None: only the rotation rule limits it)
    floor: float  # firm commitment: at least this many deployed
    duration: float | None  # months; None for as long as needed
    min_contingent: int
    max_sectors: int | None
    pool: str  # "army" or "other"

    @property
    def label(self) -> str:
        """``Contributor/pledge``."""
        return f"{self.contributor}/{self.key}"


@dataclass(frozen=True)
class ContributorSpec:
    """A contributor's force pools and the share of them it can sustain abroad."""

    name: str
    pools: dict[str, float]  # pool name -> full-time troops
    share: float

    def sustainable(self, pool: str) -> float:
        """Troops of ``pool`` that can be held in the rotation cycle abroad."""
        return self.share * self.pools[pool]


@dataclass(frozen=True)
class PlanInputs:
    """Everything the MILP reads."""

    name: str
    source: str
    demands: pd.DataFrame  # sector, role, troops, basis, weight
    sectors: pd.DataFrame  # sector, name, kind, length_km, priority, must_cover
    roles: dict[str, tuple[str, ...]]  # role -> locations it can be served from
    pledges: tuple[PledgeSpec, ...]
    contributors: dict[str, ContributorSpec]
    rotation: float
    horizon: float
    duration_rule: str

    def duration_factor(self, pledge: PledgeSpec) -> float:
        """Share of the horizon a pledge covers (0 under the strict rule if short)."""
        if pledge.duration is None or pledge.duration >= self.horizon:
            return 1.0
        return 0.0 if self.duration_rule == "strict" else pledge.duration / self.horizon


def prepare(scenario: Scenario) -> PlanInputs:
    """Resolve a validated scenario into :class:`PlanInputs`."""
    demands = derive_requirements(scenario)
    priority = {s.id: s.priority.value for s in scenario.sectors}
    role_weight = {r.name: r.priority for r in scenario.roles}
    demands["weight"] = [
        priority[s] * role_weight[r]
        for s, r in zip(demands["sector"], demands["role"], strict=True)
    ]
    sectors = pd.DataFrame(
        {
            "sector": [s.id for s in scenario.sectors],
            "name": [s.name or s.id for s in scenario.sectors],
            "kind": [s.kind for s in scenario.sectors],
            "length_km": [s.length_km.value if s.length_km else np.nan for s in scenario.sectors],
            "priority": [s.priority.value for s in scenario.sectors],
            "must_cover": [s.must_cover for s in scenario.sectors],
        }
    )
    pledges: list[PledgeSpec] = []
    contributors: dict[str, ContributorSpec] = {}
    for c in scenario.contributors:
        split = c.other_services is not None
        pools = {"army": c.army.value}
        if split and c.other_services is not None:
            pools["other"] = c.other_services.value
        contributors[c.name] = ContributorSpec(c.name, pools, scenario.share_of(c))
        for p in c.pledges:
            pool = (p.service or _POOL_OF_DOMAIN[p.domain]) if split else "army"
            pledges.append(
                PledgeSpec(
                    contributor=c.name,
                    key=p.key,
                    domain=p.domain,
                    roles=tuple(scenario.pledge_roles(p)),
                    where=tuple(loc for loc in LOCATIONS if loc in p.where),
                    cap=p.max_troops.value if p.max_troops else None,
                    floor=p.min_troops.value if p.min_troops else 0.0,
                    duration=p.duration_months.value if p.duration_months else None,
                    min_contingent=(
                        p.min_contingent
                        if p.min_contingent is not None
                        else scenario.min_contingent
                    ),
                    max_sectors=p.max_sectors,
                    pool=pool,
                )
            )
    return PlanInputs(
        name=scenario.name,
        source=scenario.source,
        demands=demands,
        sectors=sectors,
        roles={r.name: tuple(r.serve_from) for r in scenario.roles},
        pledges=tuple(pledges),
        contributors=contributors,
        rotation=scenario.rotation.value,
        horizon=scenario.horizon_months.value,
        duration_rule=scenario.duration_rule,
    )


def arcs_of(inputs: PlanInputs) -> pd.DataFrame:
    """Every (pledge, demand, location) a pledge's caveats allow, with its coverage factor."""
    by_role: dict[str, list[int]] = {}
    for i, role in enumerate(inputs.demands["role"]):
        by_role.setdefault(role, []).append(i)
    rows: list[tuple[int, int, str, float, bool]] = []
    for p_idx, pledge in enumerate(inputs.pledges):
        factor = inputs.duration_factor(pledge)
        if factor <= 0:
            continue
        for role in pledge.roles:
            locations = [loc for loc in inputs.roles.get(role, ()) if loc in pledge.where]
            for d_idx in by_role.get(role, []):
                rows.extend((p_idx, d_idx, loc, factor, loc in ABROAD) for loc in locations)
    return pd.DataFrame(rows, columns=["pledge", "demand", "location", "factor", "abroad"])


def ceil_units(troops: float, unit: int) -> int:
    """Whole units of ``unit`` troops needed to hold ``troops``."""
    return int(math.ceil(troops / unit - 1e-9))
