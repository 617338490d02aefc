"""truceline.geo: distances and areas in metric CRSs, checked against geodesics."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from truceline import geo

GEOD = Geod(ellps="WGS84")
# Ukraine's extent (national boundary bbox, rounded outwards)
WEST, SOUTH, EAST, NORTH = 22.0, 44.3, 40.3, 52.4

lons = st.floats(WEST, EAST)
lats = st.floats(SOUTH, NORTH)


@pytest.mark.parametrize("distance_km", [0.5, 15.0, 50.0, 150.0])
def test_local_distances_match_geodesics_everywhere_in_ukraine(distance_km: float) -> None:
    rng = np.random.default_rng(20250811)
    n = 20_000
    lon1, lat1 = rng.uniform(WEST, EAST, n), rng.uniform(SOUTH, NORTH, n)
    azimuth = rng.uniform(0, 360, n)
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, azimuth, np.full(n, distance_km * 1000))
    x1, y1 = geo.project(lon1, lat1)
    x2, y2 = geo.project(lon2, lat2)
    error = np.hypot(x2 - x1, y2 - y1) / (distance_km * 1000) - 1
    assert np.abs(error).max() < 0.002  # 0.2 %: "well under 1 %"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(lons, lats, lons, lats)
def test_local_distance_any_pair_within_half_percent(
    a: float, b: float, c: float, d: float
) -> None:
    _, _, geodesic = GEOD.inv(a, b, c, d)
    if geodesic < 1.0:
        return
    x, y = geo.project([a, c], [b, d])
    planar = float(np.hypot(x[1] - x[0], y[1] - y[0]))
    assert abs(planar / geodesic - 1) < 0.005


def test_project_unproject_round_trip() -> None:
    lon = np.array([22.2, 31.2, 40.1, 33.5])
    lat = np.array([48.0, 48.4, 49.0, 44.6])
    back_lon, back_lat = geo.unproject(*geo.project(lon, lat))
    np.testing.assert_allclose(back_lon, lon, atol=1e-9)
    np.testing.assert_allclose(back_lat, lat, atol=1e-9)


def test_centre_of_projection_is_origin() -> None:
    x, y = geo.project([31.2], [48.4])
    assert abs(x[0]) < 1e-6 and abs(y[0]) < 1e-6


def test_geometry_round_trip_and_length() -> None:
    line = shapely.LineString([(36.0, 48.0), (37.0, 48.5), (38.0, 47.5)])
    local = geo.to_local(line)
    back = geo.to_wgs84(local)
    assert shapely.equals_exact(back, line, tolerance=1e-9)
    geodesic = geo.geodesic_length_km(line)
    assert geo.length_km(line) == pytest.approx(geodesic, rel=0.002)


def test_area_matches_geodesic_area() -> None:
    polygon = shapely.box(35.0, 47.0, 37.0, 49.0)
    geodesic_m2, _ = GEOD.geometry_area_perimeter(shapely.segmentize(polygon, 0.01))
    assert geo.area_km2(polygon) == pytest.approx(abs(geodesic_m2) / 1e6, rel=1e-3)


def test_area_of_ukraine_is_about_603000_km2() -> None:
    from truceline.agreement import DEFAULT_BOUNDARY
    from truceline.vector import read_polygons

    ukraine, _ = read_polygons(DEFAULT_BOUNDARY, "boundary")
    assert geo.area_km2(ukraine) == pytest.approx(603_500, rel=0.01)


def test_crs_are_projected_and_metric() -> None:
    for crs in (geo.LOCAL_CRS, geo.AREA_CRS):
        assert crs.is_projected
        assert crs.axis_info[0].unit_name == "metre"
