"""The monitoring and reassurance force planner.

Turns what coalition members have said (pledges, caveats, army sizes) and what
a ceasefire needs (troops per sector and role) into a mixed-integer program,
and reports who goes where, what is missing, how many troops must be generated
at home to sustain the deployment, and which single change would close most of
the gap. Independent of the detection pipeline; reads an agreement's sectors.
"""

from __future__ import annotations

from truceline.force.inputs import PlanInputs, prepare
from truceline.force.loader import (
    default_scenario_path,
    load_scenario,
    load_scenarios,
    scenario_from_dict,
    shipped_scenarios,
)
from truceline.force.model import PlanParams, solve
from truceline.force.plan import Plan, compare, plan
from truceline.force.requirements import derive_requirements
from truceline.force.scenario import Scenario
from truceline.force.sensitivity import SensitivityParams

__all__ = [
    "Plan",
    "PlanInputs",
    "PlanParams",
    "Scenario",
    "SensitivityParams",
    "compare",
    "default_scenario_path",
    "derive_requirements",
    "load_scenario",
    "load_scenarios",
    "plan",
    "prepare",
    "scenario_from_dict",
    "shipped_scenarios",
    "solve",
]
