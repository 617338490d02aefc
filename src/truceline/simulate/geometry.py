"""The simulated region and the line of contact, in km through truceline.geo.

:class:`Area` is the region (a bounding box, optionally cut to a polygon).
:class:`Frontline` is the line of contact in :data:`truceline.geo.LOCAL_CRS`
metres, with what events need: a random point by length, the point and its
normal at a distance along a part, the nearest point to a place, and the
distance of points to the line.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString

from truceline import geo
from truceline.errors import ScenarioError, VectorFileError
from truceline.simulate.scenario import LineSpec, Region, resolve_path

__all__ = ["Area", "Frontline", "load_area", "load_frontline", "to_lonlat", "to_xy"]

F64 = NDArray[np.float64]


@lru_cache(maxsize=2)
def _transformer(forward: bool) -> Transformer:
    source, target = (geo.WGS84, geo.LOCAL_CRS) if forward else (geo.LOCAL_CRS, geo.WGS84)
    return Transformer.from_crs(source, target, always_xy=True)


def to_xy(lon: ArrayLike, lat: ArrayLike) -> tuple[F64, F64]:
    """WGS84 to :data:`truceline.geo.LOCAL_CRS` metres (one cached transformer: events call
    this thousands of times)."""
    x, y = _transformer(True).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


def to_lonlat(x: ArrayLike, y: ArrayLike) -> tuple[F64, F64]:
    """:data:`truceline.geo.LOCAL_CRS` metres back to WGS84 lon/lat."""
    lon, lat = _transformer(False).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


def _read_union(path: Path, field: str) -> shapely.Geometry:
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several unrelated classes for unreadable files
        raise VectorFileError(f"{path}: {field}: GDAL cannot read this file ({error})") from error
    if frame.crs is not None and not frame.crs.equals(geo.WGS84):
        frame = frame.to_crs(geo.WGS84)
    geoms = [g for g in frame.geometry if g is not None and not g.is_empty]
    if not geoms:
        raise VectorFileError(f"{path}: {field}: the file holds no geometry")
    return shapely.union_all(shapely.make_valid(np.asarray(geoms, dtype=object)))


@dataclass(frozen=True)
class Area:
    """The simulated region: a bbox and, optionally, a polygon inside it (WGS84)."""

    bbox: tuple[float, float, float, float]
    polygon: shapely.Geometry | None = None

    def contains(self, lon: F64, lat: F64) -> NDArray[np.bool_]:
        """Whether each point lies in the region."""
        west, south, east, north = self.bbox
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        if self.polygon is not None and inside.any():
            inside[inside] = shapely.contains_xy(self.polygon, lon[inside], lat[inside])
        return np.asarray(inside)


def load_area(region: Region, base_dir: Path) -> Area:
    """Build the :class:`Area` of a scenario's ``region``."""
    polygon = None
    if region.polygon:
        polygon = _read_union(resolve_path(region.polygon, base_dir), "region.polygon")
        shapely.prepare(polygon)
    if region.bbox is not None:
        bbox = region.bbox
    else:
        assert polygon is not None
        west, south, east, north = (float(v) for v in polygon.bounds)
        bbox = (west, south, east, north)
    return Area(bbox=bbox, polygon=polygon)


def _as_lines(geom: shapely.Geometry, source: str) -> MultiLineString:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        warnings.warn(
            f"{source}: polygons given for the line of contact; their whole boundary is used "
            "(borders and coasts included). Build an agreement to derive the real line.",
            stacklevel=3,
        )
        geom = geom.boundary
    parts = [g for g in shapely.get_parts(shapely.line_merge(geom)) if g.geom_type == "LineString"]
    if not parts:
        raise ScenarioError(f"{source}: no line geometry for the line of contact")
    return MultiLineString(parts)


