"""Requirements: totals, per km, per sector, buffer zone, facilities; from an agreement file."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml
from shapely.geometry import box

from test_force_support import contributor, pledge, scenario, tiny
from truceline.agreement import build_agreement
from truceline.errors import PlanInputError
from truceline.force import derive_requirements, load_scenario, plan, scenario_from_dict


def _cells(**requirements: object) -> dict[tuple[str, str], float]:
    frame = derive_requirements(scenario(requirements=requirements))
    return {
        (s, r): t for s, r, t in zip(frame["sector"], frame["role"], frame["troops"], strict=True)
    }


def test_total_split_spreads_line_roles_by_length() -> None:
    raw = tiny(
        sectors=[
            {"id": "A", "length_km": 300},
            {"id": "B", "length_km": 100},
            {"id": "HUB", "kind": "area"},
        ],
        requirements={
            "total": 10_000,
            "split": [
                {"role": "monitoring", "share": 0.4},
                {"role": "reassurance", "share": 0.6, "place": "HUB"},
            ],
        },
    )
    frame = derive_requirements(scenario_from_dict(raw))
    cells = {
        (s, r): t for s, r, t in zip(frame["sector"], frame["role"], frame["troops"], strict=True)
    }
    assert cells == {
        ("A", "monitoring"): 3000,
        ("B", "monitoring"): 1000,
        ("HUB", "reassurance"): 6000,
    }
    assert frame["troops"].sum() == pytest.approx(10_000)
    assert "40% of a 10,000 total, spread by sector length" in frame["basis"].iloc[0]


def test_per_km_per_sector_facilities_and_explicit_add_up() -> None:
    cells = _cells(
        per_km={"monitoring": 2.5},
        per_sector={"monitoring": 50, "isr": 20},
        facilities=[{"name": "hubs", "role": "reassurance", "count": 2, "troops_each": 300}],
        explicit=[{"sector": "B", "role": "air", "troops": 70}],
    )
    assert cells[("A", "monitoring")] == 250 + 50
    assert cells[("B", "isr")] == 20
    assert cells[("A", "reassurance")] == 300 and cells[("B", "reassurance")] == 300
    assert cells[("B", "air")] == 70 and ("A", "air") not in cells


def test_buffer_zone_area_given_or_from_sectors() -> None:
    given = _cells(buffer_zone={"per_km2": {"monitoring": 0.5}, "area_km2": 4000})
    assert given[("A", "monitoring")] == 1000 and given[("B", "monitoring")] == 1000
    raw = tiny(
        sectors=[
            {"id": "A", "length_km": 100, "area_km2": 3000},
            {"id": "B", "length_km": 100, "area_km2": 1000},
        ],
        requirements={"buffer_zone": {"per_km2": {"monitoring": 1}}},
    )
    frame = derive_requirements(scenario_from_dict(raw))
    assert list(frame["troops"]) == [3000, 1000]
    assert "spread by sector buffer area" in frame["basis"].iloc[0]


def test_buffer_zone_without_any_area_is_explained() -> None:
    with pytest.raises(
        PlanInputError, match=r"tiny.yaml: requirements.buffer_zone: no buffer-zone"
    ):
        derive_requirements(scenario(requirements={"buffer_zone": {"per_km2": {"monitoring": 1}}}))


def test_zero_requirement_is_explained() -> None:
    with pytest.raises(PlanInputError, match="requirements: they add up to 0 troops"):
        derive_requirements(scenario(requirements={"per_sector": {"monitoring": 0}}))


def test_line_placement_needs_line_sectors() -> None:
    raw = tiny(
        sectors=[{"id": "HUB", "kind": "area"}],
        requirements={"totals": [{"role": "reassurance", "troops": 100}]},
    )
    with pytest.raises(PlanInputError, match="requirements.totals: placed on 'line'"):
        derive_requirements(scenario_from_dict(raw, source="x.yaml"))


@pytest.fixture(scope="module")
def toy_agreement(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small agreement built by truceline.agreement from a 1.5-degree square."""
    path = tmp_path_factory.mktemp("force-agreement") / "toy.gpkg"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        occupied, boundary = box(37.0, 47.0, 38.5, 48.5), box(35.5, 46.0, 39.0, 50.0)
        build_agreement(occupied, boundary, start="2025-08-11T00:00:00Z", name="toy").save(path)
    return path


