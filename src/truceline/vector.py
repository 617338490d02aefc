"""Read polygons from any vector file GDAL reads: agreement inputs and clip areas.

Plain files and folders (shapefiles) open directly; ``.gz`` goes through
GDAL's ``/vsigzip/`` and ``.zip`` through ``/vsizip/`` (a shapefile may sit
in a sub-folder of the zip). Every source is reprojected to WGS84, repaired
if invalid (with a warning), and fingerprinted by SHA-256 so the agreement
records exactly what it was made from.
"""

from __future__ import annotations

import hashlib
import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pyogrio
import pyogrio.errors
import shapely
from shapely.geometry import MultiPolygon

from truceline.errors import VectorFileError

__all__ = ["PolygonSource", "SourceRef", "read_polygons"]

#: A path GDAL can read, or a shapely (Multi)Polygon in WGS84.
PolygonSource: TypeAlias = str | os.PathLike[str] | shapely.Geometry

_DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb", ".kml", ".gml", ".tab")
_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.CRSError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
)


@dataclass(frozen=True)
class SourceRef:
    """Where an input came from: its role, file name and SHA-256 of its bytes."""

    role: str
    name: str
    sha256: str


def _sha256_path(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _gdal_path(path: Path) -> str:
    """The path GDAL should open for ``path`` (virtual file systems for .gz / .zip)."""
    name = path.name.lower()
    if name.endswith(".gz") and not name.endswith(".tar.gz"):
        return f"/vsigzip/{path.resolve()}"
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if m.lower().endswith(_DATASET_SUFFIXES)]
        except zipfile.BadZipFile as error:
            raise VectorFileError(f"{path}: not a readable zip archive ({error})") from error
        if not members:
            raise VectorFileError(
                f"{path}: the zip holds no vector dataset "
                f"(looked for {', '.join(_DATASET_SUFFIXES)})"
            )
        if len(members) > 1:
            warnings.warn(
                f"{path}: several datasets in the zip; reading {members[0]}", stacklevel=3
            )
        return f"/vsizip/{path.resolve()}/{members[0]}"
    return str(path)


def _read_file(path: Path) -> tuple[list[shapely.Geometry], str | None]:
    gdal_path = _gdal_path(path)
    try:
        layers = pyogrio.list_layers(gdal_path)
        polygon_layers = [str(name) for name, kind in layers if "Polygon" in str(kind)]
        spatial = [str(name) for name, kind in layers if kind is not None]
        if not spatial:
            raise VectorFileError(f"{path}: no layer with geometries (only plain tables)")
        layer = polygon_layers[0] if polygon_layers else spatial[0]
        if len(polygon_layers) > 1:
            warnings.warn(f"{path}: several layers; reading layer {layer!r}", stacklevel=3)
        frame = pyogrio.read_dataframe(gdal_path, layer=layer, columns=[])
    except _GDAL_ERRORS as error:
        raise VectorFileError(f"{path}: GDAL cannot read it as a vector file ({error})") from error
    if len(frame) == 0:
        raise VectorFileError(f"{path}: the layer holds no features")
    crs = frame.crs.to_string() if frame.crs is not None else None
    if crs is None:
        west, south, east, north = frame.total_bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise VectorFileError(
                f"{path}: no coordinate reference system and coordinates "
                f"({west:.0f}, {south:.0f}, {east:.0f}, {north:.0f}) are not longitude/latitude"
            )
        warnings.warn(f"{path}: no coordinate reference system; assuming EPSG:4326", stacklevel=3)
        crs = "EPSG:4326"
    elif not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    return list(frame.geometry.values), crs


def _polygonal(geometries: list[shapely.Geometry], label: str) -> MultiPolygon:
    """Union of the polygonal parts of ``geometries``, repaired if invalid (maybe empty)."""
    parts = shapely.get_parts(np.asarray([g for g in geometries if g is not None], dtype=object))
    kinds = shapely.get_type_id(parts) if len(parts) else np.asarray([])
    polygons = parts[np.isin(kinds, [3])] if len(parts) else parts
    if len(parts) and not len(polygons):
        raise VectorFileError(f"{label}: holds no polygons (only {sorted(set(kinds.tolist()))})")
    invalid = ~shapely.is_valid(polygons)
    if invalid.any():
        reasons = shapely.is_valid_reason(polygons[invalid])
        warnings.warn(
            f"{label}: {int(invalid.sum())} invalid polygon(s) repaired (first: {reasons[0]})",
            stacklevel=3,
        )
        repaired = shapely.get_parts(shapely.make_valid(polygons))
        polygons = repaired[shapely.get_type_id(repaired) == 3]
    merged = shapely.union_all(polygons) if len(polygons) else MultiPolygon()
    if merged.is_empty or merged.area == 0:
        return MultiPolygon()
    return MultiPolygon(list(shapely.get_parts(merged)))


def read_polygons(source: PolygonSource, role: str) -> tuple[MultiPolygon, SourceRef]:
    """Read ``source`` as one WGS84 MultiPolygon plus its :class:`SourceRef`.

    Raises :class:`VectorFileError` for a file GDAL cannot read or without
    polygons. A source whose polygons have no area gives an empty MultiPolygon:
    whether that is an error is the caller's rule.
    """
    if isinstance(source, shapely.Geometry):
        label = f"{role} geometry"
        geometry = _polygonal([source], label)
        sha = hashlib.sha256(shapely.to_wkb(shapely.normalize(source))).hexdigest()
        return geometry, SourceRef(role=role, name="<geometry>", sha256=sha)
    path = Path(os.fspath(source))
    if not path.exists():
        raise VectorFileError(f"{path}: no such file or folder ({role} polygon)")
    geometries, _ = _read_file(path)
    return _polygonal(geometries, str(path)), SourceRef(role, path.name, _sha256_path(path))
