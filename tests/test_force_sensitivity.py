"""Sensitivity: the single pledge or caveat change that closes most of the gap."""

from __future__ import annotations

import pytest

from test_force_support import EXACT, contributor, pledge, scenario
from truceline.force import SensitivityParams, default_scenario_path, load_scenario, plan, prepare
from truceline.force.sensitivity import candidate_changes


def _tiny():  # noqa: ANN202
    return scenario(
        contributors=[
            contributor("X", 9000, 0.5, pledge(max_troops=2000)),
            contributor("Y", 3000, 1.0, pledge(where=["neighbour_nato"], max_troops=2000)),
        ]
    )


def test_lifting_the_neighbour_only_caveat_closes_most() -> None:
    # X sustains 1,500 of the 2,000 required; Y's 1,000 sustainable troops sit in Poland
    result = plan(_tiny(), EXACT)
    assert result.headline["shortfall"] == 500
    table = result.sensitivity
    assert table is not None
    top = table.iloc[0]
    assert top["kind"] == "caveat" and top["contributor"] == "Y"
    assert "also serve in ukraine" in top["change"]
    assert top["closed"] == 500 and top["closed_share"] == 1.0
    share = table[(table["kind"] == "share") & (table["contributor"] == "X")].iloc[0]
    assert share["closed"] == 150  # 9,000 x 5 points / 3
    caps = table[table["kind"] == "cap"]
    assert (caps["closed"] == 0).all()  # X is held by the rotation rule, not its cap
    assert list(table["closed"]) == sorted(table["closed"], reverse=True)


def test_candidates_cover_every_kind() -> None:
    inputs = prepare(_tiny())
    kinds = {c.kind for c in candidate_changes(inputs, SensitivityParams())}
    assert kinds == {"caveat", "cap", "share"}
    none = SensitivityParams(cap_factor=1.0, share_step=0.0, lift_caveats=False)
    assert candidate_changes(inputs, none) == []


def test_duration_candidate_under_the_strict_rule() -> None:
    short = scenario(contributors=[contributor("X", 1e5, 1.0, pledge(duration_months=6))])
    table = plan(short, EXACT).sensitivity
    assert table is not None
    top = table.iloc[0]
    assert top["kind"] == "duration" and top["closed"] == 2000


def test_top_keeps_the_best_rows() -> None:
    table = plan(_tiny(), EXACT, sensitivity_params=SensitivityParams(top=2)).sensitivity
    assert table is not None and len(table) == 2


@pytest.mark.slow
def test_default_scenario_sensitivity_is_led_by_germany() -> None:
    result = plan(load_scenario(default_scenario_path()))
    table = result.sensitivity
    assert table is not None and len(table) > 40
    assert table.iloc[0]["contributor"] == "Germany" and table.iloc[0]["kind"] == "caveat"
    assert (table["closed"] >= -1e-6).all()
