"""Orbits, swath and pixel geometry against the published numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from truceline.simulate.passes import (
    SATELLITES,
    day_passes,
    ground_track,
    pixel_size,
    sight,
    solar_zenith,
)

UKRAINE = (22.1, 44.3, 40.3, 52.4)
KYIV = (30.52, 50.45)


def _local_solar_hours(t: np.ndarray, lon: float) -> np.ndarray:
    return np.mod(np.mod(t, 86400) / 3600 + lon / 15, 24)


@pytest.mark.parametrize(
    ("name", "day_hour", "night_hour", "day_sign"),
    [
        ("NOAA-20", 13.5, 1.5, -1),
        ("S-NPP", 13.5, 1.5, -1),
        ("NOAA-21", 13.5, 1.5, -1),
        ("Aqua", 13.5, 1.5, -1),
        ("Terra", 10.5, 22.5, 1),
    ],
)
def test_overpasses_come_near_the_nominal_local_times(
    name: str, day_hour: float, night_hour: float, day_sign: int
) -> None:
    sat = SATELLITES[name]
    hours = []
    for d in range(1, 17):  # a full 16-day repeat cycle
        for p in day_passes(sat, date(2025, 8, d), UKRAINE):
            seen = sight(p, np.array([KYIV[0]]), np.array([KYIV[1]]))
            hours.extend(_local_solar_hours(seen.t, KYIV[0]).tolist())
    hours_arr = np.array(hours)
    assert len(hours_arr) >= 16 * 2  # at least a day and a night pass each day
    off_day = ((hours_arr - day_hour) + 12) % 24 - 12
    off_night = ((hours_arr - night_hour) + 12) % 24 - 12
    day = np.abs(off_day) < np.abs(off_night)
    # A point up to 1,500 km off the track sees it up to ~1.5 h (21 degrees of longitude
    # at 50 N) from the track's own local time, which at 50 N is ~40 min off the
    # equator-crossing time: earlier on an ascending (northbound) pass, later descending.
    assert np.all(np.where(day, np.abs(off_day), np.abs(off_night)) < 2.5)
    assert 0.3 < day_sign * off_day[day].mean() < 1.1
    assert 0.3 < -day_sign * off_night[~day].mean() < 1.1
    assert day.sum() >= 16 and (~day).sum() >= 16


def test_viirs_sees_kyiv_daily_and_modis_leaves_equator_gaps() -> None:
    point = (np.array([KYIV[0]]), np.array([KYIV[1]]))

    def seen_days(name: str, lat: float) -> int:
        days = 0
        for d in range(1, 17):
            passes = day_passes(SATELLITES[name], date(2025, 8, d), (0, lat - 1, 40, lat + 1))
            if any(len(sight(p, point[0], np.array([lat])).t) for p in passes):
                days += 1
        return days

    assert seen_days("NOAA-20", KYIV[1]) == 16
    equator_gaps = 0
    for d in range(1, 17):
        passes = day_passes(SATELLITES["Terra"], date(2025, 8, d), (25, -1, 35, 1))
        daytime = [p for p in passes if 6 < (p.t[0] % 86400) / 3600 + 2 < 14]
        if not any(len(sight(p, np.array([30.0]), np.array([0.0])).t) for p in daytime):
            equator_gaps += 1
    assert equator_gaps > 0  # MODIS's 2,330 km swath leaves daytime gaps at the equator


def test_ground_track_reaches_inclination_latitude() -> None:
    sat = SATELLITES["NOAA-20"]
    t = np.arange(0, sat.period_minutes * 60, 5.0) + datetime(2025, 8, 11, tzinfo=UTC).timestamp()
    _, lat = ground_track(sat, t)
    assert lat.max() == pytest.approx(180 - sat.inclination_deg, abs=0.1)


def test_pixel_sizes_match_firms_ranges() -> None:
    viirs = SATELLITES["NOAA-20"]
    scan, track = pixel_size(viirs, np.array([0.0, viirs.max_scan_deg]))
    assert scan[0] == pytest.approx(0.38, abs=0.01) and track[0] == pytest.approx(0.36, abs=0.01)
    assert scan[1] == pytest.approx(0.80, abs=0.05) and track[1] == pytest.approx(0.78, abs=0.03)
    modis = SATELLITES["Aqua"]
    scan, track = pixel_size(modis, np.array([0.0, modis.max_scan_deg]))
    assert scan[0] == pytest.approx(1.0) and track[0] == pytest.approx(1.0)
    assert scan[1] == pytest.approx(4.8, abs=0.1) and track[1] == pytest.approx(2.0, abs=0.05)


@given(st.floats(0.0, 54.9), st.floats(0.01, 0.1))
def test_modis_pixels_grow_with_view_angle(view: float, step: float) -> None:
    sat = SATELLITES["Terra"]
    scan, track = pixel_size(sat, np.array([view, view + step]))
    assert scan[1] >= scan[0] and track[1] >= track[0]


def test_sightings_stay_inside_the_swath() -> None:
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(22, 40, 500), rng.uniform(44, 52, 500)
    for p in day_passes(SATELLITES["Terra"], date(2025, 8, 11), UKRAINE):
        seen = sight(p, lon, lat)
        assert np.all(seen.view_deg <= SATELLITES["Terra"].max_scan_deg)
        assert np.all((seen.t >= p.t[0]) & (seen.t <= p.t[-1]))


def test_solar_zenith_at_noon_on_the_solstice() -> None:
    t = datetime(2025, 6, 21, 12, 0, tzinfo=UTC).timestamp() - KYIV[0] / 15 * 3600
    zenith = solar_zenith(np.array([KYIV[0]]), np.array([KYIV[1]]), np.array([t]))
    assert zenith[0] == pytest.approx(KYIV[1] - 23.44, abs=0.6)
