"""Force planner: solve time and peak memory, default scenario and stress scenarios.

Usage: .venv/bin/python bench/bench_plan.py [--sizes 10x10,20x20,35x30] [--sensitivity]
       [--repeat 3] [--json]

Stress scenarios are generated with a fixed seed: N contributors (armies of
2,000-200,000, 2-4 pledges each in random domains, caveats drawn from what each
domain's roles allow, caps of 100-8,000, shares 0.05-0.30, a minimum contingent
of 100) against S sectors x 6 roles (every sector carries every role). Timings
are wall-clock medians; peak memory is the process's peak RSS (HiGHS's C++
memory included) and the peak of Python allocations (tracemalloc) in the solve.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
import tracemalloc
from typing import Any

import numpy as np

from truceline.force import (
    PlanParams,
    SensitivityParams,
    default_scenario_path,
    load_scenario,
    plan,
    prepare,
    scenario_from_dict,
    solve,
)
from truceline.force.scenario import DEFAULT_ROLES

DOMAIN_WHERE = {
    "land": ["ukraine", "buffer_zone", "neighbour_nato"],
    "logistics": ["ukraine", "neighbour_nato"],
    "enablers": ["ukraine", "neighbour_nato", "from_home"],
    "air": ["ukraine", "neighbour_nato"],
    "sea": ["at_sea"],
}


def stress_scenario(n_contributors: int, n_sectors: int, seed: int = 7) -> dict[str, Any]:
    """A random but valid scenario of the given size (plain data)."""
    rng = np.random.default_rng(seed)
    sectors = [
        {"id": f"S{i:02d}", "length_km": float(rng.integers(40, 160)),
         "priority": int(rng.integers(1, 4))}
        for i in range(n_sectors)
    ]  # fmt: skip
    explicit = [
        {"sector": s["id"], "role": role.name, "troops": float(rng.integers(50, 1500))}
        for s in sectors
        for role in DEFAULT_ROLES
    ]
    contributors = []
    for c in range(n_contributors):
        domains = rng.choice(list(DOMAIN_WHERE), size=int(rng.integers(2, 5)), replace=False)
        pledges = []
        for domain in domains:
            options = DOMAIN_WHERE[str(domain)]
            k = int(rng.integers(1, len(options) + 1))
            where = [str(w) for w in rng.choice(options, size=k, replace=False)]
            pledges.append(
                {
                    "domain": str(domain),
                    "where": where,
                    "max_troops": float(rng.integers(10, 800) * 10),
                }
            )
        contributors.append(
            {
                "name": f"C{c:02d}",
                "army": float(rng.integers(2, 200) * 1000),
                "sustainable_share_abroad": round(float(rng.uniform(0.05, 0.30)), 3),
                "pledges": pledges,
            }
        )
    return {
        "name": f"stress {n_contributors}x{n_sectors}x6",
        "rotation": 3,
        "horizon_months": 24,
        "min_contingent": 100,
        "sectors": sectors,
        "requirements": {"explicit": explicit},
        "contributors": contributors,
    }


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(name: str, scenario: Any, repeat: int, with_sensitivity: bool) -> dict[str, Any]:
    """Time the plan solve and the whole plan() call (plus the no-rotation solve)."""
    params = PlanParams()
    inputs = prepare(scenario)
    solves = []
    for _ in range(repeat):
        started = time.perf_counter()
        solution = solve(inputs, params)
        solves.append(time.perf_counter() - started)
    tracemalloc.start()
    started = time.perf_counter()
    result = plan(
        inputs, params, sensitivity_params=SensitivityParams() if with_sensitivity else None
    )
    whole = time.perf_counter() - started
    _, peak_py = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "scenario": name,
        "contributors": len(inputs.contributors),
        "pledges": len(inputs.pledges),
        "cells": len(inputs.demands),
        **solution.size,
        "status": solution.status,
        "solve_s": statistics.median(solves),
        "gap": solution.gap,
        "plan_s": whole,
        "sensitivity_changes": 0 if result.sensitivity is None else len(result.sensitivity),
        "required": result.headline["required"],
        "shortfall": result.headline["shortfall"],
        "peak_python_mib": peak_py / 2**20,
        "peak_rss_mib": _peak_rss_mib(),
    }


def main() -> None:
    """Run the benchmark and print one line per scenario (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10x10,20x20,35x30")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sensitivity", action="store_true", help="include the what-if re-solves")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [
        measure("default (paris-2026)", load_scenario(default_scenario_path()), args.repeat, True)
    ]
    for size in args.sizes.split(","):
        n_c, n_s = (int(v) for v in size.lower().split("x"))
        scenario = scenario_from_dict(stress_scenario(n_c, n_s), source=f"stress-{size}")
        rows.append(measure(f"stress {n_c}x{n_s}x6", scenario, args.repeat, args.sensitivity))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(
            f"{row['scenario']:<22} pledges {row['pledges']:>4} cells {row['cells']:>4} "
            f"vars {row['variables']:>6} (int {row['integer_variables']:>6}) "
            f"rows {row['constraints']:>6} solve {row['solve_s']:7.3f}s "
            f"gap {row['gap'] or 0:.1e} plan() {row['plan_s']:7.2f}s "
            f"({row['sensitivity_changes']} what-ifs) {row['status']:<10} "
            f"peak py {row['peak_python_mib']:6.1f} MiB rss {row['peak_rss_mib']:6.0f} MiB"
        )


if __name__ == "__main__":
    main()
