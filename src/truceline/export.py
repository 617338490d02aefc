"""Write incidents and scored detections as GeoJSON, CSV, KML, GeoPackage or GeoParquet.

Incident files carry exactly :data:`truceline.incidents.INCIDENT_COLUMNS`. List
columns (``satellites``, ``passes``, ``detection_ids``, ``source_sha256s``) stay
lists in GeoJSON (JSON arrays) and GeoParquet (Arrow lists) and are joined with
``;`` in CSV and GeoPackage, which have no list type; :func:`read_incidents`
turns them back into lists. CSV carries the geometry as WKT in a ``geometry``
column. KML (Google Earth) draws one placemark per incident, coloured by its
likelihood word, or one point per detection, coloured by war probability.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import simplekml

from truceline.errors import InputError
from truceline.incidents import INCIDENT_COLUMNS
from truceline.likelihood import ICD203_WORDS, NOT_APPLICABLE, icd203_words

__all__ = [
    "FORMATS",
    "LIST_COLUMNS",
    "LIST_SEPARATOR",
    "detections_frame",
    "format_for",
    "read_incidents",
    "read_table",
    "write_detections",
    "write_incidents",
]

#: Output formats and the file suffixes that select them.
FORMATS: dict[str, tuple[str, ...]] = {
    "geojson": (".geojson", ".json"),
    "csv": (".csv",),
    "kml": (".kml",),
    "gpkg": (".gpkg",),
    "parquet": (".parquet", ".geoparquet"),
}
#: Incident columns holding lists of strings.
LIST_COLUMNS = ("satellites", "passes", "detection_ids", "source_sha256s")
#: How lists are joined where a format has no list type (CSV, GeoPackage).
LIST_SEPARATOR = ";"

#: KML colours (red, green, blue) per likelihood word: greys for the unlikely
#: end, yellow to dark red for the likely end, blue for pre-ceasefire activity.
_WORD_RGB: dict[str, tuple[int, int, int]] = dict(
    zip(
        ICD203_WORDS,
        [(150, 150, 150), (190, 190, 190), (255, 235, 130), (255, 190, 60),
         (255, 120, 0), (220, 30, 30), (130, 0, 0)],
        strict=True,
    )
) | {NOT_APPLICABLE: (60, 120, 230)}  # fmt: skip


def format_for(path: str | PathLike[str], fmt: str | None = None) -> str:
    """The export format named by ``fmt`` or, without it, by the suffix of ``path``."""
    if fmt is not None:
        key = fmt.lower().lstrip(".")
        key = {"geoparquet": "parquet", "json": "geojson", "geopackage": "gpkg"}.get(key, key)
        if key not in FORMATS:
            raise InputError(f"unknown export format {fmt!r}; use one of {sorted(FORMATS)}")
        return key
    name = Path(path).name.lower()
    for key, suffixes in FORMATS.items():
        if name.endswith(suffixes):
            return key
    raise InputError(
        f"{path}: cannot tell the format from the suffix; use one of {sorted(FORMATS)}"
    )


def _joined(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(
                lambda v: (
                    LIST_SEPARATOR.join(map(str, v))
                    if isinstance(v, list | tuple | np.ndarray)
                    else v
                )
            )
    return out


def _write_csv(frame: gpd.GeoDataFrame, path: Path, lists: tuple[str, ...]) -> None:
    out = pd.DataFrame(_joined(frame, lists).drop(columns="geometry"))
    out["geometry"] = shapely.to_wkt(frame.geometry.to_numpy(), rounding_precision=6)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out.to_csv(path, index=False)


def _kml_color(rgb: tuple[int, int, int], alpha: int) -> str:
    return str(simplekml.Color.rgb(rgb[0], rgb[1], rgb[2], alpha))


def _description(row: pd.Series, skip: set[str]) -> str:
    lines = []
    for col, value in row.items():
        if col in skip:
            continue
        if isinstance(value, list | tuple | np.ndarray):
            value = ", ".join(map(str, value))
        lines.append(f"{col}: {value}")
    return "\n".join(lines)


def _kml_polygon(kml: simplekml.Kml, geom: Any, name: str) -> Any:
    """A KML polygon (or point for degenerate footprints) for one shapely geometry."""
    if geom.geom_type == "Polygon":
        return kml.newpolygon(name=name, outerboundaryis=list(geom.exterior.coords))
    if geom.geom_type == "MultiPolygon":
        multi = kml.newmultigeometry(name=name)
        for part in geom.geoms:
            multi.newpolygon(outerboundaryis=list(part.exterior.coords))
        return multi
    point = geom.representative_point()
    return kml.newpoint(name=name, coords=[(point.x, point.y)])


def _write_incidents_kml(frame: gpd.GeoDataFrame, path: Path) -> None:
    kml = simplekml.Kml(name="truceline incidents")
    for _, row in frame.iterrows():
        word = str(row.get("likelihood", NOT_APPLICABLE))
        rgb = _WORD_RGB.get(word, _WORD_RGB[NOT_APPLICABLE])
        placemark = _kml_polygon(kml, row.geometry, f"{row['incident_id']} ({word})")
        placemark.description = _description(row, {"geometry"})
        placemark.style.polystyle.color = _kml_color(rgb, 170)
        placemark.style.linestyle.color = _kml_color(rgb, 255)
        placemark.style.linestyle.width = 2
        placemark.style.iconstyle.color = _kml_color(rgb, 255)
        if pd.notna(row.get("t_start")) and pd.notna(row.get("t_end")):
            placemark.timespan.begin = pd.Timestamp(row["t_start"]).strftime("%Y-%m-%dT%H:%M:%SZ")
            placemark.timespan.end = pd.Timestamp(row["t_end"]).strftime("%Y-%m-%dT%H:%M:%SZ")
    kml.save(str(path))


def _write_detections_kml(frame: gpd.GeoDataFrame, path: Path) -> None:
    kml = simplekml.Kml(name="truceline detections")
    probability = (
        pd.to_numeric(frame["war_probability"], errors="coerce")
        if "war_probability" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    words = icd203_words(probability.clip(0.0, 1.0).to_numpy(dtype=float))
    for (_, row), word in zip(frame.iterrows(), words, strict=True):
        point = kml.newpoint(name=str(row.get("id", "")), coords=[(row.geometry.x, row.geometry.y)])
        point.description = _description(row, {"geometry"})
        rgb = (
            _WORD_RGB.get(str(word), (255, 255, 255)) if word != NOT_APPLICABLE else (255, 255, 255)
        )
        point.style.iconstyle.color = _kml_color(rgb, 255)
        point.style.iconstyle.scale = 0.6
        point.style.iconstyle.icon.href = (
            "http://maps.google.com/mapfiles/kml/shapes/shaded_dot.png"
        )
    kml.save(str(path))


def _write(
    frame: gpd.GeoDataFrame,
    path: Path,
    fmt: str,
    kml_writer: Callable[[gpd.GeoDataFrame, Path], None],
    lists: tuple[str, ...],
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _write_csv(frame, path, lists)
    elif fmt == "kml":
        kml_writer(frame, path)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "gpkg":
        path.unlink(missing_ok=True)
        flat = gpd.GeoDataFrame(_joined(frame, lists), geometry="geometry", crs=frame.crs)
        flat.to_file(path, driver="GPKG", layer=path.stem)
    else:
        path.unlink(missing_ok=True)
        frame.to_file(path, driver="GeoJSON")
    return path


def write_incidents(
    incidents: gpd.GeoDataFrame, path: str | PathLike[str], fmt: str | None = None
) -> Path:
    """Write an incident table (the output of :func:`truceline.incidents.build_incidents`)."""
    missing = [c for c in INCIDENT_COLUMNS if c not in incidents.columns]
    if missing:
        raise InputError(f"not an incident table: missing column(s) {missing}")
    frame = gpd.GeoDataFrame(
        incidents[list(INCIDENT_COLUMNS)], geometry="geometry", crs="EPSG:4326"
    )
    for col in LIST_COLUMNS:
        frame[col] = frame[col].map(lambda v: [str(x) for x in v] if _is_list(v) else [])
    out = Path(path)
    return _write(frame, out, format_for(out, fmt), _write_incidents_kml, LIST_COLUMNS)


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _lat_lon_columns(frame: pd.DataFrame) -> tuple[str, str]:
    lower = {c.lower(): c for c in frame.columns}
    for lat, lon in (("lat", "lon"), ("latitude", "longitude")):
        if lat in lower and lon in lower:
            return lower[lat], lower[lon]
    raise InputError(
        f"detections need lat/lon (or latitude/longitude) columns; found {list(frame.columns)}"
    )


def detections_frame(detections: pd.DataFrame) -> gpd.GeoDataFrame:
    """Scored detections as points (EPSG:4326), keeping every column; a WKB column is dropped."""
    if isinstance(detections, gpd.GeoDataFrame) and detections.geometry.name in detections:
        return detections.to_crs("EPSG:4326")
    frame = detections.drop(columns=[c for c in ("geometry",) if c in detections.columns])
    lat, lon = _lat_lon_columns(frame)
    points = gpd.points_from_xy(
        pd.to_numeric(frame[lon], errors="coerce"), pd.to_numeric(frame[lat], errors="coerce")
    )
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def write_detections(
    detections: pd.DataFrame, path: str | PathLike[str], fmt: str | None = None
) -> Path:
    """Write scored detections as points, every column kept (dates as ISO text in CSV/KML)."""
    frame = detections_frame(detections)
    out = Path(path)
    return _write(frame, out, format_for(out, fmt), _write_detections_kml, ())


def read_table(path: str | PathLike[str]) -> pd.DataFrame:
    """Read any exported file (or a scored CSV) into a (Geo)DataFrame."""
    src = Path(path)
    if not src.exists():
        raise InputError(f"{src}: file not found")
    fmt = format_for(src)
    try:
        if fmt == "csv":
            frame = pd.read_csv(src)
            if "geometry" in frame.columns:
                geometry = gpd.GeoSeries.from_wkt(frame.pop("geometry"), crs="EPSG:4326")
                return gpd.GeoDataFrame(frame, geometry=geometry)
            return frame
        if fmt == "parquet":
            return gpd.read_parquet(src)
        if fmt == "kml":
            raise InputError(
                f"{src}: KML is an output format only; read GeoJSON, CSV, GPKG or Parquet"
            )
        return gpd.read_file(src)
    except (ValueError, OSError) as error:
        raise InputError(f"{src}: cannot read as {fmt} ({error})") from error


def read_incidents(path: str | PathLike[str]) -> gpd.GeoDataFrame:
    """Read an incident file written by :func:`write_incidents`, lists and times restored."""
    frame = read_table(path)
    missing = [c for c in INCIDENT_COLUMNS if c not in frame.columns]
    if missing or not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(f"{path}: not an incident file (missing {missing or ['geometry']})")
    for col in LIST_COLUMNS:
        frame[col] = frame[col].map(_as_list)
    for col in ("t_start", "t_end"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame[list(INCIDENT_COLUMNS)]


def _as_list(value: object) -> list[str]:
    if _is_list(value):
        return [str(v) for v in value]  # type: ignore[attr-defined]
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return []
    return str(value).split(LIST_SEPARATOR)
