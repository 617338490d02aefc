"""Derive the line of contact: where occupied territory meets government-held land.

Rule (docs/decisions/0010): the line is the part of the occupied area's
boundary shared with *government-controlled territory*, which is Ukraine's
national polygon minus the occupied area, cleaned of the artefacts a coarse
national outline leaves against a fine occupied polygon:

1. occupied parts and holes smaller than ``min_pocket_km2`` are ignored, and
   parts lying mostly outside the national polygon are dropped;
2. ``G = national - occupied``; its strips narrower than ``2 * sliver_km``
   (a morphological opening) that touch the national outline are sea or
   foreign land between the two outlines, not government-held land;
3. of the opened ``G``, the largest part (the mainland) and any part enclosed
   by the occupied area are kept, grown back by ``2 * sliver_km`` inside ``G``
   to restore corners the opening rounded, plus any narrow strip of ``G`` that
   does not touch the national outline (a government-held strip between
   occupied fingers).

The line is then exactly the interface between the two territories, so any
path from an occupied to a government-held point crosses it. All geometry
here is in :data:`truceline.geo.LOCAL_CRS` (metres).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from truceline.agreement.params import LineParams
from truceline.errors import AgreementError

__all__ = ["Territories", "derive_line"]

_SNAP_M = 1.0  # numerical tolerance (m) for "touches": far below any map precision
_KM2 = 1e6
_DEFAULT_LINE = LineParams()


@dataclass(frozen=True)
class Territories:
    """The line of contact and the two territories it separates (LOCAL_CRS)."""

    line: MultiLineString
    occupied: MultiPolygon
    government: MultiPolygon
    dropped_pockets_km2: tuple[float, ...]


def _as_multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and p.area > 0]
    return MultiPolygon(parts)


def _clean_occupied(
    occupied: MultiPolygon, national: shapely.Geometry, params: LineParams, label: str
) -> tuple[MultiPolygon, tuple[float, ...]]:
    """Drop tiny pockets and holes, and parts that lie mostly outside Ukraine."""
    min_area = params.min_pocket_km2 * _KM2
    kept: list[Polygon] = []
    dropped: list[float] = []
    inside_total = shapely.area(shapely.intersection(occupied, national))
    if inside_total < params.min_inside_fraction * occupied.area:
        share = 100 * inside_total / occupied.area
        raise AgreementError(
            f"{label}: the occupied polygon lies outside Ukraine's national boundary "
            f"({share:.1f} % of its area inside; at least "
            f"{100 * params.min_inside_fraction:.0f} % required)"
        )
    for part in shapely.get_parts(occupied):
        if part.area < min_area:
            dropped.append(part.area / _KM2)
            continue
        inside = shapely.area(shapely.intersection(part, national))
        if inside < params.min_inside_fraction * part.area:
            warnings.warn(
                f"{label}: an occupied part of {part.area / _KM2:.1f} km² lies mostly outside "
                "the national boundary and is ignored",
                stacklevel=4,
            )
            continue
        holes = [h for h in part.interiors if Polygon(h).area >= min_area]
        kept.append(Polygon(part.exterior, holes))
    if dropped:
        warnings.warn(
            f"{label}: {len(dropped)} occupied pocket(s) smaller than {params.min_pocket_km2} km² "
            f"ignored (total {sum(dropped):.2f} km²)",
            stacklevel=4,
        )
    if not kept:
        raise AgreementError(f"{label}: no occupied part of at least {params.min_pocket_km2} km²")
    return MultiPolygon(kept), tuple(round(a, 6) for a in dropped)


def _government(
    occupied: MultiPolygon, national: shapely.Geometry, params: LineParams
) -> MultiPolygon:
    """Government-controlled territory: national minus occupied, slivers removed."""
    width = params.sliver_km * 1000.0
    candidate = shapely.difference(national, occupied)
    outline = shapely.boundary(national)
    opened = shapely.buffer(shapely.buffer(candidate, -width), width)
    cores = sorted(shapely.get_parts(opened), key=lambda p: -p.area)
    if not cores:
        raise AgreementError(
            "no government-controlled territory is left: the occupied area covers "
            "(almost) all of the national boundary"
        )
    keep = [cores[0]] + [c for c in cores[1:] if shapely.distance(c, outline) > _SNAP_M]
    grown = shapely.buffer(shapely.union_all(keep), 2 * width)
    government = shapely.intersection(candidate, grown)
    leftovers = shapely.get_parts(shapely.difference(candidate, government))
    inner = [p for p in leftovers if shapely.distance(p, outline) > _SNAP_M]
    if inner:
        government = shapely.union_all([government, *inner])
    return _as_multipolygon(government)


def _as_multilinestring(geom: shapely.Geometry) -> MultiLineString:
    merged = shapely.line_merge(geom) if not geom.is_empty else geom
    parts = [p for p in shapely.get_parts(merged) if isinstance(p, LineString) and p.length > 0]
    order = np.argsort([-p.length for p in parts], kind="stable")
    return MultiLineString([parts[i] for i in order])


def derive_line(
    occupied: MultiPolygon,
    national: shapely.Geometry,
    params: LineParams = _DEFAULT_LINE,
    label: str = "occupied area",
) -> Territories:
    """Derive the line of contact from ``occupied`` and ``national`` (both LOCAL_CRS).

    Raises :class:`AgreementError` when the occupied area lies outside Ukraine
    or touches no government-held territory.
    """
    occupied, dropped = _clean_occupied(occupied, national, params, label)
    government = _government(occupied, national, params)
    shared = shapely.intersection(shapely.boundary(occupied), shapely.buffer(government, _SNAP_M))
    line = _as_multilinestring(shared)
    if line.is_empty:
        raise AgreementError(
            f"{label}: the occupied area touches no government-controlled territory, "
            "so there is no line of contact"
        )
    return Territories(
        line=line, occupied=occupied, government=government, dropped_pockets_km2=dropped
    )
