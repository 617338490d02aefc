"""Per-oblast cloud tables, and their mapping onto sectors through the oblast grid."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from truceline.clouds import (
    CLOUD_COLUMN,
    load_oblast_grid,
    read_cloud_cover,
    sector_cloud_cover,
    sector_oblast_weights,
)
from truceline.errors import InputError


def test_bundled_grid_has_every_front_oblast() -> None:
    grid = load_oblast_grid()
    assert len(grid) == 7831
    assert {"UA14", "UA09", "UA23", "UA65", "UA63", "UA43"} <= set(grid["oblast_id"])


def test_real_cloud_table_reads(shared_data: Path) -> None:
    clouds = read_cloud_cover([shared_data / "context" / "ukr_weather_data_2023.csv.gz"])
    assert len(clouds) == 365 * 27
    assert clouds["cloud_cover"].between(0, 100).all()
    day = clouds[(clouds["oblast_id"] == "UA14") & (clouds["date"] == date(2023, 1, 1))]
    assert len(day) == 1


def test_folder_reads_every_year(shared_data: Path) -> None:
    clouds = read_cloud_cover([shared_data / "context"])
    assert min(clouds["date"]) == date(2015, 1, 1) and max(clouds["date"]).year == 2024


def _sectors() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"sector_id": ["donetsk", "thin"]},
        geometry=[shapely.box(37.3, 47.8, 38.0, 48.4), shapely.box(37.51, 48.01, 37.52, 48.02)],
        crs="EPSG:4326",
    )


def test_sector_weights_sum_to_one_and_thin_sectors_get_nearest_oblast() -> None:
    weights = sector_oblast_weights(_sectors())
    assert weights.groupby("sector")["weight"].sum().round(9).eq(1).all()
    assert weights.loc[weights["sector"] == "donetsk", "oblast_id"].tolist() == ["UA14"]
    assert weights.loc[weights["sector"] == "thin", "oblast_id"].tolist() == ["UA14"]


def test_sector_cloud_is_weighted_mean_over_oblasts_with_values() -> None:
    weights = pd.DataFrame({"sector": ["s", "s"], "oblast_id": ["A", "B"], "weight": [0.75, 0.25]})
    d1, d2 = date(2020, 1, 1), date(2020, 1, 2)
    clouds = pd.DataFrame(
        {"oblast_id": ["A", "B", "B"], "date": [d1, d1, d2], "cloud_cover": [100.0, 0.0, 40.0]}
    )
    out = sector_cloud_cover(weights, clouds).set_index("date")["cloud_cover"]
    assert out[d1] == pytest.approx(75.0)
    assert out[d2] == pytest.approx(40.0)  # A unknown that day: B alone
    assert sector_cloud_cover(weights, clouds, dates=[d2])["date"].tolist() == [d2]


def test_missing_cloud_column_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "ukr_weather_data_2020.csv.gz"
    with gzip.open(bad, "wt") as f:
        f.write("OBLAST_ID,ACQ_DATE,RAIN_SUM (MM)\nUA14,2020-01-01,0\n")
    with pytest.raises(InputError, match=r"ukr_weather_data_2020.*CLOUD_COVER"):
        read_cloud_cover([bad])


def test_out_of_range_cloud_rows_are_dropped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"OBLAST_ID,ACQ_DATE,{CLOUD_COLUMN}\nUA14,2020-01-01,50\nUA14,2020-01-02,130\n")
    with pytest.warns(UserWarning, match=r"w\.csv.*line 3.*130"):
        clouds = read_cloud_cover([path])
    assert clouds["cloud_cover"].tolist() == [50.0]


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.csv"):
        read_cloud_cover([tmp_path / "nope.csv"])
