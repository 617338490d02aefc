"""A static map of an agreement (matplotlib without pyplot, drawn in LOCAL_CRS so km are true).

National boundary, occupied area, zones by side (reds on the occupied side,
blues on the government side, darker nearer the line), the line of contact,
sector borders with their ids, a list of sector names, a legend and a 100 km
scale bar.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.patheffects as effects
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from truceline.agreement.locate import GOVERNMENT, OCCUPIED
from truceline.agreement.params import ZONES
from truceline.geo import to_local

if TYPE_CHECKING:
    from truceline.agreement.model import Agreement

__all__ = ["plot_agreement"]

#: Fill colours, narrowest zone first (ColorBrewer Reds / Blues).
_COLOURS = {
    OCCUPIED: ("#cb181d", "#fb6a4a", "#fcae91", "#fee5d9"),
    GOVERNMENT: ("#2171b5", "#6baed6", "#bdd7e7", "#eff3ff"),
}
_OCCUPIED_FILL = "#e8d5d5"
_HALO = [effects.withStroke(linewidth=2.5, foreground="white")]


def _fill(ax: Axes, geom: shapely.Geometry, **style: object) -> None:
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        x, y = polygon.exterior.xy
        ax.fill([v / 1000 for v in x], [v / 1000 for v in y], **style)  # type: ignore[arg-type]
        for ring in polygon.interiors:
            hx, hy = ring.xy
            ax.fill([v / 1000 for v in hx], [v / 1000 for v in hy], color="white", lw=0)


def _outline(ax: Axes, geom: shapely.Geometry, **style: object) -> None:
    for part in shapely.get_parts(
        shapely.boundary(geom) if geom.geom_type.endswith("Polygon") else geom
    ):
        for line in shapely.get_parts(part):
            x, y = line.xy
            ax.plot([v / 1000 for v in x], [v / 1000 for v in y], **style)  # type: ignore[arg-type]


def _label_point(sector: shapely.Geometry, bands: list[shapely.Geometry]) -> shapely.Point:
    """A point for the sector's label: in its largest piece of the first band it reaches."""
    for band in bands:
        pieces = [p for p in shapely.get_parts(shapely.intersection(sector, band)) if p.area > 0]
        if pieces:
            return shapely.point_on_surface(max(pieces, key=lambda p: p.area))
    return shapely.point_on_surface(sector)


def _zones(ax: Axes, agreement: Agreement) -> list[Artist]:
    handles: list[Artist] = []
    for side in (OCCUPIED, GOVERNMENT):
        for index in reversed(range(len(ZONES))):
            spec = ZONES[index]
            rows = agreement.zones[
                (agreement.zones["zone"] == spec.name) & (agreement.zones["side"] == side)
            ]
            colour = _COLOURS[side][index]
            for geom in rows.geometry:
                _fill(ax, to_local(geom), color=colour, lw=0, zorder=2)
    for index, spec in enumerate(ZONES):
        width = agreement.params.width_km(spec.name)
        for side in (OCCUPIED, GOVERNMENT):
            handles.append(
                Patch(color=_COLOURS[side][index], label=f"{spec.name} {width:g} km, {side} side")
            )
    return handles


def _sectors(ax: Axes, agreement: Agreement) -> None:
    government = agreement.zones[agreement.zones["side"] == GOVERNMENT]
    widths = sorted(agreement.params.width_km(s.name) for s in ZONES)
    inner = to_local(government[government["width_km"] == widths[1]].geometry.iloc[0])
    outer = to_local(government[government["width_km"] == widths[2]].geometry.iloc[0])
    bands = [shapely.difference(outer, inner), outer]
    for row in agreement.sectors.itertuples():
        polygon = to_local(row.geometry)
        _outline(ax, polygon, color="#444444", lw=0.5, ls=(0, (4, 2)), zorder=4)
        point = _label_point(polygon, bands)
        ax.text(
            point.x / 1000,
            point.y / 1000,
            row.sector_id,
            fontsize=8,
            weight="bold",
            ha="center",
            va="center",
            zorder=6,
            path_effects=_HALO,
        )


def _scale_bar(ax: Axes, x0: float, y0: float) -> None:
    ax.plot([x0, x0 + 100], [y0, y0], color="black", lw=3, zorder=7)
    ax.text(x0 + 50, y0 + 12, "100 km", ha="center", fontsize=8, zorder=7)


def plot_agreement(agreement: Agreement, path: str | os.PathLike[str], dpi: int = 150) -> Path:
    """Draw ``agreement`` to a PNG at ``path`` and return the path."""
    boundary = to_local(agreement.boundary)
    fig = Figure(figsize=(14, 9.5))
    ax = fig.subplots()
    _fill(ax, boundary, color="#fafafa", lw=0, zorder=0)
    _fill(ax, to_local(agreement.occupied), color=_OCCUPIED_FILL, lw=0, zorder=1)
    handles: list[Artist] = [Patch(color=_OCCUPIED_FILL, label="occupied area (beyond zones)")]
    handles += _zones(ax, agreement)
    _outline(ax, boundary, color="black", lw=0.7, zorder=3)
    _outline(ax, to_local(agreement.line), color="black", lw=1.4, zorder=5)
    handles.insert(0, Line2D([], [], color="black", lw=1.4, label="line of contact"))
    _sectors(ax, agreement)
    west, south, east, north = (v / 1000 for v in boundary.bounds)
    ax.set_xlim(west - 20, east + 20)
    ax.set_ylim(south - 20, north + 20)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar(ax, west + 20, south + 10)
    names = "\n".join(agreement.sectors["name"])
    ax.text(
        0.005,
        0.99,
        "Sectors\n" + names,
        transform=ax.transAxes,
        fontsize=7.5,
        va="top",
        family="monospace",
        bbox={"facecolor": "white", "edgecolor": "#999999", "alpha": 0.9},
    )
    ax.legend(handles=handles, loc="lower right", fontsize=7.5, framealpha=0.95, ncol=1)
    start = agreement.start.strftime("%Y-%m-%d %H:%M UTC") if agreement.start else "start not set"
    ax.set_title(
        f"{agreement.name}\nline of contact {agreement.line_length_km:,.0f} km, "
        f"{len(agreement.sectors)} sectors, {start}, version {agreement.short_version}",
        fontsize=11,
    )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=dpi, bbox_inches="tight")
    return target
