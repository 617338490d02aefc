"""Exports round-trip: incidents and scored detections in every format, read back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from test_incidents import LineAtLon, scored
from truceline.errors import InputError
from truceline.export import (
    FORMATS,
    format_for,
    read_incidents,
    read_table,
    write_detections,
    write_incidents,
)
from truceline.incidents import INCIDENT_COLUMNS, build_incidents

KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def detections() -> pd.DataFrame:
    pts = [(36.1, 48.1, 10.0), (36.101, 48.1, 10.1), (36.12, 48.1, 30.0), (36.3, 48.2, 40.0)]
    frame = scored(pts)
    frame.loc[3, "war_related"] = False
    return frame


@pytest.fixture(scope="module")
def incidents(detections: pd.DataFrame) -> gpd.GeoDataFrame:
    return build_incidents(detections, LineAtLon())


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "parquet"])
def test_incidents_round_trip(incidents, fmt: str, tmp_path: Path) -> None:
    path = write_incidents(incidents, tmp_path / f"incidents.{fmt}")
    back = read_incidents(path)
    assert tuple(back.columns) == INCIDENT_COLUMNS
    assert back["incident_id"].tolist() == incidents["incident_id"].tolist()
    for col in ("detection_ids", "source_sha256s", "passes", "satellites"):
        assert back[col].tolist() == incidents[col].tolist()
    assert (back["t_start"] == incidents["t_start"]).all()
    assert back["is_violation"].astype(bool).tolist() == incidents["is_violation"].tolist()
    assert back["likelihood"].tolist() == incidents["likelihood"].tolist()
    pd.testing.assert_series_equal(
        back["probability"].astype(float), incidents["probability"], check_names=False
    )
    assert back.geometry.geom_equals_exact(incidents.geometry, 1e-6).all()


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_gdal_reads_incident_files_directly(incidents, fmt: str, tmp_path: Path) -> None:
    path = write_incidents(incidents, tmp_path / f"incidents.{fmt}")
    info = pyogrio.read_info(path)
    assert info["features"] == len(incidents)
    assert set(INCIDENT_COLUMNS) - {"geometry"} <= set(info["fields"])


def test_incident_csv_has_wkt_and_joined_lists(incidents, tmp_path: Path) -> None:
    path = write_incidents(incidents, tmp_path / "incidents.csv")
    raw = pd.read_csv(path)
    assert list(raw.columns) == list(INCIDENT_COLUMNS)
    assert raw["geometry"].str.startswith("POLYGON").all()
    assert raw["detection_ids"].iloc[0] == ";".join(incidents["detection_ids"].iloc[0])


def test_incident_kml_has_one_styled_placemark_per_incident(incidents, tmp_path: Path) -> None:
    root = ET.parse(write_incidents(incidents, tmp_path / "incidents.kml")).getroot()
    placemarks = root.findall(f".//{KML}Placemark")
    assert len(placemarks) == len(incidents)
    assert all(p.find(f"{KML}Polygon") is not None for p in placemarks)
    assert len(root.findall(f".//{KML}Style")) >= 1


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "parquet"])
def test_detections_round_trip(detections, fmt: str, tmp_path: Path) -> None:
    back = read_table(write_detections(detections, tmp_path / f"det.{fmt}"))
    assert len(back) == len(detections)
    assert back["id"].tolist() == detections["id"].tolist()
    assert back["war_probability"].tolist() == detections["war_probability"].tolist()
    assert back.geometry.x.round(6).tolist() == detections["lon"].round(6).tolist()


def test_detection_kml_has_one_point_per_detection(detections, tmp_path: Path) -> None:
    root = ET.parse(write_detections(detections, tmp_path / "det.kml")).getroot()
    assert len(root.findall(f".//{KML}Placemark/{KML}Point")) == len(detections)


def test_formats_from_suffix_or_name() -> None:
    assert format_for("x.geojson") == "geojson" and format_for("x.GPKG") == "gpkg"
    assert format_for("x.anything", "GeoParquet") == "parquet"
    assert set(FORMATS) == {"geojson", "csv", "kml", "gpkg", "parquet"}
    with pytest.raises(InputError, match="x.shp"):
        format_for("x.shp")
    with pytest.raises(InputError, match="'xls'"):
        format_for("x.csv", "xls")


def test_not_an_incident_table_is_named(detections, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="incident_id"):
        write_incidents(gpd.GeoDataFrame(detections), tmp_path / "x.geojson")
    path = write_detections(detections, tmp_path / "det.geojson")
    with pytest.raises(InputError, match="det.geojson"):
        read_incidents(path)
