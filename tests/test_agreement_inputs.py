"""Agreement inputs: every vector format GDAL reads, and each bad-input path with its message."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import warnings
import zipfile
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from truceline.agreement import (
    DEFAULT_BOUNDARY,
    LineParams,
    ZoneParams,
    build_agreement,
    load_agreement,
    parse_start,
)
from truceline.errors import AgreementError, VectorFileError
from truceline.geo import area_km2
from truceline.vector import read_polygons

# A made-up occupied area on Ukraine's eastern border (about 70 % inside Ukraine)
EAST = shapely.box(38.0, 47.6, 41.0, 49.0)


def _write(geoms: list[shapely.Geometry], path: Path, crs: str | None = "EPSG:4326") -> Path:
    frame = gpd.GeoDataFrame({"id": list(range(len(geoms)))}, geometry=geoms, crs=crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's note that a file without CRS is written
        frame.to_file(path)
    return path


@pytest.fixture(scope="module")
def isw_dir(shared_data: Path) -> Path:
    return shared_data / "frontline" / "rus_control_2023"


def test_gzip_geojson_reads_through_vsigzip(shared_data: Path) -> None:
    source = shared_data / "frontline" / "deepstatemap_data_20250811.geojson.gz"
    occupied, ref = read_polygons(source, "occupied")
    assert ref.name == source.name and len(ref.sha256) == 64
    assert 110_000 < area_km2(occupied) < 120_000
    west, south, east, north = occupied.bounds
    assert 31 < west < east < 40.5 and 44 < south < north < 52


def test_epsg3857_shapefile_dir_shp_and_zips_read_alike(isw_dir: Path, tmp_path: Path) -> None:
    flat = tmp_path / "flat.zip"
    with zipfile.ZipFile(flat, "w") as archive:
        for file in isw_dir.iterdir():
            archive.write(file, file.name)
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(nested, "w") as archive:
        for file in isw_dir.iterdir():
            archive.write(file, f"download/isw/{file.name}")
    shp = next(isw_dir.glob("*.shp"))
    reads = []
    for path in (isw_dir, shp, flat, nested):
        with pytest.warns(UserWarning, match="1 invalid polygon"):  # one self-intersection
            reads.append(read_polygons(path, "occupied")[0])
    west, south, east, north = reads[0].bounds  # reprojected from EPSG:3857 to lon/lat
    assert 31 < west < east < 41 and 44 < south < north < 51
    for other in reads[1:]:
        assert shapely.equals_exact(other, reads[0], tolerance=1e-12)


def test_geopackage_and_plain_geojson_read(tmp_path: Path) -> None:
    for name in ("occ.gpkg", "occ.geojson"):
        occupied, ref = read_polygons(_write([EAST], tmp_path / name), "occupied")
        assert shapely.equals_exact(occupied.geoms[0].normalize(), EAST.normalize(), 1e-9)
        assert ref.name == name


@pytest.mark.slow
def test_build_from_a_zipped_epsg3857_shapefile(isw_dir: Path, tmp_path: Path) -> None:
    zipped = tmp_path / "isw.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for file in isw_dir.iterdir():
            archive.write(file, file.name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        agreement = build_agreement(zipped, start="2023-03-31T00:00:00+00:00")
    assert any("invalid polygon" in str(w.message) for w in caught)
    assert 900 < agreement.line_length_km < 1_300
    assert agreement.sources[0].name == "isw.zip"


def test_shapely_geometry_input_and_custom_boundary(tmp_path: Path) -> None:
    boundary = _write([read_polygons(DEFAULT_BOUNDARY, "b")[0]], tmp_path / "ua.gpkg")
    agreement = build_agreement(EAST, boundary, params=ZoneParams(sector_length_km=50))
    assert agreement.sources[0].name == "<geometry>"
    assert agreement.sources[1].name == "ua.gpkg"
    # only the west, north and south edges inside Ukraine make the line (~200+ km)
    assert 250 < agreement.line_length_km < 450
    assert len(agreement.sectors) >= 4


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.geojson"
    with pytest.raises(VectorFileError, match="nowhere.geojson: no such file"):
        build_agreement(missing)


def test_not_a_vector_file_names_the_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.geojson"
    junk.write_text("this is not GeoJSON")
    with pytest.raises(VectorFileError, match="junk.geojson: GDAL cannot read it"):
        build_agreement(junk)
    gz = tmp_path / "junk.geojson.gz"
    gz.write_bytes(gzip.compress(b"not json either"))
    with pytest.raises(VectorFileError, match="junk.geojson.gz"):
        build_agreement(gz)


def test_zip_without_vector_data(tmp_path: Path) -> None:
    zipped = tmp_path / "empty.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(VectorFileError, match="empty.zip: the zip holds no vector dataset"):
        build_agreement(zipped)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK not really")
    with pytest.raises(VectorFileError, match="broken.zip: not a readable zip"):
        build_agreement(broken)


def test_points_only_and_no_features(tmp_path: Path) -> None:
    points = _write([shapely.Point(37, 48), shapely.Point(38, 48)], tmp_path / "points.gpkg")
    with pytest.raises(VectorFileError, match="points.gpkg: holds no polygons"):
        build_agreement(points)
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(VectorFileError, match="empty.geojson: the layer holds no features"):
        build_agreement(empty)


def test_table_without_geometry(tmp_path: Path) -> None:
    path = tmp_path / "table.gpkg"
    import pandas as pd
    import pyogrio

    pyogrio.write_dataframe(pd.DataFrame({"a": [1]}), path, driver="GPKG")
    with pytest.raises(VectorFileError, match="table.gpkg: no layer with geometries"):
        build_agreement(path)


def test_missing_crs(tmp_path: Path) -> None:
    projected = _write([shapely.box(4.2e6, 6.0e6, 4.3e6, 6.1e6)], tmp_path / "m.shp", crs=None)
    with pytest.raises(VectorFileError, match="m.shp: no coordinate reference system"):
        build_agreement(projected)
    lonlat = _write([EAST], tmp_path / "d.shp", crs=None)
    with pytest.warns(UserWarning, match="assuming EPSG:4326"):
        read_polygons(lonlat, "occupied")


def test_empty_geometry_is_an_agreement_error() -> None:
    with pytest.raises(AgreementError, match="the geometry is empty"):
        build_agreement(shapely.Polygon())


def test_polygon_outside_ukraine() -> None:
    france = shapely.box(1.0, 46.0, 4.0, 48.0)
    with pytest.raises(AgreementError, match=r"outside Ukraine's national boundary \(0.0 %"):
        build_agreement(france)


def test_occupied_area_covering_all_of_ukraine() -> None:
    everything, _ = read_polygons(DEFAULT_BOUNDARY, "boundary")
    with pytest.raises(AgreementError, match="no government-controlled territory"):
        build_agreement(everything.buffer(0.01))


def test_only_tiny_pockets() -> None:
    tiny = shapely.box(35.0, 48.0, 35.005, 48.005)  # about 0.2 km²
    with (
        pytest.warns(UserWarning, match="1 occupied pocket\\(s\\) smaller than 1.0 km² ignored"),
        pytest.raises(AgreementError, match="no occupied part of at least 1.0 km²"),
    ):
        build_agreement(tiny)


def test_invalid_polygon_is_repaired_with_a_warning() -> None:
    bow_tie = shapely.Polygon([(38.0, 47.6), (41.0, 49.0), (41.0, 47.6), (38.0, 49.0)])
    with pytest.warns(UserWarning) as caught:
        agreement = build_agreement(bow_tie)
    messages = [str(w.message) for w in caught]
    assert any("1 invalid polygon(s) repaired (first: Self-intersection" in m for m in messages)
    assert any("lies mostly outside the national boundary and is ignored" in m for m in messages)
    assert agreement.line_length_km > 50


def test_start_time_rules() -> None:
    assert parse_start("2025-08-11T02:00:00+02:00") == parse_start("2025-08-11T00:00:00Z")
    assert parse_start(None) is None
    with pytest.raises(AgreementError, match="has no time zone"):
        parse_start("2025-08-11T00:00:00")
    with pytest.raises(AgreementError, match="has no time zone"):
        parse_start(datetime(2025, 8, 11))
    with pytest.raises(AgreementError, match="'11/08/2025' is not ISO-8601"):
        parse_start("11/08/2025")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (lambda: ZoneParams(buffer_km=0), "ZoneParams.buffer_km must be > 0 km, got 0"),
        (lambda: ZoneParams(artillery_km=10), r"must grow from the buffer outwards"),
        (lambda: ZoneParams(sector_length_km=-1), "ZoneParams.sector_length_km must be > 0"),
        (lambda: LineParams(sliver_km=0), "LineParams.sliver_km must be > 0 km, got 0"),
        (lambda: LineParams(min_inside_fraction=2), "min_inside_fraction must be in"),
    ],
)
def test_bad_parameters(params, message: str) -> None:
    with pytest.raises(AgreementError, match=message):
        params()


def test_load_refuses_what_is_not_an_agreement(tmp_path: Path) -> None:
    with pytest.raises(AgreementError, match="nothing.gpkg: no such agreement file"):
        load_agreement(tmp_path / "nothing.gpkg")
    text = tmp_path / "text.gpkg"
    text.write_text("hello")
    with pytest.raises(AgreementError, match="text.gpkg: not a GeoPackage"):
        load_agreement(text)
    other = _write([EAST], tmp_path / "other.gpkg")
    with pytest.raises(AgreementError, match="other.gpkg: not a truceline agreement"):
        load_agreement(other)


def test_load_refuses_a_future_format(tmp_path: Path) -> None:
    agreement = build_agreement(EAST)
    path = agreement.save(tmp_path / "a.gpkg")
    copy = shutil.copy(path, tmp_path / "b.gpkg")
    with sqlite3.connect(copy) as db:
        db.execute("update metadata set format = 'truceline-agreement/99'")
    with pytest.raises(AgreementError, match="b.gpkg: metadata format is 'truceline-agreement/99'"):
        load_agreement(copy)
