"""Areas of interest for clipping detections: a bbox or a (multi)polygon in EPSG:4326.

Loose inputs at the edge (``"W,S,E,N"`` text, a 4-sequence, a vector file)
become one strict :data:`AOI` here. Points on the boundary are inside. A bbox
whose west edge is east of its east edge crosses the antimeridian.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TypeAlias

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from truceline.errors import InputError, VectorFileError

__all__ = ["AOI", "BBox", "aoi_bounds", "aoi_key", "aoi_mask", "parse_bbox", "read_clip", "to_aoi"]

BBox: TypeAlias = tuple[float, float, float, float]
#: An area of interest: a bbox (W,S,E,N) or a shapely (multi)polygon, EPSG:4326.
AOI: TypeAlias = BBox | Polygon | MultiPolygon


def parse_bbox(text: str) -> BBox:
    """``"W,S,E,N"`` in degrees -> a checked bbox."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise InputError(f"bbox {text!r}: expected four numbers W,S,E,N, got {len(parts)}")
    try:
        values = [float(p) for p in parts]
    except ValueError as error:
        raise InputError(f"bbox {text!r}: expected four numbers W,S,E,N ({error})") from error
    west, south, east, north = to_aoi(values)
    return (west, south, east, north)


def to_aoi(value: AOI | Sequence[float] | str) -> AOI:
    """Check and normalise an AOI: a bbox (W,S,E,N) or a shapely (multi)polygon."""
    if isinstance(value, str):
        return parse_bbox(value)
    if isinstance(value, Polygon | MultiPolygon):
        polygonal = _polygonal(value)
        if polygonal is None:
            raise InputError("area of interest: the polygon is empty or degenerate")
        return polygonal
    values = tuple(float(v) for v in value)
    if len(values) != 4:
        raise InputError(f"bbox {list(values)}: expected four numbers W,S,E,N")
    west, south, east, north = values
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise InputError(f"bbox {list(values)}: longitudes must lie in -180..180")
    if not (-90 <= south < north <= 90):
        raise InputError(f"bbox {list(values)}: need -90 <= south < north <= 90")
    return (west, south, east, north)


def _polygonal(geometry: object) -> Polygon | MultiPolygon | None:
    """The valid polygonal part of a geometry, or None when nothing is left."""
    valid = shapely.make_valid(geometry)
    parts = [g for g in getattr(valid, "geoms", [valid]) if isinstance(g, Polygon | MultiPolygon)]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    if merged.is_empty or not isinstance(merged, Polygon | MultiPolygon):
        return None
    return merged


def aoi_bounds(aoi: AOI) -> BBox:
    """The AOI's bounding box (W,S,E,N)."""
    if isinstance(aoi, tuple):
        return aoi
    west, south, east, north = aoi.bounds
    return (float(west), float(south), float(east), float(north))


def aoi_key(aoi: AOI | None) -> str:
    """A short, stable text key of the AOI (part of an ingest's identity)."""
    if aoi is None:
        return "none"
    if isinstance(aoi, tuple):
        return "bbox:" + ",".join(f"{v:.6f}" for v in aoi)
    wkb = shapely.to_wkb(shapely.normalize(aoi))
    return "polygon:" + hashlib.sha256(wkb).hexdigest()[:16]


def aoi_mask(aoi: AOI, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True for points inside the AOI (boundary included)."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if isinstance(aoi, tuple):
        west, south, east, north = aoi
        in_lat = (lat >= south) & (lat <= north)
        if west <= east:
            return in_lat & (lon >= west) & (lon <= east)
        return in_lat & ((lon >= west) | (lon <= east))
    shapely.prepare(aoi)
    return np.asarray(shapely.intersects_xy(aoi, lon, lat), dtype=bool)


def read_clip(path: str | Path) -> Polygon | MultiPolygon:
    """The union of the polygons in a vector file GDAL reads, in EPSG:4326.

    Read by :func:`truceline.vector.read_polygons` (gzip and zip through GDAL's
    virtual file systems, any CRS, invalid polygons repaired).
    """
    from truceline.vector import read_polygons

    merged, _ = read_polygons(Path(path), "clip")
    if merged.is_empty:
        raise VectorFileError(f"{path}: the polygons are empty or degenerate")
    return merged
