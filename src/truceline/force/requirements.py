"""Turn a scenario's requirement block into troops per sector and role.

Every form the scenario gives is added up, and each cell keeps its basis (how
the number was derived) so the plan can show its working: a total split by
role, troops per km of line, per line sector, per km2 of buffer zone, hubs and
protective facilities (count x troops each), role totals, explicit cells.
Quantities placed on ``line`` are spread over the line sectors in proportion to
their length (buffer-zone troops by the sectors' buffer area where every line
sector gives one).
"""

from __future__ import annotations

import pandas as pd

from truceline.errors import PlanInputError
from truceline.force.scenario import Scenario

__all__ = ["REQUIREMENT_COLUMNS", "derive_requirements"]

REQUIREMENT_COLUMNS = ("sector", "role", "troops", "basis")


class _Cells:
    """Collects (sector, role, troops, basis) rows."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.rows: list[tuple[str, str, float, str]] = []
        self.line = [s for s in scenario.sectors if s.kind == "line"]

    def add(self, sector: str, role: str, troops: float, basis: str) -> None:
        if troops > 0:
            self.rows.append((sector, role, float(troops), basis))

    def spread(self, troops: float, place: str, role: str, basis: str, field: str) -> None:
        if place != "line":
            self.add(place, role, troops, basis)
            return
        weights = {s.id: s.length_km.value for s in self.line if s.length_km is not None}
        self._spread(troops, weights, role, basis + ", spread by sector length", field)

    def _spread(
        self, troops: float, weights: dict[str, float], role: str, basis: str, field: str
    ) -> None:
        total = sum(weights.values())
        if total <= 0:
            raise PlanInputError(
                f"{self.scenario.source}: requirements.{field}: placed on 'line' but the "
                "scenario has no line sectors with a length"
            )
        for sector, weight in weights.items():
            self.add(sector, role, troops * weight / total, basis)


def derive_requirements(scenario: Scenario) -> pd.DataFrame:
    """Troops required per (sector, role), with the basis of each figure."""
    req = scenario.requirements
    cells = _Cells(scenario)
    if req.total is not None:
        for item in req.split:
            troops = req.total.value * item.share.value
            basis = f"{item.share.value:.0%} of a {req.total.value:,.0f} total"
            cells.spread(troops, item.place, item.role, basis, "split")
    for role, figure in req.per_km.items():
        for sector in cells.line:
            km = sector.length_km.value if sector.length_km else 0.0
            cells.add(sector.id, role, figure.value * km, f"{figure.value:g}/km x {km:g} km")
    for role, figure in req.per_sector.items():
        for sector in cells.line:
            cells.add(sector.id, role, figure.value, f"{figure.value:,.0f} per line sector")
    if req.buffer_zone is not None:
        _buffer_zone(scenario, cells)
    for facility in req.facilities:
        troops = facility.count.value * facility.troops_each.value
        basis = f"{facility.count.value:g} {facility.name} x {facility.troops_each.value:,.0f}"
        cells.spread(troops, facility.place, facility.role, basis, "facilities")
    for given in req.totals:
        cells.spread(given.troops.value, given.place, given.role, f"{given.role} total", "totals")
    for cell in req.explicit:
        cells.add(cell.sector, cell.role, cell.troops.value, "given")
    if not cells.rows:
        raise PlanInputError(f"{scenario.source}: requirements: they add up to 0 troops")
    return _tidy(scenario, cells.rows)


def _buffer_zone(scenario: Scenario, cells: _Cells) -> None:
    rule = scenario.requirements.buffer_zone
    assert rule is not None
    line_areas = {s.id: s.area_km2.value for s in cells.line if s.area_km2 is not None}
    if rule.area_km2 is not None:
        area, origin = rule.area_km2.value, "given"
    elif any(zone in scenario.agreement_zones for zone in rule.zones):
        area = sum(scenario.agreement_zones.get(zone, 0.0) for zone in rule.zones)
        origin = "agreement zone " + "+".join(rule.zones)
    elif line_areas:
        area, origin = sum(line_areas.values()), "sum of sector areas"
    else:
        raise PlanInputError(
            f"{scenario.source}: requirements.buffer_zone: no buffer-zone area (give "
            f"area_km2, an agreement with the zones {rule.zones}, or area_km2 on the line sectors)"
        )
    by_area = len(line_areas) == len(cells.line) and sum(line_areas.values()) > 0
    weights = (
        line_areas
        if by_area
        else {s.id: s.length_km.value for s in cells.line if s.length_km is not None}
    )
    how = "sector buffer area" if by_area else "sector length"
    for role, figure in rule.per_km2.items():
        basis = f"{figure.value:g}/km2 x {area:,.0f} km2 ({origin}), spread by {how}"
        cells._spread(figure.value * area, weights, role, basis, "buffer_zone")


def _tidy(scenario: Scenario, rows: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(REQUIREMENT_COLUMNS))
    grouped = frame.groupby(["sector", "role"], sort=False).agg(
        troops=("troops", "sum"), basis=("basis", lambda b: "; ".join(dict.fromkeys(b)))
    )
    sector_order = {s.id: i for i, s in enumerate(scenario.sectors)}
    role_order = {r.name: i for i, r in enumerate(scenario.roles)}
    out = grouped.reset_index()
    out["_s"] = out["sector"].map(sector_order)
    out["_r"] = out["role"].map(role_order)
    out = out.sort_values(["_s", "_r"]).drop(columns=["_s", "_r"]).reset_index(drop=True)
    return out
