"""Background fires: real places and seasons, the expected count per cell-day, volume scaling."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from truceline.errors import ScenarioError
from truceline.simulate.background import background_fires, day_of_year, load_history
from truceline.simulate.geometry import Area
from truceline.simulate.scenario import Background

AREA = Area(bbox=(30.0, 45.0, 40.0, 52.0))


def _history(tmp_path: Path) -> Path:
    rows = ["LATITUDE,LONGITUDE,ACQ_DATE"]
    # cell A (48.05, 35.05): 2 fires on 2019-08-11, 4 on 2020-08-11; cell B: 1 fire on 2019-08-12
    rows += (
        ["48.05,35.05,2019-08-11"] * 2 + ["48.05,35.05,2020-08-11"] * 4 + ["49.55,31.55,2019-08-12"]
    )
    rows += ["10.0,10.0,2019-08-11"]  # outside the region: dropped
    rows += ["48.05,35.05,2018-08-11"]  # a year not chosen
    path = tmp_path / "history.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_history_keeps_region_and_years(tmp_path: Path) -> None:
    history = load_history(_history(tmp_path), AREA, years=[2019, 2020])
    assert len(history) == 7
    assert history.years == (2019, 2020)
    assert set(history.doy.tolist()) == {223, 224}


def test_expected_count_per_cell_day_is_the_history_mean(tmp_path: Path) -> None:
    history = load_history(_history(tmp_path), AREA, years=[2019, 2020])
    params = Background(window_days=0)
    rng = np.random.default_rng(0)
    counts = [len(background_fires(history, date(2025, 8, 11), params, rng)) for _ in range(1500)]
    # day 223 only (window 0): cell A has 2 or 4 fires with even odds -> mean 3
    assert np.mean(counts) == pytest.approx(3.0, abs=0.1)
    assert set(counts) == {2, 4}


def test_window_and_volume_factor(tmp_path: Path) -> None:
    history = load_history(_history(tmp_path), AREA, years=[2019, 2020])
    rng = np.random.default_rng(1)
    one = Background(window_days=1)
    ten = Background(window_days=1, volume_factor=10)
    n1 = np.mean([len(background_fires(history, date(2025, 8, 11), one, rng)) for _ in range(2000)])
    n10 = np.mean([len(background_fires(history, date(2025, 8, 11), ten, rng)) for _ in range(200)])
    # window 222..224 x 2 years = 6 slots: cell A 6/6 = 1.0, cell B 1/6
    assert n1 == pytest.approx(1.0 + 1 / 6, abs=0.12)
    assert n10 == pytest.approx(10 * (1.0 + 1 / 6), rel=0.1)


def test_fires_burn_in_the_local_afternoon_near_history_points(tmp_path: Path) -> None:
    history = load_history(_history(tmp_path), AREA, years=[2020])
    fires = background_fires(
        history, date(2025, 8, 11), Background(window_days=0), np.random.default_rng(2)
    )
    assert len(fires) == 4
    assert np.all(np.abs(fires.lat - 48.05) < 0.02) and np.all(np.abs(fires.lon - 35.05) < 0.03)
    local = ((fires.t_on % 86400) / 3600 + fires.lon / 15) % 24
    assert np.all((local > 0) & (local < 24)) and np.all(fires.t_off > fires.t_on)


def test_history_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("lat,lon\n1,2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"'background.history'.*ACQ_DATE"):
        load_history(bad, AREA)
    with pytest.raises(ScenarioError, match="no rows inside the region"):
        load_history(_history(tmp_path), AREA, years=[1999])


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_day_of_year_is_a_365_day_calendar(day: date) -> None:
    doy = day_of_year(day)
    assert 1 <= doy <= 365
    if (day.month, day.day) >= (3, 1):
        assert doy == day_of_year(day.replace(year=2023))
