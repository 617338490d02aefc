"""Cloud masks: the right share of clear cells, shared within a time bin, real tables read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from truceline.simulate.clouds import CloudField
from truceline.simulate.geometry import Area
from truceline.simulate.passes import day_start_seconds
from truceline.simulate.scenario import Clouds

DATA = Path(__file__).resolve().parents[1] / "scenarios" / "data"
UKRAINE = Area((22.1, 44.3, 40.3, 52.4))
DAY = date(2025, 11, 20)


def _grid(field: CloudField) -> tuple[np.ndarray, np.ndarray]:
    return field.lon, field.lat


def test_random_model_clear_share_and_shared_bins() -> None:
    field = CloudField(Clouds(model="random", mean_cover=0.6), UKRAINE, Path("."), seed=1)
    lon, lat = _grid(field)
    shares, t0 = [], day_start_seconds(DAY)
    for i in range(40):
        day = date(2025, 1, 1 + i % 28) if i < 28 else date(2025, 2, i - 27)
        shares.append(
            field.day(day).clear(lon, lat, np.full(len(lon), day_start_seconds(day))).mean()
        )
    assert np.mean(shares) == pytest.approx(0.4, abs=0.05)
    clouds = field.day(DAY)
    same_bin = clouds.clear(lon, lat, np.full(len(lon), t0 + 10 * 3600))
    later_in_bin = clouds.clear(lon, lat, np.full(len(lon), t0 + 11.5 * 3600))
    next_bin = clouds.clear(lon, lat, np.full(len(lon), t0 + 13 * 3600))
    assert (same_bin == later_in_bin).all()
    assert (same_bin != next_bin).any()


def test_none_model_is_always_clear() -> None:
    field = CloudField(Clouds(model="none"), UKRAINE, Path("."), seed=1)
    lon, lat = _grid(field)
    assert field.day(DAY).clear(lon, lat, np.full(len(lon), day_start_seconds(DAY))).all()
    assert field.mean_cover([DAY]) == 0.0


def test_table_model_follows_the_real_oblast_cover() -> None:
    spec = Clouds(model="table", table=str(DATA / "ukr_weather_data_2019.csv.gz"), year=2019)
    field = CloudField(spec, UKRAINE, Path("."), seed=2)
    table = pd.read_csv(DATA / "ukr_weather_data_2019.csv.gz")
    on_day = (
        table[table["ACQ_DATE"] == "2019-11-20"].set_index("OBLAST_ID")["CLOUD_COVER (%)"] / 100
    )
    regions = dict(field.day(DAY).regions)
    for oblast, cover in on_day.items():
        if oblast in regions:
            assert regions[oblast] == pytest.approx(cover)
    # November is cloudy over Ukraine: most of the country is hidden
    assert 0.6 < field.mean_cover([date(2025, 11, d) for d in range(15, 30)]) < 1.0


def test_table_model_warns_and_falls_back_on_missing_days() -> None:
    spec = Clouds(model="table", table=str(DATA / "ukr_weather_data_2019.csv.gz"), mean_cover=0.25)
    field = CloudField(spec, UKRAINE, Path("."), seed=2)  # 2025 dates: not in the 2019 table
    with pytest.warns(UserWarning, match="no cloud cover"):
        regions = field.day(DAY).regions
    assert {c for _, c in regions} == {0.25}
