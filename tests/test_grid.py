"""Grid invariants: cell ids, centres, boxes and the season calendar."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from truceline.errors import InputError
from truceline.grid import (
    DAYS_PER_SEASON,
    GridBox,
    cell_bounds,
    cell_center,
    cell_id,
    cell_rowcol,
    day_of_season,
    grid_shape,
)

lons = st.floats(-180.0, 179.999999, allow_nan=False)
lats = st.floats(-90.0, 89.999999, allow_nan=False)
sizes = st.sampled_from([0.05, 0.1, 0.25, 0.5, 1.0])


@given(lon=lons, lat=lats, size=sizes)
@example(lon=0.3, lat=48.3, size=0.1)  # 0.3 / 0.1 is 2.9999999999999996 in floating point
@example(lon=-180.0, lat=-90.0, size=0.1)
def test_point_lies_in_its_cell(lon: float, lat: float, size: float) -> None:
    ids = cell_id([lon], [lat], size)
    west, south, east, north = cell_bounds(ids, size)[0]
    tol = 1e-7
    assert west - tol <= lon < east + tol
    assert south - tol <= lat < north + tol


@given(lon=lons, lat=lats, size=sizes)
def test_centre_maps_back_to_the_same_cell(lon: float, lat: float, size: float) -> None:
    ids = cell_id([lon], [lat], size)
    clon, clat = cell_center(ids, size)
    assert abs(clon[0] - lon) <= size / 2 + 1e-7
    assert abs(clat[0] - lat) <= size / 2 + 1e-7
    assert cell_id(clon, clat, size)[0] == ids[0]


@given(
    a=st.tuples(lons, lats),
    b=st.tuples(lons, lats),
    size=sizes,
)
def test_same_id_iff_same_row_and_col(
    a: tuple[float, float], b: tuple[float, float], size: float
) -> None:
    ids = cell_id([a[0], b[0]], [a[1], b[1]], size)
    rows, cols = cell_rowcol([a[0], b[0]], [a[1], b[1]], size)
    assert (ids[0] == ids[1]) == (rows[0] == rows[1] and cols[0] == cols[1])


def test_edges_belong_to_the_north_east_cell() -> None:
    ids = cell_id([30.0, 30.0 - 1e-6], [48.0, 48.0], 0.1)
    assert ids[0] == ids[1] + 1
    rows, _ = cell_rowcol([30.0, 30.0], [48.3, 48.3 - 1e-6], 0.1)
    assert rows[0] == rows[1] + 1


def test_longitude_wraps_and_latitude_clamps() -> None:
    assert cell_id([180.0], [0.0])[0] == cell_id([-180.0], [0.0])[0]
    rows, _ = cell_rowcol([0.0], [90.0])
    assert rows[0] == grid_shape()[0] - 1


@pytest.mark.parametrize("size", [0.0, -1.0, 0.7, float("nan")])
def test_bad_cell_size_is_refused(size: float) -> None:
    with pytest.raises(InputError, match="cell size"):
        grid_shape(size)


def test_bad_coordinates_are_named() -> None:
    with pytest.raises(InputError, match="coordinate 1"):
        cell_id([30.0, float("nan")], [48.0, 48.0])
    with pytest.raises(InputError, match=r"\(30.0, 95.0\)"):
        cell_id([30.0], [95.0])


@given(
    points=st.lists(
        st.tuples(st.floats(22.0, 40.0), st.floats(44.0, 52.0)), min_size=1, max_size=30
    ),
    margin=st.integers(0, 3),
)
def test_box_holds_its_points_and_local_indices_match_ids(
    points: list[tuple[float, float]], margin: int
) -> None:
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    box = GridBox.around(lon, lat, 0.1, margin=margin)
    rows, cols, inside = box.local(lon, lat)
    assert inside.all()
    assert (rows >= margin).all() and (rows < box.n_rows - margin).all()
    assert (box.cell_ids()[rows, cols] == cell_id(lon, lat, 0.1)).all()


def test_points_outside_a_box_are_marked() -> None:
    box = GridBox.around([30.0, 31.0], [48.0, 49.0], 0.1)
    _, _, inside = box.local([30.5, 35.0], [48.5, 48.5])
    assert inside.tolist() == [True, False]


@given(day=st.dates(date(1999, 1, 1), date(2031, 12, 31)))
def test_season_day_range_and_leap_handling(day: date) -> None:
    value = int(day_of_season(np.array([day], dtype="datetime64[D]"))[0])
    assert 0 <= value < DAYS_PER_SEASON
    if (day.month, day.day) != (2, 29):
        same_day_other_year = date(2019, day.month, day.day)
        assert value == int(day_of_season(np.array([same_day_other_year], "datetime64[D]"))[0])


def test_29_february_shares_28_february() -> None:
    days = np.array(["2020-02-28", "2020-02-29", "2020-03-01", "2021-03-01"], "datetime64[D]")
    assert day_of_season(days).tolist() == [58, 58, 59, 59]
    year = np.array([date(2020, 1, 1) + timedelta(days=i) for i in range(366)], "datetime64[D]")
    assert sorted(set(day_of_season(year).tolist())) == list(range(DAYS_PER_SEASON))
