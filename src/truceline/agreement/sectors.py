"""Cut the line of contact into named sectors and give each its area.

Line pieces are ordered along the front (by where they fall on the longest
piece, which is oriented to start at its northern end), grouped into runs
(pieces within ``sector_gap_km`` of each other), and each run is cut into
equal sectors of about ``sector_length_km``. A place belongs to the sector
holding the nearest point of the line, sampled every
``sector_resolution_km``; the sector polygons are the Voronoi cells of those
samples, dissolved by sector and clipped to the widest zone, so every point
of the zones lies in exactly one sector. All geometry is in LOCAL_CRS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point
from shapely.ops import nearest_points, substring

from truceline.agreement.params import ZoneParams

__all__ = ["SectorCut", "cut_sectors", "sector_cells", "sector_samples"]


@dataclass(frozen=True)
class SectorCut:
    """One sector's share of the line (LOCAL_CRS) and its order along the front."""

    index: int
    line: MultiLineString


def _chain_key(main: LineString, geom: shapely.Geometry) -> float:
    """Position of ``geom`` along ``main``, extended beyond its ends by distance."""
    point = geom.interpolate(0.5, normalized=True) if isinstance(geom, LineString) else geom
    along = main.project(point)
    if along <= 0:
        return -float(main.distance(point))
    if along >= main.length:
        return float(main.length + main.distance(point))
    return float(along)


def _runs(parts: list[LineString], gap_m: float) -> list[list[int]]:
    """Group part indices into runs: connected components of 'within gap_m'."""
    tree = shapely.STRtree(parts)
    pairs = tree.query(parts, predicate="dwithin", distance=gap_m)
    parent = list(range(len(parts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs.T:
        parent[find(int(a))] = find(int(b))
    groups: dict[int, list[int]] = {}
    for i in range(len(parts)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _oriented_main(parts: list[LineString]) -> LineString:
    """The longest part, oriented to start at its northern end."""
    main = max(parts, key=lambda p: p.length)
    start, end = main.coords[0], main.coords[-1]
    return shapely.reverse(main) if end[1] > start[1] else main


def _ordered_run(parts: list[LineString]) -> list[LineString]:
    """A run's parts oriented and ordered along its longest part."""
    reference = _oriented_main(parts)
    oriented = []
    for part in parts:
        if _chain_key(reference, Point(part.coords[0])) > _chain_key(
            reference, Point(part.coords[-1])
        ):
            part = shapely.reverse(part)
        oriented.append(part)
    return sorted(oriented, key=lambda p: _chain_key(reference, p))


def _run_key(run: list[LineString], main: LineString, is_main: bool) -> tuple[int, float]:
    """Order runs along the front. A run off the main one is placed at a virtual
    chainage: where it is nearest to the main run, moved back (first half) or on
    (second half) by its distance; first-half runs come before the main run."""
    if is_main:
        return (1, 0.0)
    geom = shapely.union_all(run)
    along = main.project(nearest_points(geom, main)[1])
    distance = float(geom.distance(main))
    if along < main.length / 2:
        return (0, along - distance)
    return (2, along + distance)


def cut_sectors(line: MultiLineString, params: ZoneParams) -> list[SectorCut]:
    """Cut ``line`` into sectors of about ``params.sector_length_km`` (ordered along the front)."""
    parts = list(line.geoms)
    main = _oriented_main(parts)
    runs = [[parts[i] for i in run] for run in _runs(parts, params.sector_gap_km * 1000.0)]
    runs.sort(key=lambda run: _run_key(run, main, any(p.equals(main) for p in run)))
    target = params.sector_length_km * 1000.0
    cuts: list[SectorCut] = []
    for run in runs:
        ordered = _ordered_run(run)
        total = sum(p.length for p in ordered)
        count = max(1, int(round(total / target)))
        step = total / count
        pieces: list[list[LineString]] = [[] for _ in range(count)]
        offset = 0.0
        for part in ordered:
            first = min(int(offset // step), count - 1)
            last = min(int((offset + part.length) // step), count - 1)
            for k in range(first, last + 1):
                lo = max(0.0, k * step - offset)
                hi = part.length if k == count - 1 else min(part.length, (k + 1) * step - offset)
                if hi - lo > 0:
                    pieces[k].append(substring(part, lo, hi))
            offset += part.length
        for piece in pieces:
            cuts.append(SectorCut(index=len(cuts), line=MultiLineString(piece)))
    return cuts


def sector_samples(
    lines: list[MultiLineString], resolution_km: float
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Points every ``resolution_km`` along each sector's line, and their sector index."""
    coords, labels = [], []
    for index, line in enumerate(lines):
        xy = shapely.get_coordinates(shapely.segmentize(line, resolution_km * 1000.0))
        coords.append(xy)
        labels.append(np.full(len(xy), index, dtype=np.int64))
    xy_all = np.concatenate(coords)
    label_all = np.concatenate(labels)
    _, first = np.unique(xy_all, axis=0, return_index=True)
    first.sort()
    return xy_all[first], label_all[first]


def _dissolve(cells: NDArray[np.object_]) -> shapely.Geometry:
    """Union of Voronoi cells: the fast coverage union, or a full union if GEOS finds
    the cells not exactly noded (floating-point Voronoi output can be)."""
    try:
        return shapely.coverage_union_all(cells)
    except shapely.errors.GEOSException:
        return shapely.union_all(cells)


def sector_cells(
    lines: list[MultiLineString], extent: shapely.Geometry, resolution_km: float
) -> list[MultiPolygon]:
    """Each sector's area: the part of ``extent`` nearer to its line than to any other."""
    xy, labels = sector_samples(lines, resolution_km)
    envelope = shapely.buffer(shapely.envelope(extent), 10_000.0)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=envelope, ordered=True)
    )
    prepared = extent
    shapely.prepare(prepared)
    out: list[MultiPolygon] = []
    for index in range(len(lines)):
        merged = _dissolve(cells[labels == index])
        clipped = shapely.intersection(merged, prepared)
        polys = [p for p in shapely.get_parts(clipped) if p.geom_type == "Polygon"]
        out.append(MultiPolygon(polys))
    return out
