"""Agreement.locate: property tests on the real 2025-08-11 agreement."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from truceline.agreement import (
    GOVERNMENT,
    OCCUPIED,
    OUTSIDE,
    ZONES,
    Agreement,
    load_agreement,
    zone_column,
)
from truceline.errors import InputError
from truceline.geo import to_local, unproject

START = "2025-08-11T00:00:00Z"
GEOD = Geod(ellps="WGS84")
# the zones' extent, with a margin: 30-41.5 E, 44-52.5 N
lons = st.floats(30.0, 41.5, allow_nan=False)
lats = st.floats(44.0, 52.5, allow_nan=False)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def agreement(agreement_gpkg: Path) -> Agreement:
    return load_agreement(agreement_gpkg)


@pytest.fixture(scope="module")
def line_local(agreement: Agreement) -> shapely.MultiLineString:
    return to_local(agreement.line)


@pytest.fixture(scope="module")
def line_ends(line_local: shapely.MultiLineString) -> shapely.Geometry:
    return shapely.boundary(line_local)


def _crossing(line: shapely.MultiLineString, part: int, where: float, half_m: float):
    """A segment of 2 * half_m crossing ``line`` at a right angle, as lon/lat end points."""
    piece = line.geoms[part % len(line.geoms)]
    at = where * piece.length
    before = piece.interpolate(max(at - 1.0, 0.0))
    after = piece.interpolate(min(at + 1.0, piece.length))
    dx, dy = after.x - before.x, after.y - before.y
    norm = math.hypot(dx, dy)
    assume(norm > 0.5)
    centre = piece.interpolate(at)
    nx, ny = -dy / norm, dx / norm
    ends = np.array(
        [
            [centre.x + nx * half_m, centre.y + ny * half_m],
            [centre.x - nx * half_m, centre.y - ny * half_m],
        ]
    )
    segment = shapely.LineString(ends)
    return segment, unproject(ends[:, 0], ends[:, 1])


@SETTINGS
@given(part=st.integers(0, 40), where=st.floats(0.0, 1.0), half_km=st.floats(0.02, 3.0))
@example(part=0, where=0.5, half_km=0.5)
@example(part=11, where=0.0, half_km=0.5)  # a line's end: no crossing (regression)
def test_signed_distance_changes_sign_across_the_line(
    agreement: Agreement,
    line_local: shapely.MultiLineString,
    line_ends: shapely.MultiPoint,
    part: int,
    where: float,
    half_km: float,
) -> None:
    segment, (lon, lat) = _crossing(line_local, part, where, half_km * 1000)
    crossings = shapely.intersection(segment, line_local)
    assume(crossings.geom_type == "Point")  # exactly one crossing ...
    assume(shapely.distance(crossings, line_ends) > half_km * 1000)  # ... not at a line's end
    result = agreement.locate(lon, lat)
    assume((result["side"] != OUTSIDE).all())  # both ends in Ukraine (not sea, not Russia)
    d = result["distance_km"].to_numpy()
    assert np.sign(d[0]) == -np.sign(d[1]) != 0
    assert set(result["side"]) == {OCCUPIED, GOVERNMENT}
    assert (np.abs(d) <= half_km * 1.0001 + 1e-6).all()
    assert (result["zone"] == "buffer").all()


def _check_consistent(agreement: Agreement, result: pd.DataFrame) -> None:
    d = result["distance_km"].to_numpy()
    side = result["side"].to_numpy()
    inside = side != OUTSIDE
    assert np.isnan(d[~inside]).all() and np.isfinite(d[inside]).all()
    assert (d[side == OCCUPIED] >= 0).all() and (d[side == GOVERNMENT] <= 0).all()
    narrowest = np.full(len(d), OUTSIDE, dtype=object)
    for spec in reversed(ZONES):
        member = inside & (np.abs(d) <= agreement.params.width_km(spec.name))
        assert (result[zone_column(spec.name)].to_numpy() == member).all()
        narrowest[member] = spec.name
    assert (result["zone"].to_numpy() == narrowest).all()
    has_sector = result["sector"].notna().to_numpy()
    assert (has_sector == (inside & (np.abs(d) <= agreement.params.widest_km))).all()


@SETTINGS
@given(st.lists(st.tuples(lons, lats), min_size=1, max_size=60))
@example([(37.80, 48.02), (30.52, 50.45), (36.23, 49.99), (33.52, 44.62), (37.62, 55.75)])
def test_zone_membership_matches_distance_and_side(
    agreement: Agreement, points: list[tuple[float, float]]
) -> None:
    lon, lat = np.array(points).T
    _check_consistent(agreement, agreement.locate(lon, lat))


def test_buffer_zone_is_exactly_the_points_within_15_km(
    agreement: Agreement, line_local: shapely.MultiLineString
) -> None:
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(30.5, 41, 4000), rng.uniform(44.5, 52, 4000)
    result = agreement.locate(lon, lat)
    x, y = to_local(shapely.points(lon, lat)), None
    brute_km = shapely.distance(line_local, x) / 1000  # no tree: the independent answer
    inside = (result["side"] != OUTSIDE).to_numpy()
    np.testing.assert_allclose(np.abs(result["distance_km"])[inside], brute_km[inside], atol=1e-9)
    buffer_km = agreement.params.buffer_km
    clear = np.abs(brute_km - buffer_km) > 1e-6
    expected = inside & (brute_km <= buffer_km)
    assert (result["in_buffer"].to_numpy()[clear] == expected[clear]).all()
    assert expected.sum() > 100 and (~expected & inside).sum() > 100  # both present
    # and the stored polygons draw the same set (to the buffer's arc precision, ~5 m)
    polygons = shapely.union_all(list(agreement.zones.query("zone == 'buffer'").geometry))
    far = np.abs(brute_km - buffer_km) > 0.05
    in_polygon = shapely.intersects_xy(polygons, lon, lat)
    assert (in_polygon[far] == expected[far]).all()
    del y


def test_distance_agrees_with_geodesics(
    agreement: Agreement, line_local: shapely.MultiLineString
) -> None:
    rng = np.random.default_rng(12)
    lon, lat = rng.uniform(31, 40, 400), rng.uniform(45, 51, 400)
    result = agreement.locate(lon, lat)
    keep = (result["side"] != OUTSIDE).to_numpy() & (result["distance_km"].abs() > 1).to_numpy()
    points = to_local(shapely.points(lon[keep], lat[keep]))
    nearest = shapely.get_coordinates(shapely.shortest_line(points, line_local))[1::2]
    nlon, nlat = unproject(nearest[:, 0], nearest[:, 1])
    _, _, geodesic_m = GEOD.inv(lon[keep], lat[keep], nlon, nlat)
    measured = result["distance_km"].abs().to_numpy()[keep]
    np.testing.assert_allclose(measured, geodesic_m / 1000, rtol=0.005)


@settings(SETTINGS, max_examples=60)
@given(st.lists(st.tuples(lons, lats), min_size=2, max_size=25), st.randoms(use_true_random=False))
def test_locate_is_order_independent_and_vectorised(
    agreement: Agreement, points: list[tuple[float, float]], random
) -> None:
    lon, lat = np.array(points).T
    whole = agreement.locate(lon, lat)
    order = list(range(len(points)))
    random.shuffle(order)
    shuffled = agreement.locate(lon[order], lat[order])
    pd.testing.assert_frame_equal(shuffled, whole.iloc[order].reset_index(drop=True))
    one_by_one = pd.concat([agreement.locate([a], [b]) for a, b in points], ignore_index=True)
    pd.testing.assert_frame_equal(one_by_one, whole)


def test_known_places(agreement: Agreement) -> None:
    places = {  # lon, lat
        "Kyiv": (30.52, 50.45),
        "Donetsk": (37.80, 48.02),
        "Zaporizhzhia": (35.14, 47.84),
        "Sevastopol": (33.52, 44.62),
        "Moscow": (37.62, 55.75),
        "Black Sea": (31.5, 44.0),
    }
    result = agreement.locate(*np.array(list(places.values())).T).set_index(pd.Index(list(places)))
    assert result.loc["Kyiv", "side"] == GOVERNMENT and result.loc["Kyiv", "zone"] == OUTSIDE
    assert result.loc["Kyiv", "distance_km"] < -300
    assert result.loc["Donetsk", "side"] == OCCUPIED and result.loc["Donetsk", "in_artillery"]
    assert result.loc["Zaporizhzhia", "side"] == GOVERNMENT
    assert -50 < result.loc["Zaporizhzhia", "distance_km"] < -15
    assert result.loc["Sevastopol", "side"] == OCCUPIED
    assert result.loc["Sevastopol", "zone"] == OUTSIDE
    assert result.loc["Sevastopol", "distance_km"] > 150
    for place in ("Moscow", "Black Sea"):
        assert result.loc[place, "side"] == OUTSIDE and result.loc[place, "sector"] is None
        assert np.isnan(result.loc[place, "distance_km"])


def test_sector_answer_matches_sector_polygons(agreement: Agreement) -> None:
    rng = np.random.default_rng(13)
    lon, lat = rng.uniform(31, 40.5, 3000), rng.uniform(45, 52, 3000)
    result = agreement.locate(lon, lat)
    points = shapely.points(lon, lat)
    edges = shapely.union_all([shapely.boundary(g) for g in agreement.sectors.geometry])
    clear = to_local(edges).distance(to_local(points)) > 50.0  # > 50 m from any sector border
    for row in agreement.sectors.itertuples():
        inside = shapely.intersects_xy(row.geometry, lon, lat) & clear
        assert (result["sector"].to_numpy()[inside] == row.sector_id).all()


def test_bad_coordinates_and_shapes(agreement: Agreement) -> None:
    result = agreement.locate([np.nan, 36.0], [48.0, np.inf])
    assert list(result["side"]) == [OUTSIDE, OUTSIDE]
    assert result["distance_km"].isna().all()
    empty = agreement.locate([], [])
    assert len(empty) == 0 and "distance_km" in empty.columns
    with pytest.raises(InputError, match="equally long"):
        agreement.locate([36.0, 37.0], [48.0])
