"""The mixed-integer program that assigns contingents to sectors and roles.

Variables: ``x`` troops (integer units of ``PlanParams.unit``) a pledge sends to
a (sector, role) cell from one location its caveats allow; ``short`` the
shortfall of each cell; ``y`` binary, a pledge present in a sector (only where
a minimum contingent or a sector limit needs it).

Everything is counted in whole units: each cell's requirement is rounded to
units within its role (:func:`planned_units`), caps and sustainable rooms are
floored to units, so the LP relaxation stays tight (ADR 0040).

Constraints: cover + shortfall = requirement (no troop sits idle); pledge caps
and firm floors; the rotation rule per contributor and force pool (rotation x
troops deployed abroad <= share x pool; from home is exempt); minimum
contingent per pledge and sector; most sectors per pledge; sectors that must be
covered to a share. Objective: the priority-weighted shortfall. Afterwards,
troops a pledge could equally serve from home are moved home (same cover, fewer
troops in the rotation cycle). Solved with HiGHS through
:func:`scipy.optimize.milp`.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp
from scipy.sparse import coo_array

from truceline.errors import InfeasiblePlanError, SolverError
from truceline.force.inputs import PlanInputs, arcs_of, ceil_units

__all__ = ["PlanParams", "Solution", "planned_units", "solve"]


@dataclass(frozen=True)
class PlanParams:
    """Tunables of the optimisation."""

    unit: int = 10
    """Troops per integer unit: a section or team; finer is false precision on estimates."""
    time_limit_s: float = 60.0
    """Per solve; HiGHS returns its best plan and the gap when it stops early."""
    mip_rel_gap: float = 0.0
    """0 proves optimality, so re-solves compare exactly (sensitivity, property tests);
    the 35 x 30 x 6 stress scenario still proves optimal in seconds. Raise it (e.g.
    1e-4, HiGHS's default) for much bigger problems."""


@dataclass
class Solution:
    """One solved MILP."""

    status: str  # "optimal" or "time_limit"
    arcs: pd.DataFrame  # pledge, demand, location, factor, abroad, troops, coverage
    required: np.ndarray  # per demand row, troops planned (whole units)
    shortfall: np.ndarray  # per demand row, troops
    weighted_shortfall: float
    seconds: float
    gap: float | None
    cover_units: np.ndarray  # per demand row, units of cover (x duration factor)
    size: dict[str, int] = field(default_factory=dict)


class _Rows:
    """Sparse constraint rows collected as (row, col, value) triplets."""

    def __init__(self) -> None:
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lb: list[float] = []
        self.ub: list[float] = []

    def add(self, cols: np.ndarray, vals: np.ndarray, lb: float, ub: float) -> None:
        row = len(self.lb)
        self.r.extend([row] * len(cols))
        self.c.extend(int(c) for c in cols)
        self.v.extend(float(v) for v in np.broadcast_to(vals, len(cols)))
        self.lb.append(lb)
        self.ub.append(ub)

    def constraint(self, n: int) -> LinearConstraint:
        matrix = coo_array((self.v, (self.r, self.c)), shape=(len(self.lb), n)).tocsr()
        return LinearConstraint(matrix, np.array(self.lb), np.array(self.ub))


def solve(
    inputs: PlanInputs,
    params: PlanParams = PlanParams(),
    *,
    rotation: bool = True,
    drop: frozenset[tuple[str, int]] = frozenset(),
    min_cover: np.ndarray | None = None,
) -> Solution:
    """Solve the plan; ``rotation=False`` ignores the rotation rule (what pledges alone give).

    ``drop`` removes hard constraint groups (``("floor", pledge)``,
    ``("must_cover", sector row)``); the infeasibility diagnosis uses it.
    ``min_cover`` (units per cell, :attr:`Solution.cover_units`) extends a known plan.
    Raises :class:`InfeasiblePlanError` naming the conflicting commitments, and
    :class:`SolverError` when HiGHS stops at its time limit without any plan.
    """
    started = time.perf_counter()
    arcs = arcs_of(inputs)
    built = _build(inputs, arcs, params, rotation, drop)
    if min_cover is not None:
        cells = slice(built.n_arcs, built.n_arcs + built.n_dem)
        built.upper[cells] = np.maximum(built.upper[cells] - min_cover, 0.0)
    result = _run(built, params)
    if result.status == 2:
        if drop:
            raise InfeasiblePlanError("infeasible")  # caught by the diagnosis
        raise InfeasiblePlanError(_diagnose(inputs, params, rotation))
    if result.x is None:
        raise SolverError(
            f"{inputs.source}: HiGHS found no plan within {params.time_limit_s:g} s "
            f"({result.message}); raise the time limit"
        )
    x = _home_first(arcs, np.round(result.x[: len(arcs)]))
    status = "optimal" if result.status == 0 else "time_limit"
    gap = getattr(result, "mip_gap", None)
    if status == "time_limit":
        warnings.warn(
            f"{inputs.source}: stopped at the {params.time_limit_s:g} s time limit; "
            f"the plan may be up to {100 * (gap or 0):.2g}% from the best",
            stacklevel=2,
        )
    return _solution(inputs, arcs, x, params, status, gap, built, started)


@dataclass
class _Built:
    cost: np.ndarray
    rows: _Rows
    integrality: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n_arcs: int
    n_dem: int


def _build(
    inputs: PlanInputs,
    arcs: pd.DataFrame,
    params: PlanParams,
    rotation: bool,
    drop: frozenset[tuple[str, int]],
) -> _Built:
    """The MILP in whole units: every right-hand side integral keeps the LP bound tight."""
    unit = params.unit
    dem = inputs.demands
    need = planned_units(dem, unit)
    n_arcs, n_dem = len(arcs), len(dem)
    p_of = arcs["pledge"].to_numpy(int)
    d_of = arcs["demand"].to_numpy(int)
    factor = arcs["factor"].to_numpy(float)
    sector_of_dem = dem["sector"].to_numpy()
    ub_x = np.floor(need[d_of] / factor + 1e-9)
    caps = np.array([_units_down(p.cap, unit) for p in inputs.pledges])
    ub_x = np.minimum(ub_x, caps[p_of]) if n_arcs else ub_x
    pairs = _presence_pairs(inputs, arcs, sector_of_dem, unit)
    n = n_arcs + n_dem + len(pairs)
    rows = _Rows()
    # cover + shortfall = need exactly: no idle troops, shortfall in units
    arcs_of_demand = _groups(d_of, n_dem)
    for d, served in enumerate(arcs_of_demand):  # a cell nobody can serve: shortfall = need
        cols = np.append(served, n_arcs + d)
        rows.add(cols, np.append(factor[served], 1.0), float(need[d]), float(need[d]))
    arcs_of_pledge = _groups(p_of, len(inputs.pledges))
    for p, pledge in enumerate(inputs.pledges):
        cols = arcs_of_pledge[p]
        floor = 0.0 if ("floor", p) in drop else float(ceil_units(pledge.floor, unit))
        if pledge.cap is not None or floor > 0:
            rows.add(cols, np.ones(len(cols)), floor, caps[p])
    if rotation:
        _rotation_rows(inputs, rows, arcs, unit, ub_x)
    for j, ((p, _sector), cols) in enumerate(pairs.items()):
        y = n_arcs + n_dem + j
        big = min(float(ub_x[cols].sum()), float(caps[p]))
        rows.add(np.append(cols, y), np.append(np.ones(len(cols)), -big), -np.inf, 0.0)
        smallest = ceil_units(inputs.pledges[p].min_contingent, unit)
        if smallest > 1:
            rows.add(np.append(cols, y), np.append(np.ones(len(cols)), -smallest), 0.0, np.inf)
    _max_sector_rows(inputs, rows, pairs, n_arcs + n_dem)
    _must_cover_rows(inputs, rows, need, n_arcs, drop)
    cost = np.zeros(n)
    cost[n_arcs : n_arcs + n_dem] = dem["weight"].to_numpy(float) * unit
    integrality = np.r_[np.ones(n_arcs), np.zeros(n_dem), np.ones(len(pairs))]
    upper = np.r_[ub_x, need, np.ones(len(pairs))]
    return _Built(cost, rows, integrality, np.zeros(n), upper, n_arcs, n_dem)


def planned_units(demands: pd.DataFrame, unit: int) -> np.ndarray:
    """Each cell's requirement in whole units, every role's total kept.

    Largest-remainder rounding within each role: twelve line sectors of 416.7
    ISR troops become eight of 420 and four of 410, still 5,000 in all.
    """
    exact = demands["troops"].to_numpy(float) / unit
    need = np.floor(exact + 1e-9)
    for positions in demands.groupby("role", sort=False).indices.values():
        idx = np.asarray(positions, dtype=int)
        missing = int(round(float(exact[idx].sum()) - float(need[idx].sum())))
        if missing > 0:
            order = idx[np.argsort(-(exact[idx] - need[idx]), kind="stable")]
            need[order[:missing]] += 1
    return need


def _groups(keys: np.ndarray, n: int) -> list[np.ndarray]:
    """For each value 0..n-1, the positions where ``keys`` holds it."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(n)]


def _units_down(troops: float | None, unit: int) -> float:
    """Whole units within ``troops`` (inf for no limit)."""
    return np.inf if troops is None else float(np.floor(troops / unit + 1e-9))


def _presence_pairs(
    inputs: PlanInputs, arcs: pd.DataFrame, sector_of_dem: np.ndarray, unit: int
) -> dict[tuple[int, str], np.ndarray]:
    """(pledge, sector) pairs that need a presence binary, with their arc columns."""
    need = [p.min_contingent > unit or p.max_sectors is not None for p in inputs.pledges]
    pairs: dict[tuple[int, str], list[int]] = {}
    for a, (p, d) in enumerate(zip(arcs["pledge"], arcs["demand"], strict=True)):
        if need[p]:
            pairs.setdefault((int(p), str(sector_of_dem[d])), []).append(a)
    return {k: np.asarray(v, dtype=int) for k, v in pairs.items()}


def _rotation_rows(
    inputs: PlanInputs, rows: _Rows, arcs: pd.DataFrame, unit: int, ub_x: np.ndarray
) -> None:
    """Per contributor and pool: units deployed abroad <= share x pool / (rotation x unit)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for a, (p, away) in enumerate(zip(arcs["pledge"], arcs["abroad"], strict=True)):
        if away:
            pledge = inputs.pledges[p]
            groups.setdefault((pledge.contributor, pledge.pool), []).append(a)
    for (name, pool), cols in groups.items():
        room = _units_down(inputs.contributors[name].sustainable(pool) / inputs.rotation, unit)
        ub_x[cols] = np.minimum(ub_x[cols], room)
        rows.add(np.asarray(cols), np.ones(len(cols)), -np.inf, room)


def _max_sector_rows(
    inputs: PlanInputs, rows: _Rows, pairs: dict[tuple[int, str], np.ndarray], first_y: int
) -> None:
    by_pledge: dict[int, list[int]] = {}
    for j, (p, _sector) in enumerate(pairs):
        by_pledge.setdefault(p, []).append(first_y + j)
    for p, ys in by_pledge.items():
        limit = inputs.pledges[p].max_sectors
        if limit is not None and len(ys) > limit:
            rows.add(np.asarray(ys), np.ones(len(ys)), -np.inf, float(limit))


def _must_cover_rows(
    inputs: PlanInputs,
    rows: _Rows,
    need: np.ndarray,
    n_arcs: int,
    drop: frozenset[tuple[str, int]],
) -> None:
    """Sector cover >= must_cover x its requirement, as a cap on its shortfall units."""
    sector_of_dem = inputs.demands["sector"].to_numpy()
    shares = inputs.sectors["must_cover"].to_numpy(float)
    for s_idx, (sector, share) in enumerate(zip(inputs.sectors["sector"], shares, strict=True)):
        if share <= 0 or ("must_cover", s_idx) in drop:
            continue
        idx = np.flatnonzero(sector_of_dem == sector)
        if len(idx):
            allowed = (1.0 - float(share)) * float(need[idx].sum())
            rows.add(n_arcs + idx, np.ones(len(idx)), -np.inf, allowed + 1e-9)


def _run(built: _Built, params: PlanParams) -> OptimizeResult:
    """Call HiGHS (its C-level prints silenced)."""
    n = len(built.cost)
    options = {"time_limit": params.time_limit_s, "mip_rel_gap": params.mip_rel_gap, "disp": False}
    with _quiet_stdout():
        return milp(
            built.cost,
            constraints=[built.rows.constraint(n)],
            integrality=built.integrality,
            bounds=Bounds(built.lower, built.upper),
            options=options,
        )


def _home_first(arcs: pd.DataFrame, x: np.ndarray) -> np.ndarray:
    """Move troops a pledge may serve from home for the same cell there.

    Same pledge, cell and cover, so every constraint still holds, and fewer
    troops sit in the rotation cycle.
    """
    if not len(arcs) or "from_home" not in set(arcs["location"]):
        return x
    x = x.copy()
    key = list(zip(arcs["pledge"], arcs["demand"], strict=True))
    home = {
        k: i
        for i, (k, loc) in enumerate(zip(key, arcs["location"], strict=True))
        if loc == "from_home"
    }
    for i, (k, away) in enumerate(zip(key, arcs["abroad"], strict=True)):
        if away and x[i] > 0 and k in home:
            x[home[k]] += x[i]
            x[i] = 0.0
    return x


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence HiGHS's C-level prints on stdout (they would corrupt ``--json`` output)."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (embedded interpreters)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _solution(
    inputs: PlanInputs,
    arcs: pd.DataFrame,
    x: np.ndarray,
    params: PlanParams,
    status: str,
    gap: float | None,
    built: _Built,
    started: float,
) -> Solution:
    arcs = arcs.copy()
    arcs["troops"] = x * params.unit
    arcs["coverage"] = arcs["troops"] * arcs["factor"]
    req = planned_units(inputs.demands, params.unit) * params.unit
    covered = np.zeros(len(req))
    np.add.at(covered, arcs["demand"].to_numpy(int), arcs["coverage"].to_numpy(float))
    shortfall = np.clip(req - covered, 0.0, None)
    shortfall[shortfall < 1e-6] = 0.0
    weighted = float(inputs.demands["weight"].to_numpy(float) @ shortfall)
    units = np.zeros(len(req))
    np.add.at(units, arcs["demand"].to_numpy(int), x * arcs["factor"].to_numpy(float))
    size = {
        "variables": len(built.cost),
        "integer_variables": int(built.integrality.sum()),
        "constraints": len(built.rows.lb),
    }
    seconds = time.perf_counter() - started
    return Solution(status, arcs, req, shortfall, weighted, seconds, gap, units, size)


def _diagnose(inputs: PlanInputs, params: PlanParams, rotation: bool) -> str:
    """Name the firm commitments and cover rules that cannot all hold (a deletion filter)."""
    from truceline.force.diagnose import explain_infeasible

    return explain_infeasible(inputs, params, rotation)