@dataclass(frozen=True)
class Frontline:
    """The line of contact: WGS84 and projected parts, with length-based sampling."""

    line: MultiLineString  # WGS84
    parts: tuple[LineString, ...]  # LOCAL_CRS metres
    lengths: F64  # metres per part
    whole: MultiLineString  # LOCAL_CRS metres, all parts
    vertices: tuple[F64, ...]  # per part, (n, 2) coordinates
    along: tuple[F64, ...]  # per part, distance of each vertex from the start

    @classmethod
    def from_wgs84(cls, line: MultiLineString) -> Frontline:
        """Project ``line`` once for all later work in metres."""
        local = geo.to_local(line)
        parts = tuple(g for g in shapely.get_parts(local) if g.length > 0)
        vertices = tuple(shapely.get_coordinates(g) for g in parts)
        along = tuple(
            np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(v, axis=0).T)))) for v in vertices
        )
        lengths = np.array([a[-1] for a in along], dtype=float)
        return cls(line, parts, lengths, MultiLineString(list(parts)), vertices, along)

    @property
    def length_km(self) -> float:
        """Total length in km."""
        return float(self.lengths.sum()) / 1e3

    def random_point(self, rng: np.random.Generator) -> tuple[int, float]:
        """A part and a distance along it (metres), uniform over the whole length."""
        part = int(rng.choice(len(self.parts), p=self.lengths / self.lengths.sum()))
        return part, float(rng.uniform(0.0, self.lengths[part]))

    def nearest(self, lon: float, lat: float) -> tuple[int, float]:
        """The part and distance along it of the line point nearest to ``lon``/``lat``."""
        x, y = to_xy([lon], [lat])
        point = shapely.Point(float(x[0]), float(y[0]))
        part = int(np.argmin([g.distance(point) for g in self.parts]))
        return part, float(self.parts[part].project(point))

    def frame(self, part: int, along_m: F64) -> tuple[F64, F64, F64, F64]:
        """Points (x, y metres) at ``along_m`` on ``part`` and their unit normals (nx, ny)."""
        xy, cum = self.vertices[part], self.along[part]
        s = np.clip(np.asarray(along_m, float), 0.0, cum[-1])
        seg = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(cum) - 2)
        start, end = xy[seg], xy[seg + 1]
        span = cum[seg + 1] - cum[seg]
        frac = np.where(span > 0, (s - cum[seg]) / np.where(span > 0, span, 1.0), 0.0)
        here = start + frac[:, None] * (end - start)
        tangent = end - start
        norm = np.linalg.norm(tangent, axis=1)
        norm[norm == 0] = 1.0
        return here[:, 0], here[:, 1], -tangent[:, 1] / norm, tangent[:, 0] / norm

    def distance_km(self, lon: F64, lat: F64) -> F64:
        """Distance of each point to the line, km (unsigned)."""
        if len(lon) == 0:
            return np.zeros(0)
        x, y = to_xy(lon, lat)
        return np.asarray(shapely.distance(self.whole, shapely.points(x, y))) / 1e3


def load_frontline(spec: LineSpec, base_dir: Path) -> Frontline:
    """The line of contact of a scenario: inline coordinates, a vector file or an agreement."""
    if spec.coordinates is not None:
        coords = spec.coordinates
        lines = [coords] if coords and isinstance(coords[0][0], int | float) else coords
        try:
            geom = MultiLineString([LineString(line) for line in lines])
        except (ValueError, TypeError, shapely.errors.GEOSException) as error:
            raise ScenarioError(f"field 'line.coordinates': not a line ({error})") from error
        return Frontline.from_wgs84(geom)
    if spec.file is not None:
        path = resolve_path(spec.file, base_dir)
        return Frontline.from_wgs84(_as_lines(_read_union(path, "line.file"), str(path)))
    from truceline.agreement import load_agreement  # the agreement package is optional here

    assert spec.agreement is not None
    agreement = load_agreement(resolve_path(spec.agreement, base_dir))
    return Frontline.from_wgs84(_as_lines(agreement.line, spec.agreement))