def test_sectors_and_buffer_area_from_an_agreement(toy_agreement: Path, tmp_path: Path) -> None:
    from truceline.agreement import load_agreement

    agreement = load_agreement(toy_agreement)
    raw = {
        "name": "from agreement",
        "agreement": str(toy_agreement),
        "sectors": [{"id": "HUB", "kind": "area"}],
        "requirements": {
            "per_km": {"monitoring": 2},
            "buffer_zone": {"per_km2": {"isr": 0.1}, "zones": ["buffer:government"]},
            "facilities": [
                {
                    "name": "hubs",
                    "role": "reassurance",
                    "count": 2,
                    "troops_each": 500,
                    "place": "HUB",
                }
            ],
        },
        "contributors": [contributor("X", 1e5, 0.5, pledge(where=["ukraine", "buffer_zone"]))],
    }
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    loaded = load_scenario(path)
    line = [s for s in loaded.sectors if s.kind == "line"]
    assert [s.id for s in line] == list(agreement.sectors["sector_id"])
    assert sum(s.length_km.value for s in line if s.length_km) == pytest.approx(
        agreement.sectors["length_km"].sum()
    )
    assert loaded.sectors[-1].id == "HUB"
    zones = agreement.zones
    government_buffer = zones[(zones["zone"] == "buffer") & (zones["side"] == "government")]
    assert loaded.agreement_zones["buffer:government"] == pytest.approx(
        government_buffer["area_km2"].sum()
    )
    frame = derive_requirements(loaded)
    isr = frame[frame["role"] == "isr"]["troops"].sum()
    assert isr == pytest.approx(0.1 * government_buffer["area_km2"].sum())
    monitoring = frame[frame["role"] == "monitoring"]["troops"].sum()
    assert monitoring == pytest.approx(2 * agreement.sectors["length_km"].sum())
    result = plan(loaded, sensitivity_params=None)
    # planned in whole units of 10, each role's total rounded to the nearest unit
    assert result.headline["required"] == pytest.approx(frame["troops"].sum(), abs=5 * 3)
    assert result.headline["required"] % 10 == 0


def test_unreadable_agreement_names_the_scenario(tmp_path: Path) -> None:
    raw = tiny(agreement="missing.gpkg")
    with pytest.raises(PlanInputError, match=r"s.yaml: agreement: .*missing.gpkg"):
        scenario_from_dict(raw, source="s.yaml", base_dir=tmp_path)


def test_variant_switching_to_an_agreement(toy_agreement: Path, tmp_path: Path) -> None:
    from truceline.agreement import load_agreement

    variant = {
        "extends": "paris-2026",
        "name": "pledges on the toy line",
        "agreement": str(toy_agreement),
        "sectors": [{"id": "S02", "priority": 3}],
    }
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(variant), encoding="utf-8")
    loaded = load_scenario(path)
    agreement_ids = list(load_agreement(toy_agreement).sectors["sector_id"])
    line = [s for s in loaded.sectors if s.kind == "line"]
    assert [s.id for s in line] == agreement_ids  # the inline S01-S12 are gone
    assert {s.id for s in loaded.sectors if s.kind == "area"} == {"REAR", "AIRSPACE", "BLACK-SEA"}
    assert next(s for s in line if s.id == "S02").priority.value == 3
    assert len(loaded.contributors) == 17


def test_own_line_sectors_beside_an_agreement_are_ignored(toy_agreement: Path) -> None:
    raw = tiny(agreement=str(toy_agreement))  # tiny's inline A and B are line sectors
    with pytest.warns(UserWarning, match=r"sectors A, B ignored: the agreement toy.gpkg defines"):
        loaded = scenario_from_dict(raw, source="s.yaml")
    assert all(s.id.startswith("S") for s in loaded.sectors)
