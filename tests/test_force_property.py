"""Property tests: more pledges never mean more shortfall; caveats hold on random scenarios."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from test_force_support import EXACT
from truceline.force import prepare, scenario_from_dict, solve
from truceline.force.scenario import ABROAD

ROLE_OF = {"land": "reassurance", "logistics": "logistics", "enablers": "isr", "sea": "maritime"}
WHERE = {
    "land": ["ukraine", "buffer_zone", "neighbour_nato"],
    "logistics": ["ukraine", "neighbour_nato"],
    "enablers": ["ukraine", "neighbour_nato", "from_home"],
    "sea": ["at_sea"],
}


@st.composite
def pledges(draw: st.DrawFn) -> dict[str, Any]:
    domain = draw(st.sampled_from(sorted(WHERE)))
    where = draw(st.lists(st.sampled_from(WHERE[domain]), min_size=1, max_size=3, unique=True))
    out: dict[str, Any] = {"domain": domain, "where": where}
    if draw(st.booleans()):
        out["max_troops"] = draw(st.integers(1, 60)) * 10
    if draw(st.booleans()):
        out["min_contingent"] = draw(st.sampled_from([0, 50, 100]))
    return out


@st.composite
def scenarios(draw: st.DrawFn, *, equal_priority: bool) -> dict[str, Any]:
    n_sectors = draw(st.integers(1, 3))
    sectors = [
        {
            "id": f"S{i}",
            "length_km": 100,
            "priority": 1 if equal_priority else draw(st.integers(1, 3)),
        }
        for i in range(n_sectors)
    ]
    explicit = [
        {"sector": s["id"], "role": role, "troops": draw(st.integers(0, 40)) * 10}
        for s in sectors
        for role in ("reassurance", "logistics", "isr", "maritime")
    ]
    explicit[0]["troops"] += 10  # never an all-zero requirement
    contributors = []
    for c in range(draw(st.integers(1, 3))):
        drawn = draw(st.lists(pledges(), min_size=1, max_size=3))
        for j, item in enumerate(drawn):
            item["id"] = f"p{j}"
        contributors.append(
            {
                "name": f"C{c}",
                "army": draw(st.integers(1, 30)) * 1000,
                "sustainable_share_abroad": draw(st.sampled_from([0.05, 0.1, 0.3, 1.0])),
                "pledges": drawn,
            }
        )
    return {
        "name": "random",
        "rotation": draw(st.sampled_from([1, 3, 4])),
        "min_contingent": 0,
        "sectors": sectors,
        "requirements": {"explicit": explicit},
        "contributors": contributors,
    }


def _solve(raw: dict[str, Any]):  # noqa: ANN202
    return solve(prepare(scenario_from_dict(raw, source="random")), EXACT)


def _with_extra(raw: dict[str, Any], extra: dict[str, Any], target: int) -> dict[str, Any]:
    more = copy.deepcopy(raw)
    extra = {**extra, "id": "extra"}
    if target < len(more["contributors"]):
        more["contributors"][target]["pledges"].append(extra)  # shares that country's pools
    else:
        more["contributors"].append(
            {"name": "New", "army": 5000, "sustainable_share_abroad": 0.3, "pledges": [extra]}
        )
    return more


_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_SETTINGS
@given(raw=scenarios(equal_priority=True), extra=pledges(), target=st.integers(0, 3))
@example(
    raw={
        "name": "pinned",
        "rotation": 3,
        "min_contingent": 0,
        "sectors": [{"id": "S0", "length_km": 100, "priority": 1}],
        "requirements": {"explicit": [{"sector": "S0", "role": "reassurance", "troops": 500}]},
        "contributors": [
            {
                "name": "C0",
                "army": 3000,
                "sustainable_share_abroad": 0.3,
                "pledges": [{"id": "p0", "domain": "land", "where": ["ukraine"]}],
            }
        ],
    },
    extra={"domain": "land", "where": ["neighbour_nato"], "max_troops": 100},
    target=0,
)
def test_adding_a_pledge_never_increases_the_shortfall(
    raw: dict[str, Any], extra: dict[str, Any], target: int
) -> None:
    before = _solve(raw)
    after = _solve(_with_extra(raw, extra, target))
    assert after.shortfall.sum() <= before.shortfall.sum() + 1e-6


@_SETTINGS
@given(raw=scenarios(equal_priority=False), extra=pledges(), target=st.integers(0, 3))
def test_adding_a_pledge_never_increases_the_weighted_shortfall(
    raw: dict[str, Any], extra: dict[str, Any], target: int
) -> None:
    before = _solve(raw)
    after = _solve(_with_extra(raw, extra, target))
    assert after.weighted_shortfall <= before.weighted_shortfall + 1e-6


@_SETTINGS
@given(raw=scenarios(equal_priority=False))
def test_every_caveat_holds_on_random_scenarios(raw: dict[str, Any]) -> None:
    inputs = prepare(scenario_from_dict(raw, source="random"))
    solution = solve(inputs, EXACT)
    used = solution.arcs[solution.arcs["troops"] > 0]
    abroad_by_pool: dict[tuple[str, str], float] = {}
    for row in used.itertuples(index=False):
        spec = inputs.pledges[row.pledge]
        role = inputs.demands["role"].iloc[row.demand]
        assert row.location in spec.where and role in spec.roles
        assert row.location in inputs.roles[role]
        if row.location in ABROAD:
            key = (spec.contributor, spec.pool)
            abroad_by_pool[key] = abroad_by_pool.get(key, 0.0) + row.troops
    for (name, pool), troops in abroad_by_pool.items():
        assert troops * inputs.rotation <= inputs.contributors[name].sustainable(pool) + 1e-6
    per_pledge = used.groupby("pledge")["troops"].sum()
    for p, troops in per_pledge.items():
        cap = inputs.pledges[int(p)].cap
        assert cap is None or troops <= cap
    assert (solution.shortfall >= 0).all()
    assert solution.shortfall.sum() <= inputs.demands["troops"].sum() + 1e-6
