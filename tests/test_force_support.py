"""Builders shared by the force-planner tests (this module holds no tests)."""

from __future__ import annotations

import copy
from typing import Any

from truceline.force import PlanParams, scenario_from_dict

#: Exact optimum (no MIP gap) for hand-checked answers.
EXACT = PlanParams(mip_rel_gap=0.0)


def pledge(domain: str = "land", where: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"domain": domain, "where": where or ["ukraine"], **extra}


def contributor(name: str, army: float, share: float, *pledges: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "army": army,
        "sustainable_share_abroad": share,
        "pledges": list(pledges),
    }


def tiny(**overrides: Any) -> dict[str, Any]:
    """Two 100 km sectors (A priority 2, B priority 1), 1,000 reassurance troops each."""
    raw: dict[str, Any] = {
        "name": "tiny",
        "rotation": 3,
        "min_contingent": 0,
        "horizon_months": 12,
        "sectors": [
            {"id": "A", "length_km": 100, "priority": 2},
            {"id": "B", "length_km": 100, "priority": 1},
        ],
        "requirements": {"per_sector": {"reassurance": 1000}},
        "contributors": [],
    }
    raw.update(copy.deepcopy(overrides))
    return raw


def scenario(**overrides: Any):  # noqa: ANN201
    return scenario_from_dict(tiny(**overrides), source="tiny.yaml")
