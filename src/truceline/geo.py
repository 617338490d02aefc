"""Projections for Ukraine: distances in km, areas in km², never degrees.

Two projected CRSs cover every metric truceline computes:

* :data:`LOCAL_CRS`, an equidistant conic (standard parallels 45.5° N and
  51.3° N, centre 48.4° N 31.2° E). Distances and buffers are computed in it.
  Against WGS84 geodesics its error is below 0.15 % for any distance up to
  150 km anywhere in Ukraine (0.5 % at 1,000 km); ``tests/test_geo.py``
  checks this with :class:`pyproj.Geod`.
* :data:`AREA_CRS`, an Albers equal-area conic on the same parallels. Areas
  are computed in it.

Arrays go through :func:`project` / :func:`unproject`; shapely geometries
through :func:`to_local`, :func:`to_wgs84` and :func:`reproject`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Geod, Transformer

__all__ = [
    "AREA_CRS",
    "GEOD",
    "LOCAL_CRS",
    "WGS84",
    "area_km2",
    "geodesic_length_km",
    "length_km",
    "project",
    "reproject",
    "to_local",
    "to_wgs84",
    "unproject",
]

#: Geographic coordinates (lon, lat order throughout truceline).
WGS84 = CRS.from_epsg(4326)

#: Equidistant conic for Ukraine: all distances and buffers (metres).
LOCAL_CRS = CRS.from_proj4(
    "+proj=eqdc +lat_0=48.4 +lon_0=31.2 +lat_1=45.5 +lat_2=51.3 "
    "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs"
)

#: Albers equal-area conic for Ukraine: all areas (square metres).
AREA_CRS = CRS.from_proj4(
    "+proj=aea +lat_0=48.4 +lon_0=31.2 +lat_1=45.5 +lat_2=51.3 "
    "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs"
)

#: The WGS84 ellipsoid, for geodesic checks and reported geodesic lengths.
GEOD = Geod(ellps="WGS84")

G = TypeVar("G", bound=shapely.Geometry)


@lru_cache(maxsize=16)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(CRS(source), CRS(target), always_xy=True)


_KEYS: dict[int, tuple[CRS, str]] = {}


def _key(crs: CRS) -> str:
    """WKT of ``crs``, computed once per CRS object (``to_wkt`` is slow on hot paths)."""
    known = _KEYS.get(id(crs))
    if known is None or known[0] is not crs:
        known = _KEYS[id(crs)] = (crs, crs.to_wkt())
    return known[1]


def project(
    lon: ArrayLike, lat: ArrayLike, crs: CRS = LOCAL_CRS
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Project WGS84 ``lon``/``lat`` arrays to ``crs`` (default :data:`LOCAL_CRS`), metres."""
    x, y = _transformer(_key(WGS84), _key(crs)).transform(
        np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    )
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def unproject(
    x: ArrayLike, y: ArrayLike, crs: CRS = LOCAL_CRS
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Inverse of :func:`project`: metres in ``crs`` back to WGS84 lon/lat."""
    lon, lat = _transformer(_key(crs), _key(WGS84)).transform(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    )
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def reproject(geom: G, source: CRS, target: CRS) -> G:
    """Reproject a shapely geometry (or array of them) from ``source`` to ``target``."""
    transformer = _transformer(_key(source), _key(target))

    def _apply(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _apply)


def to_local(geom: G) -> G:
    """WGS84 geometry to :data:`LOCAL_CRS` (metres)."""
    return reproject(geom, WGS84, LOCAL_CRS)


def to_wgs84(geom: G) -> G:
    """:data:`LOCAL_CRS` geometry back to WGS84."""
    return reproject(geom, LOCAL_CRS, WGS84)


def area_km2(geom: shapely.Geometry) -> float:
    """Area of a WGS84 geometry in km², computed in :data:`AREA_CRS`."""
    return float(shapely.area(reproject(geom, WGS84, AREA_CRS))) / 1e6


def length_km(geom: shapely.Geometry) -> float:
    """Length of a WGS84 geometry in km, computed in :data:`LOCAL_CRS`."""
    return float(shapely.length(to_local(geom))) / 1e3


def geodesic_length_km(geom: shapely.Geometry) -> float:
    """Length of a WGS84 line on the ellipsoid in km (reference for :func:`length_km`)."""
    return float(GEOD.geometry_length(geom)) / 1e3
