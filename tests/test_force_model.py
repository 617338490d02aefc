"""The force MILP on tiny scenarios whose optimum is known by hand, and every caveat."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from test_force_support import EXACT, contributor, pledge, scenario
from truceline.errors import InfeasiblePlanError
from truceline.force import PlanParams, default_scenario_path, load_scenario, plan, prepare
from truceline.force.scenario import ABROAD


def _plan(**overrides: object):  # noqa: ANN202
    return plan(scenario(**overrides), EXACT, sensitivity_params=None)


def _covered(result, sector: str) -> float:  # noqa: ANN001
    row = result.by_sector.set_index("sector").loc[sector]
    return float(row["sustainable"])


def test_rotation_rule_caps_what_one_country_sustains() -> None:
    # 9,000 x 0.5 / 3 = 1,500 sustainable; priority sends A's 1,000 first, B gets 500
    result = _plan(contributors=[contributor("X", 9000, 0.5, pledge(max_troops=2000))])
    assert result.headline["sustainable"] == 1500
    assert result.headline["shortfall"] == 500
    assert _covered(result, "A") == 1000 and _covered(result, "B") == 500
    assert result.headline["generate_at_home"] == 3000  # (3 - 1) x 1,500
    assert result.headline["in_rotation_cycle"] == 4500
    # without the rotation rule the pledge's 2,000 would cover both sectors
    assert result.headline["pledged_reachable"] == 2000


def test_one_to_four_rotation_in_whole_units() -> None:
    # 9,000 x 0.5 / 4 = 1,125 -> 112 units of 10 = 1,120
    result = _plan(rotation=4, contributors=[contributor("X", 9000, 0.5, pledge())])
    assert result.headline["sustainable"] == 1120
    assert result.headline["generate_at_home"] == 1120 * 3


def test_priority_decides_where_scarce_troops_go() -> None:
    result = _plan(contributors=[contributor("X", 3000, 1.0, pledge(max_troops=700))])
    assert _covered(result, "A") == 700 and _covered(result, "B") == 0
    flipped = _plan(
        sectors=[
            {"id": "A", "length_km": 100, "priority": 1},
            {"id": "B", "length_km": 100, "priority": 5},
        ],
        contributors=[contributor("X", 3000, 1.0, pledge(max_troops=700))],
    )
    assert _covered(flipped, "B") == 700 and _covered(flipped, "A") == 0


def test_max_troops_is_respected() -> None:
    result = _plan(contributors=[contributor("X", 1e6, 1.0, pledge(max_troops=300))])
    assert result.headline["sustainable"] == 300
    assert result.pledges.loc[0, "used"] == 300


def test_neighbour_only_pledge_never_lands_in_ukraine() -> None:
    only = _plan(contributors=[contributor("DE", 60000, 0.5, pledge(where=["neighbour_nato"]))])
    assert only.headline["sustainable"] == 0
    assert only.assignment.empty
    assert any("DE/land cannot be used" in w for w in only.warnings)
    # with a logistics requirement it serves that, from the neighbouring country only
    mixed = _plan(
        requirements={"per_sector": {"reassurance": 500, "logistics": 300}},
        contributors=[
            contributor(
                "DE",
                60000,
                0.5,
                pledge(where=["neighbour_nato"]),
                pledge("logistics", ["neighbour_nato"]),
            )
        ],
    )
    assert set(mixed.assignment["location"]) == {"neighbour_nato"}
    assert set(mixed.assignment["role"]) == {"logistics"}
    assert mixed.headline["sustainable"] == 600


def test_from_home_only_for_enablers_and_exempt_from_rotation() -> None:
    result = _plan(
        requirements={"per_sector": {"isr": 400}},
        contributors=[
            contributor(
                "US", 100, 0.01, pledge("enablers", ["ukraine", "from_home"], max_troops=800)
            )
        ],
    )
    # a 1 % share of 100 troops sustains nothing abroad, but ISR from home needs no rotation
    assert result.headline["sustainable"] == 800
    assert set(result.assignment["location"]) == {"from_home"}
    assert result.headline["generate_at_home"] == 0
    assert result.headline["from_home"] == 800


def test_home_first_when_a_pledge_may_serve_either() -> None:
    result = _plan(
        requirements={"per_sector": {"isr": 400}},
        contributors=[
            contributor(
                "FR", 1e6, 1.0, pledge("enablers", ["ukraine", "from_home"], max_troops=800)
            )
        ],
    )
    assert set(result.assignment["location"]) == {"from_home"}
    assert result.headline["deployed_abroad"] == 0


def test_at_sea_only_for_maritime_roles() -> None:
    result = _plan(
        sectors=[
            {"id": "A", "length_km": 100},
            {"id": "SEA", "kind": "area"},
        ],
        requirements={
            "per_sector": {"reassurance": 500},
            "totals": [{"role": "maritime", "troops": 400, "place": "SEA"}],
        },
        contributors=[contributor("TR", 1e5, 0.5, pledge("sea", ["at_sea"], max_troops=1000))],
    )
    assert set(result.assignment["role"]) == {"maritime"}
    assert set(result.assignment["sector"]) == {"SEA"}
    assert result.headline["sustainable"] == 400


def test_min_contingent_per_sector() -> None:
    # 150 troops, two sectors of 100: a 100-troop minimum allows one sector only
    raw = {
        "requirements": {"per_sector": {"reassurance": 100}},
        "contributors": [contributor("X", 1e5, 1.0, pledge(max_troops=150))],
    }
    assert _plan(**raw).headline["sustainable"] == 150
    assert _plan(min_contingent=100, **raw).headline["sustainable"] == 100


def test_max_sectors_per_pledge() -> None:
    raw = {
        "requirements": {"per_sector": {"reassurance": 100}},
        "contributors": [contributor("X", 1e5, 1.0, pledge(max_troops=200, max_sectors=1))],
    }
    result = _plan(**raw)
    assert result.headline["sustainable"] == 100
    assert result.assignment["sector"].nunique() == 1


def test_duration_strict_excludes_and_prorate_scales() -> None:
    short = [contributor("X", 1e5, 1.0, pledge(max_troops=1000, duration_months=6))]
    strict = _plan(contributors=short)
    assert strict.headline["sustainable"] == 0
    assert any("runs 6 months of a 12-month horizon" in w for w in strict.warnings)
    prorated = _plan(duration_rule="prorate", contributors=short)
    # 1,000 troops for half the horizon cover 500 on average, all in A
    assert prorated.headline["sustainable"] == 500
    assert prorated.headline["deployed_abroad"] == 1000
    assert _covered(prorated, "A") == 500


def test_other_services_pool_is_separate() -> None:
    raw = {
        "requirements": {"per_sector": {"reassurance": 1000, "air": 1000}},
        "contributors": [
            {
                "name": "UK",
                "army": 3000,
                "other_services": 6000,
                "sustainable_share_abroad": 0.5,
                "pledges": [pledge(), pledge("air", ["neighbour_nato"])],
            }
        ],
    }
    result = _plan(**raw)
    roles = result.assignment.groupby("role")["troops"].sum()
    assert roles["reassurance"] == 500  # 3,000 x 0.5 / 3
    assert roles["air"] == 1000  # 6,000 x 0.5 / 3


def test_firm_floor_is_deployed() -> None:
    result = _plan(
        contributors=[
            contributor("X", 1e5, 1.0, pledge(max_troops=800, min_troops=600)),
        ]
    )
    assert result.pledges.loc[0, "used"] >= 600


def test_floor_beyond_rotation_room_is_explained() -> None:
    with pytest.raises(InfeasiblePlanError) as info:
        _plan(contributors=[contributor("Germany", 9000, 0.5, pledge(min_troops=2000))])
    message = str(info.value)
    assert "tiny.yaml" in message and "Germany" in message
    assert "6,000" in message and "4,500" in message  # 2,000 x 3 vs 9,000 x 50 %


def test_floor_on_an_unusable_pledge_is_explained() -> None:
    with pytest.raises(InfeasiblePlanError, match=r"DE/land commits at least 500.*neighbour_nato"):
        _plan(
            contributors=[
                contributor("DE", 1e5, 1.0, pledge(where=["neighbour_nato"], min_troops=500))
            ]
        )


def test_must_cover_beyond_reach_names_the_sector() -> None:
    sectors = [
        {"id": "A", "length_km": 100, "must_cover": 1.0},
        {"id": "B", "length_km": 100},
    ]
    with pytest.raises(InfeasiblePlanError, match=r"sector A must be covered to 100%.*at most 400"):
        _plan(sectors=sectors, contributors=[contributor("X", 1e5, 1.0, pledge(max_troops=400))])


def test_conflicting_cover_rules_found_by_the_deletion_filter() -> None:
    # each sector alone can be fully covered by the 1,000-troop pledge; both cannot
    sectors = [
        {"id": "A", "length_km": 100, "must_cover": 0.8},
        {"id": "B", "length_km": 100, "must_cover": 0.8},
        {"id": "C", "length_km": 100},
    ]
    with pytest.raises(InfeasiblePlanError) as info:
        _plan(sectors=sectors, contributors=[contributor("X", 1e5, 1.0, pledge(max_troops=1000))])
    message = str(info.value)
    assert "cannot all hold together" in message
    assert "sector A must_cover 80%" in message and "sector B must_cover 80%" in message
    assert "sector C" not in message


def test_every_caveat_holds_in_the_default_plan() -> None:
    scenario_ = load_scenario(default_scenario_path())
    inputs = prepare(scenario_)
    result = plan(inputs, PlanParams(), sensitivity_params=None)
    pledges = {(p.contributor, p.key): p for p in inputs.pledges}
    for row in result.assignment.itertuples(index=False):
        spec = pledges[(row.contributor, row.pledge)]
        assert row.location in spec.where, row
        assert row.role in spec.roles, row
        assert row.location in inputs.roles[row.role], row
        if spec.where == ("neighbour_nato",):
            assert row.location not in ("ukraine", "buffer_zone")
    used = result.assignment.groupby(["contributor", "pledge"])["troops"].sum()
    for key, troops in used.items():
        cap = pledges[key].cap
        assert cap is None or troops <= cap + 1e-9
    # the rotation rule: troops abroad x rotation fit in each pool's sustainable share
    merged = result.assignment.assign(
        pool=[
            pledges[(c, p)].pool
            for c, p in zip(
                result.assignment["contributor"], result.assignment["pledge"], strict=True
            )
        ],
        abroad=result.assignment["location"].isin(ABROAD),
    )
    for (name, pool), group in merged[merged["abroad"]].groupby(["contributor", "pool"]):
        spec = inputs.contributors[name]
        assert group["troops"].sum() * inputs.rotation <= spec.sustainable(pool) + 1e-6
    # Germany's land brigade is neighbour-only: it appears nowhere in Ukraine
    german = result.assignment[result.assignment["contributor"] == "Germany"]
    assert not german["location"].isin(["ukraine", "buffer_zone"]).any()


def test_pledged_plan_never_below_the_sustainable_plan() -> None:
    result = plan(load_scenario(default_scenario_path()), sensitivity_params=None)
    cells = result.by_sector_role
    assert (cells["pledged"] >= cells["sustainable"] - 1e-6).all()
    assert result.headline["pledged_reachable"] >= result.headline["sustainable"]


def test_shortfall_tables_add_up() -> None:
    result = plan(load_scenario(default_scenario_path()), sensitivity_params=None)
    head = result.headline
    assert head["required"] == pytest.approx(50_000)
    assert head["shortfall"] == pytest.approx(head["required"] - head["sustainable"])
    assert result.by_sector["shortfall"].sum() == pytest.approx(head["shortfall"])
    assert result.by_role["required"].sum() == pytest.approx(head["required"])
    assert np.isclose(result.contributors["generate_at_home"].sum(), head["generate_at_home"])
    assert isinstance(result.assignment, pd.DataFrame)
