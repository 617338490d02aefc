"""Place points relative to an agreement: side, signed distance, zone, sector.

Vectorised with shapely 2: points are projected to LOCAL_CRS once; the side
comes from prepared point-in-polygon tests on the two territories, the
distance from an STRtree of the line's segments (nearest segment), and the
sector from an STRtree of the points that define the sector partition
(:mod:`truceline.agreement.sectors`), so the answer agrees with the stored
sector polygons. Zone membership is decided by the distance itself
(``|distance| <= width`` on either side, inside Ukraine), which makes the
buffer zone exactly the set of points within ``buffer_km`` of the line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import MultiLineString, MultiPolygon

from truceline.agreement.params import ZONES, ZoneParams
from truceline.agreement.sectors import sector_samples
from truceline.errors import InputError
from truceline.geo import project

__all__ = ["OCCUPIED", "GOVERNMENT", "OUTSIDE", "Locator", "zone_column"]

OCCUPIED, GOVERNMENT, OUTSIDE = "occupied", "government", "outside"


def zone_column(zone: str) -> str:
    """Name of the boolean column saying whether a point is in ``zone``."""
    return f"in_{zone}"


def _segments(line: MultiLineString) -> NDArray[np.object_]:
    """Every 2-point segment of ``line`` as its own LineString."""
    pieces = []
    for part in line.geoms:
        xy = np.asarray(part.coords)[:, :2]
        pieces.append(np.stack([xy[:-1], xy[1:]], axis=1))
    return shapely.linestrings(np.concatenate(pieces))


class Locator:
    """Answers :meth:`locate` for one agreement (geometries in LOCAL_CRS)."""

    def __init__(
        self,
        line: MultiLineString,
        occupied: MultiPolygon,
        government: MultiPolygon,
        sector_lines: list[MultiLineString],
        sector_ids: list[str],
        params: ZoneParams,
    ) -> None:
        self.params = params
        self.occupied = occupied
        self.government = government
        shapely.prepare(self.occupied)
        shapely.prepare(self.government)
        self._segment_tree = shapely.STRtree(_segments(line))
        xy, labels = sector_samples(sector_lines, params.sector_resolution_km)
        self._sample_tree = shapely.STRtree(shapely.points(xy))
        self._sample_labels = labels
        self._sector_ids = np.asarray(sector_ids, dtype=object)

    def sides(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.object_]:
        """'occupied', 'government' or 'outside' for LOCAL_CRS coordinates."""
        side = np.full(len(x), OUTSIDE, dtype=object)
        finite = np.isfinite(x) & np.isfinite(y)
        occupied = np.zeros(len(x), dtype=bool)
        occupied[finite] = shapely.intersects_xy(self.occupied, x[finite], y[finite])
        government = np.zeros(len(x), dtype=bool)
        rest = finite & ~occupied
        government[rest] = shapely.intersects_xy(self.government, x[rest], y[rest])
        side[occupied] = OCCUPIED
        side[government] = GOVERNMENT
        return side

    def _nearest(self, tree: shapely.STRtree, points: NDArray[np.object_]) -> tuple:
        hits, distance = tree.query_nearest(points, return_distance=True, all_matches=False)
        index = np.full(len(points), -1, dtype=np.int64)
        dist = np.full(len(points), np.nan)
        index[hits[0]] = hits[1]
        dist[hits[0]] = distance
        return index, dist

    def locate(self, lon: ArrayLike, lat: ArrayLike) -> pd.DataFrame:
        """One row per point, in input order: zone, side, sector, distance_km, in_<zone>."""
        lon_arr = np.atleast_1d(np.asarray(lon, dtype=float))
        lat_arr = np.atleast_1d(np.asarray(lat, dtype=float))
        if lon_arr.shape != lat_arr.shape or lon_arr.ndim != 1:
            raise InputError(
                f"lon and lat must be 1-d and equally long, got shapes {lon_arr.shape} "
                f"and {lat_arr.shape}"
            )
        x, y = project(lon_arr, lat_arr)
        side = self.sides(x, y)
        inside = side != OUTSIDE
        points = shapely.points(x[inside], y[inside])
        distance_km = np.full(len(x), np.nan)
        if inside.any():
            _, dist = self._nearest(self._segment_tree, points)
            sign = np.where(side[inside] == OCCUPIED, 1.0, -1.0)
            distance_km[inside] = sign * dist / 1000.0
        magnitude = np.abs(distance_km)
        columns: dict[str, NDArray[np.bool_]] = {}
        zone = np.full(len(x), OUTSIDE, dtype=object)
        for spec in reversed(ZONES):
            member = inside & (magnitude <= self.params.width_km(spec.name))
            zone[member] = spec.name
            columns[zone_column(spec.name)] = member
        sector = np.full(len(x), None, dtype=object)
        in_any = inside & (magnitude <= self.params.widest_km)
        if in_any.any():
            index, _ = self._nearest(self._sample_tree, shapely.points(x[in_any], y[in_any]))
            sector[in_any] = self._sector_ids[self._sample_labels[index]]
        frame = pd.DataFrame(
            {
                "zone": pd.Series(zone, dtype=object),
                "side": pd.Series(side, dtype=object),
                "sector": pd.Series(sector, dtype=object),
                "distance_km": distance_km,
            }
        )
        for spec in ZONES:
            frame[zone_column(spec.name)] = pd.Series(columns[zone_column(spec.name)], dtype=bool)
        return frame
