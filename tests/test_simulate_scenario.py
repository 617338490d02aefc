"""Scenario files: the shipped ones validate; bad ones fail naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from truceline.errors import ScenarioError
from truceline.simulate import load_scenario
from truceline.simulate.scenario import resolve_path

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _write(tmp_path: Path, body: dict, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


def _minimal(**extra: object) -> dict:
    return {
        "name": "t",
        "start": "2025-08-11",
        "end": "2025-08-11",
        "region": {"bbox": [36, 47, 38, 49]},
        **extra,
    }


@pytest.mark.parametrize("name", ["tiny", "quiet_ceasefire", "busy_front", "heavy_cloud"])
def test_shipped_scenarios_validate(name: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    assert scenario.name
    assert scenario.days >= 1
    assert scenario.line is not None


def test_minimal_scenario_has_documented_defaults(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, _minimal()))
    assert scenario.satellites == ["S-NPP", "NOAA-20", "NOAA-21", "Terra", "Aqua"]
    assert scenario.background.volume_factor == 1.0
    assert scenario.clouds.model == "random"
    assert scenario.base_dir == tmp_path.resolve()


def test_overrides_replace_top_level_fields(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, _minimal()), seed=5, end=None)
    assert scenario.seed == 5
    assert str(scenario.end) == "2025-08-11"


@pytest.mark.parametrize(
    ("extra", "field", "value"),
    [
        ({"start": "2025-13-01"}, "start", "2025-13-01"),
        ({"region": {"bbox": [38, 47, 36, 49]}}, "region", "W < E"),
        ({"satellites": ["S-NPP", "Sentinel-3"]}, "satellites[1]", "Sentinel-3"),
        ({"clouds": {"model": "table"}}, "clouds", "table model"),
        ({"background": {"volume_factor": -1}}, "background.volume_factor", "-1"),
        ({"events": [{"kind": "strike", "start": "soon"}]}, "events[0].start", "soon"),
        ({"colour": "red"}, "colour", "red"),
        ({"activity": {"before": {"artillery_per_day": 2}}}, "(top level)", "line of contact"),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, extra: dict, field: str, value: str) -> None:
    path = _write(tmp_path, _minimal(**extra))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"'{field}" in message
    assert value in message


def test_missing_referenced_file_names_field(tmp_path: Path) -> None:
    path = _write(tmp_path, _minimal(background={"history": "nowhere.csv"}))
    with pytest.raises(ScenarioError, match=r"'background.history'.*nowhere.csv"):
        load_scenario(path)


def test_end_before_start(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="before start"):
        load_scenario(_write(tmp_path, _minimal(end="2025-08-01")))


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(bad)
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="mapping"):
        load_scenario(listing)
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "absent.yaml")


def test_line_needs_exactly_one_source(tmp_path: Path) -> None:
    path = _write(
        tmp_path, _minimal(line={"coordinates": [[36, 47], [37, 48]], "file": "x.geojson"})
    )
    with pytest.raises(ScenarioError, match="'line'.*exactly one"):
        load_scenario(path)


def test_package_paths_resolve_inside_truceline(tmp_path: Path) -> None:
    path = resolve_path("package:data/boundaries/ukraine_national_world-geojson.geojson", tmp_path)
    assert path.exists()
    assert resolve_path("rel/x.csv", tmp_path) == tmp_path / "rel" / "x.csv"


def test_naive_times_are_utc(tmp_path: Path) -> None:
    body = _minimal(
        line={"coordinates": [[36, 47], [37, 48]]},
        ceasefire={"start": "2025-08-11T06:00:00"},
        events=[{"kind": "strike", "start": "2025-08-11T08:00:00+02:00", "at": [37, 48]}],
    )
    scenario = load_scenario(_write(tmp_path, body))
    assert scenario.ceasefire is not None
    assert scenario.ceasefire.start.utcoffset().total_seconds() == 0
    assert scenario.events[0].start.hour == 6
