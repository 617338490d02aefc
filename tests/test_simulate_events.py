"""Injected events: where their fires fall, when, and the ceasefire's effect on rates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml

from truceline.simulate import load_scenario
from truceline.simulate.events import plan_events
from truceline.simulate.fires import KINDS
from truceline.simulate.geometry import Area, Frontline, load_frontline
from truceline.simulate.scenario import LineSpec, Scenario

LINE = [[36.0, 47.0], [36.5, 47.6], [37.0, 48.2], [37.5, 48.8]]


def _scenario(tmp_path: Path, **extra: object) -> Scenario:
    body = {
        "name": "e",
        "start": "2025-08-01",
        "end": "2025-08-20",
        "region": {"bbox": [33.0, 45.0, 41.0, 51.0]},
        "line": {"coordinates": LINE},
        **extra,
    }
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return load_scenario(path)


def _area(scenario: Scenario) -> Area:
    assert scenario.region.bbox is not None
    return Area(scenario.region.bbox)


def _line() -> Frontline:
    return load_frontline(LineSpec(coordinates=[(x, y) for x, y in LINE]), Path("."))


def test_artillery_hugs_the_line_and_strikes_lie_behind_it(tmp_path: Path) -> None:
    rates = {"artillery_per_day": 3, "strikes_per_day": 2, "depots_per_day": 1}
    scenario = _scenario(tmp_path, activity={"before": rates})
    line = _line()
    plan = plan_events(scenario, line, _area(scenario), seed=1)
    fires = plan.fires
    distance = line.distance_km(fires.lon, fires.lat)
    kind = np.asarray(KINDS)[fires.kind]
    art = kind == "artillery"
    assert art.sum() > 100
    assert distance[art].max() <= scenario.kinds.artillery.depth_max_km + 0.01
    strike = kind == "strike"
    assert distance[strike].min() >= scenario.kinds.strike.behind_min_km - 1.0
    depot = kind == "depot"
    lifetime_h = (fires.t_off - fires.t_on)[depot] / 3600
    assert np.median(lifetime_h) > 12  # depots burn for a day or more
    assert np.median(fires.frp[depot]) > 5 * np.median(fires.frp[art])
    # events come in time order, with ids and footprints holding their fires
    starts = [e.t_start for e in plan.events]
    assert starts == sorted(starts)
    assert [e.event_id for e in plan.events][:2] == ["E000001", "E000002"]
    for i, event in enumerate(plan.events[:20]):
        mine = fires.event == i
        assert mine.sum() == event.n_fires
        assert (
            fires.t_on[mine].min() >= event.t_start - 1 and fires.t_off[mine].max() == event.t_end
        )
        assert shapely.contains_xy(event.footprint, fires.lon[mine], fires.lat[mine]).all()


def test_ceasefire_drops_activity_to_the_violation_rate(tmp_path: Path) -> None:
    scenario = _scenario(
        tmp_path,
        ceasefire={"start": "2025-08-11T00:00:00Z"},
        activity={"before": {"artillery_per_day": 10}, "after": {"artillery_per_day": 0.5}},
    )
    plan = plan_events(scenario, _line(), _area(scenario), seed=2)
    before = [e for e in plan.events if not e.violation]
    after = [e for e in plan.events if e.violation]
    assert 70 < len(before) < 130  # 10 days x 10 a day
    assert 1 <= len(after) < 15  # 10 days x 0.5 a day
    assert scenario.ceasefire is not None
    cease = scenario.ceasefire.start.timestamp()
    assert all(e.t_start >= cease for e in after) and all(e.t_start < cease for e in before)


def test_same_seed_same_events_and_events_outside_the_region_are_skipped(tmp_path: Path) -> None:
    scenario = _scenario(tmp_path, activity={"before": {"strikes_per_day": 1}})
    area = _area(scenario)
    a = plan_events(scenario, _line(), area, seed=3)
    b = plan_events(scenario, _line(), area, seed=3)
    assert [(e.t_start, e.lon, e.lat) for e in a.events] == [
        (e.t_start, e.lon, e.lat) for e in b.events
    ]
    tight = Area((36.4, 47.5, 36.6, 47.7))
    with pytest.warns(UserWarning, match="no place in the region"):
        plan = plan_events(scenario, _line(), tight, seed=3)
    assert len(plan.events) < len(a.events)


def test_placed_events_keep_their_place(tmp_path: Path) -> None:
    events = [
        {
            "kind": "strike",
            "start": "2025-08-05T10:00:00Z",
            "at": [34.0, 49.0],
            "fires": 4,
            "frp_mw": 90,
        },
        {"kind": "artillery", "start": "2025-08-05T10:00:00Z", "at": [36.55, 47.7], "hours": 2},
    ]
    scenario = _scenario(tmp_path, events=events)
    plan = plan_events(scenario, _line(), _area(scenario), seed=4)
    strike = next(e for e in plan.events if e.kind == "strike")
    assert (strike.lon, strike.lat, strike.n_fires) == (34.0, 49.0, 4)
    artillery = next(e for e in plan.events if e.kind == "artillery")
    assert artillery.line_distance_km < 0.01  # snapped onto the line
    assert artillery.origin == "scenario"
