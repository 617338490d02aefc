"""Build an agreement from an occupied-territory polygon and the national boundary.

Steps (all metric work in LOCAL_CRS): read and fingerprint the inputs,
derive the line of contact (:mod:`~truceline.agreement.line`), buffer it into
the zones and split each by side, cut the line into sectors and partition
the widest zone among them (:mod:`~truceline.agreement.sectors`), name the
sectors (:mod:`~truceline.agreement.places`), and convert back to WGS84.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point

from truceline.agreement.line import Territories, derive_line
from truceline.agreement.locate import GOVERNMENT, OCCUPIED
from truceline.agreement.model import Agreement, parse_start
from truceline.agreement.params import ZONES, LineParams, ZoneParams
from truceline.agreement.places import DEFAULT_BOUNDARY, place_names
from truceline.agreement.sectors import cut_sectors, sector_cells
from truceline.errors import AgreementError
from truceline.geo import area_km2, to_local, to_wgs84
from truceline.vector import PolygonSource, SourceRef, read_polygons

__all__ = ["build_agreement"]

_DEFAULT_ZONES = ZoneParams()
_DEFAULT_LINE = LineParams()

_QUAD_SEGS = 32  # arc vertices per quarter circle: a 150 km buffer is exact to ~45 m


def _multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    return MultiPolygon([p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"])


def _zones(territories: Territories, params: ZoneParams) -> gpd.GeoDataFrame:
    rows = []
    for spec in ZONES:
        width = params.width_km(spec.name)
        band = shapely.buffer(territories.line, width * 1000.0, quad_segs=_QUAD_SEGS)
        for side, territory in (
            (OCCUPIED, territories.occupied),
            (GOVERNMENT, territories.government),
        ):
            polygon = to_wgs84(_multipolygon(shapely.intersection(band, territory)))
            rows.append(
                {
                    "zone": spec.name,
                    "kind": spec.kind,
                    "side": side,
                    "width_km": width,
                    "weapons": spec.weapons,
                    "area_km2": round(area_km2(polygon), 3),
                    "geometry": polygon,
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def _midpoint(line: MultiLineString) -> Point:
    half = line.length / 2.0
    for part in line.geoms:
        if half <= part.length:
            return part.interpolate(half)
        half -= part.length
    return line.geoms[-1].interpolate(1.0, normalized=True)


def _sectors(
    territories: Territories, zones: gpd.GeoDataFrame, params: ZoneParams
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    cuts = cut_sectors(territories.line, params)
    widest = zones[zones["width_km"] == params.widest_km].geometry
    extent = to_local(shapely.union_all(list(widest)))
    cells = sector_cells([c.line for c in cuts], extent, params.sector_resolution_km)
    names = place_names([_midpoint(c.line) for c in cuts], params.sector_town_min_population)
    width = max(2, len(str(len(cuts))))
    sectors, lines = [], []
    for cut, cell, (oblast, town) in zip(cuts, cells, names, strict=True):
        sector_id = f"S{cut.index + 1:0{width}d}"
        line = to_wgs84(cut.line)
        # densify first: a long straight Voronoi edge is not straight in lon/lat
        polygon = to_wgs84(
            _multipolygon(shapely.segmentize(cell, params.sector_resolution_km * 1000.0))
        )
        length = round(cut.line.length / 1000.0, 3)
        label = f"{sector_id} {oblast}" + (f" - {town}" if town else "")
        sectors.append(
            {
                "sector_id": sector_id,
                "name": label,
                "oblast": oblast,
                "town": town,
                "length_km": length,
                "area_km2": round(area_km2(polygon), 3),
                "geometry": polygon,
            }
        )
        lines.append({"sector_id": sector_id, "length_km": length, "geometry": line})
    return (
        gpd.GeoDataFrame(sectors, geometry="geometry", crs="EPSG:4326"),
        gpd.GeoDataFrame(lines, geometry="geometry", crs="EPSG:4326"),
    )


def _default_name(source: str) -> str:
    stem = source
    for suffix in (".gz", ".zip", ".geojson", ".json", ".shp", ".gpkg"):
        stem = stem.removesuffix(suffix)
    return f"Line of contact from {stem}"


def _read(source: PolygonSource, role: str) -> tuple[MultiPolygon, SourceRef]:
    """Read an input polygon; an agreement cannot stand on one without area."""
    geometry, ref = read_polygons(source, role)
    if geometry.is_empty:
        label = f"{role} geometry" if ref.name == "<geometry>" else ref.name
        raise AgreementError(f"{label}: the geometry is empty (no polygon with an area)")
    return geometry, ref


def build_agreement(
    occupied: PolygonSource,
    boundary: PolygonSource | None = None,
    *,
    start: str | datetime | None = None,
    params: ZoneParams = _DEFAULT_ZONES,
    name: str | None = None,
    line_params: LineParams = _DEFAULT_LINE,
) -> Agreement:
    """Build an :class:`Agreement` from an occupied-territory polygon.

    ``occupied`` and ``boundary`` are paths GDAL reads (GeoJSON, ``.geojson.gz``,
    shapefiles and zipped shapefiles, GeoPackage, any CRS) or WGS84 shapely
    geometries; ``boundary`` defaults to the national boundary shipped with
    truceline. ``start`` is the ceasefire start (ISO-8601 with a zone, or an
    aware datetime). Raises :class:`~truceline.errors.VectorFileError` for an
    unreadable file and :class:`~truceline.errors.AgreementError` for inputs
    that yield no line of contact.
    """
    occupied_wgs, occupied_ref = _read(occupied, "occupied")
    national_wgs, boundary_ref = _read(
        DEFAULT_BOUNDARY if boundary is None else boundary, "boundary"
    )
    label = occupied_ref.name if occupied_ref.name != "<geometry>" else "occupied geometry"
    territories = derive_line(
        to_local(occupied_wgs), to_local(national_wgs), line_params, label=label
    )
    zones = _zones(territories, params)
    sectors, sector_lines = _sectors(territories, zones, params)
    line = to_wgs84(territories.line)
    if not isinstance(line, MultiLineString):  # pragma: no cover - derive_line guarantees it
        line = MultiLineString([line] if isinstance(line, LineString) else [])
    return Agreement(
        name=name or _default_name(Path(occupied_ref.name).name),
        start=parse_start(start),
        line=line,
        occupied=to_wgs84(territories.occupied),
        government=to_wgs84(territories.government),
        boundary=national_wgs,
        zones=zones,
        sectors=sectors,
        sector_lines=sector_lines,
        params=params,
        line_params=line_params,
        sources=(occupied_ref, boundary_ref),
    )
