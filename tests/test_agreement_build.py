"""Building the agreement from the real 2025-08-11 DeepStateMap polygon, and saving it."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from truceline.agreement import (
    GOVERNMENT,
    OCCUPIED,
    ZONES,
    Agreement,
    build_agreement,
    load_agreement,
)
from truceline.agreement.storage import LAYERS
from truceline.geo import to_local

START = "2025-08-11T00:00:00Z"


def _source(shared_data: Path) -> Path:
    return shared_data / "frontline" / "deepstatemap_data_20250811.geojson.gz"


@pytest.fixture(scope="module")
def agreement(agreement_gpkg: Path) -> Agreement:
    return load_agreement(agreement_gpkg)


def _area(geom: shapely.Geometry) -> float:
    return float(shapely.area(to_local(geom))) / 1e6


def test_line_length_is_plausible(agreement: Agreement) -> None:
    # ~1,200 km is the usual figure for the front; we measure the finely digitised
    # DeepState outline plus the Dnipro and the Sumy/Kharkiv border pockets (ADR 0010)
    assert 1_250 < agreement.line_length_km < 1_600
    longest = max(shapely.length(to_local(p)) for p in agreement.line.geoms) / 1000
    assert 1_100 < longest < 1_400
    assert agreement.line_geodesic_length_km == pytest.approx(agreement.line_length_km, rel=2e-3)


def test_line_lies_on_the_occupied_boundary_inside_ukraine(agreement: Agreement) -> None:
    line = to_local(agreement.line)
    assert shapely.distance(line, shapely.boundary(to_local(agreement.occupied))) < 1e-3
    hausdorff = shapely.hausdorff_distance(
        line, shapely.intersection(line, shapely.buffer(to_local(agreement.government), 2.0))
    )
    assert hausdorff < 1.0  # every part of the line touches government-held land


def test_start_is_utc(agreement: Agreement) -> None:
    assert agreement.start is not None
    assert agreement.start.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert agreement.start.isoformat() == "2025-08-11T00:00:00+00:00"


def test_every_zone_lies_on_its_side(agreement: Agreement) -> None:
    occupied = to_local(agreement.occupied)
    government = to_local(agreement.government)
    zones = agreement.zones
    assert len(zones) == 2 * len(ZONES)
    for row in zones.itertuples():
        polygon = to_local(row.geometry)
        own, other = (occupied, government) if row.side == OCCUPIED else (government, occupied)
        assert _area(row.geometry) > 0
        assert shapely.area(shapely.difference(polygon, own)) / 1e6 < 1e-3
        assert shapely.area(shapely.intersection(polygon, other)) / 1e6 < 1e-3


def test_zones_are_nested_and_as_wide_as_their_parameter(agreement: Agreement) -> None:
    line = to_local(agreement.line)
    for side in (OCCUPIED, GOVERNMENT):
        rows = agreement.zones[agreement.zones["side"] == side].set_index("zone")
        previous = None
        for spec in ZONES:
            polygon = to_local(rows.loc[spec.name, "geometry"])
            width_m = rows.loc[spec.name, "width_km"] * 1000
            vertices = shapely.points(shapely.get_coordinates(polygon))
            assert shapely.distance(line, vertices).max() <= width_m * 1.0001
            if previous is not None:
                assert shapely.area(shapely.difference(previous, polygon)) / 1e6 < 1e-3
            previous = polygon
        areas = rows.loc[[s.name for s in ZONES], "area_km2"].to_numpy()
        assert np.all(np.diff(areas) > 0)


def test_zone_areas_are_computed_equal_area(agreement: Agreement) -> None:
    buffer = agreement.zones[agreement.zones["zone"] == "buffer"]
    total = buffer["area_km2"].sum()
    # a 15 km band on each side of ~1,400 km of line, less overlaps and the sea
    assert 25_000 < total < 2 * 15 * agreement.line_length_km


def test_sectors_cover_the_line_once(agreement: Agreement) -> None:
    lines = agreement.sector_lines
    assert list(lines["sector_id"]) == list(agreement.sectors["sector_id"])
    assert lines["sector_id"].is_unique
    total = sum(shapely.length(to_local(g)) for g in lines.geometry) / 1000
    assert total == pytest.approx(agreement.line_length_km, rel=1e-6)
    union = shapely.union_all([to_local(g) for g in lines.geometry])
    assert shapely.length(union) / 1000 == pytest.approx(agreement.line_length_km, rel=1e-6)
    assert shapely.hausdorff_distance(union, to_local(agreement.line)) < 1.0


def test_sectors_are_about_100_km_and_named(agreement: Agreement) -> None:
    sectors = agreement.sectors
    assert 12 <= len(sectors) <= 20
    long_ones = sectors[sectors["length_km"] > 60]
    assert long_ones["length_km"].between(70, 130).all()
    assert sectors["length_km"].sum() == pytest.approx(agreement.line_length_km, rel=1e-4)
    for row in sectors.itertuples():
        assert row.name.startswith(row.sector_id + " ")
        assert row.oblast in row.name and row.town in row.name
    oblasts = set(sectors["oblast"])
    assert {"Donetsk Oblast", "Zaporizhia Oblast", "Kherson Oblast", "Kharkiv Oblast"} <= oblasts
    assert sectors["name"].str.contains("Kherson Oblast").any()


def test_sector_polygons_partition_the_widest_zone(agreement: Agreement) -> None:
    widest = agreement.zones[agreement.zones["width_km"] == agreement.params.widest_km]
    zone_area = sum(_area(g) for g in widest.geometry)
    polygons = [to_local(g) for g in agreement.sectors.geometry]
    assert sum(shapely.area(p) for p in polygons) / 1e6 == pytest.approx(zone_area, rel=1e-4)
    tree = shapely.STRtree(polygons)
    left, right = tree.query(polygons, predicate="intersects")
    for a, b in zip(left, right, strict=True):
        if a < b:
            assert shapely.area(shapely.intersection(polygons[a], polygons[b])) < 1e4  # < 0.01 km²


def test_each_sector_polygon_holds_its_line(agreement: Agreement) -> None:
    polygons = dict(zip(agreement.sectors["sector_id"], agreement.sectors.geometry, strict=True))
    for row in agreement.sector_lines.itertuples():
        line = to_local(row.geometry)
        inside = shapely.intersection(line, shapely.buffer(to_local(polygons[row.sector_id]), 1.0))
        assert shapely.length(inside) / shapely.length(line) > 0.98


def test_version_is_stable_and_content_sensitive(shared_data: Path, agreement: Agreement) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = build_agreement(_source(shared_data), start=START)
    assert again.version == agreement.version
    assert len(again.version) == 64
    later = Agreement(**{**_fields(again), "start": "2025-08-12T00:00:00Z"})
    assert later.version != again.version


def _fields(agreement: Agreement) -> dict[str, object]:
    names = [
        "name",
        "start",
        "line",
        "occupied",
        "government",
        "boundary",
        "zones",
        "sectors",
        "sector_lines",
        "params",
        "line_params",
        "sources",
    ]
    return {name: getattr(agreement, name) for name in names}


def test_save_load_save_keeps_the_version(agreement: Agreement, tmp_path: Path) -> None:
    first = agreement.save(tmp_path / "one.gpkg")
    loaded = load_agreement(first)
    second = loaded.save(tmp_path / "two.gpkg")
    assert loaded.version == agreement.version == load_agreement(second).version
    assert loaded.name == agreement.name and loaded.start == agreement.start
    assert loaded.params == agreement.params and loaded.line_params == agreement.line_params
    assert loaded.sources == agreement.sources
    assert shapely.equals_exact(loaded.line, agreement.line, tolerance=0)
    pd.testing.assert_frame_equal(
        loaded.sectors.drop(columns="geometry"), agreement.sectors.drop(columns="geometry")
    )


def test_geopackage_layers_and_metadata_table(agreement_gpkg: Path) -> None:
    layers = {str(name): kind for name, kind in pyogrio.list_layers(agreement_gpkg)}
    assert set(LAYERS) <= set(layers)
    assert layers["metadata"] is None  # a plain table, no geometry
    meta = pyogrio.read_dataframe(agreement_gpkg, layer="metadata")
    assert {"name", "start", "version", "params", "sources"} <= set(meta.columns)
    assert meta["start"].iloc[0] == START
    assert "sha256" in meta["sources"].iloc[0]
    with sqlite3.connect(agreement_gpkg) as db:  # a real GeoPackage
        kinds = dict(db.execute("select table_name, data_type from gpkg_contents").fetchall())
    assert kinds["metadata"] == "attributes" and kinds["zones"] == "features"


def test_edited_file_warns_and_gets_its_own_version(agreement: Agreement, tmp_path: Path) -> None:
    path = agreement.save(tmp_path / "edited.gpkg")
    with sqlite3.connect(path) as db:
        db.execute("update metadata set name = 'renamed by hand'")
    with pytest.warns(UserWarning, match="does not match the version recorded"):
        edited = load_agreement(path)
    assert edited.name == "renamed by hand" and edited.version != agreement.version
