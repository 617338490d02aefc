"""The agreement record: line, territories, zones, sectors, start time, version.

An :class:`Agreement` holds WGS84 geometries (as saved); metric work goes
through :mod:`truceline.geo`. Its ``version`` is the SHA-256 of its
canonical content (name, start, parameters, source fingerprints, and every
geometry rounded to 1e-7 degrees and normalised), so the same agreement has
the same version however often it is saved and loaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike
from shapely.geometry import MultiLineString, MultiPolygon

from truceline.agreement.params import LineParams, ZoneParams, params_to_dict
from truceline.errors import AgreementError
from truceline.geo import geodesic_length_km, length_km, to_local
from truceline.vector import SourceRef

if TYPE_CHECKING:
    from truceline.agreement.locate import Locator

__all__ = ["FORMAT", "Agreement", "content_version", "format_start", "parse_start"]

#: Identifies the on-disk layout; bumped when layers or the version recipe change.
FORMAT = "truceline-agreement/1"

_ROUND_DEGREES = 7  # ~1 cm: far below map precision, above float noise


def parse_start(value: str | datetime | None) -> datetime | None:
    """A tz-aware UTC datetime from ISO-8601 text or a datetime; naive times are refused."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as error:
            raise AgreementError(
                f"start time {value!r} is not ISO-8601 (e.g. 2025-08-11T00:00:00Z)"
            ) from error
    else:
        parsed = value
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise AgreementError(
            f"start time {value!s} has no time zone; give it in UTC, e.g. {parsed.isoformat()}Z"
        )
    return parsed.astimezone(UTC)


def format_start(start: datetime | None) -> str | None:
    """ISO-8601 text of a UTC start time ('...Z'), or None."""
    return None if start is None else start.strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(geom: shapely.Geometry) -> str:
    """SHA-256 of the geometry's parts (so Polygon == one-part MultiPolygon), rounded."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, _ROUND_DEGREES))
    digest = hashlib.sha256()
    for part in shapely.get_parts(shapely.normalize(rounded)):
        digest.update(shapely.to_wkb(part, byte_order=1))
    return digest.hexdigest()


def content_version(agreement: Agreement) -> str:
    """SHA-256 (hex) of the agreement's canonical content."""
    zones = sorted(
        [str(r.zone), str(r.side), str(r.kind), float(r.width_km), _digest(r.geometry)]
        for r in agreement.zones.itertuples()
    )
    lines = dict(
        zip(agreement.sector_lines["sector_id"], agreement.sector_lines.geometry, strict=True)
    )
    sectors = sorted(
        [str(r.sector_id), str(r.name), _digest(r.geometry), _digest(lines[r.sector_id])]
        for r in agreement.sectors.itertuples()
    )
    document = {
        "format": FORMAT,
        "name": agreement.name,
        "start": format_start(agreement.start),
        "params": params_to_dict(agreement.params, agreement.line_params),
        "sources": sorted([s.role, s.sha256] for s in agreement.sources),
        "line": _digest(agreement.line),
        "occupied": _digest(agreement.occupied),
        "government": _digest(agreement.government),
        "boundary": _digest(agreement.boundary),
        "zones": zones,
        "sectors": sectors,
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(eq=False)
class Agreement:
    """A ceasefire agreement as geometry (WGS84) plus its parameters and provenance."""

    name: str
    start: datetime | None
    line: MultiLineString
    occupied: MultiPolygon
    government: MultiPolygon
    boundary: MultiPolygon
    zones: gpd.GeoDataFrame
    sectors: gpd.GeoDataFrame
    sector_lines: gpd.GeoDataFrame
    params: ZoneParams = field(default_factory=ZoneParams)
    line_params: LineParams = field(default_factory=LineParams)
    sources: tuple[SourceRef, ...] = ()
    version: str = field(init=False)

    def __post_init__(self) -> None:
        self.start = parse_start(self.start)
        self.version = content_version(self)

    @property
    def short_version(self) -> str:
        """The first 12 hex digits of :attr:`version`, for display."""
        return self.version[:12]

    @cached_property
    def line_length_km(self) -> float:
        """Length of the line of contact in km (LOCAL_CRS, equidistant)."""
        return length_km(self.line)

    @cached_property
    def line_geodesic_length_km(self) -> float:
        """Length of the line on the WGS84 ellipsoid in km (cross-check)."""
        return geodesic_length_km(self.line)

    @cached_property
    def locator(self) -> Locator:
        """The vectorised point locator (built on first use)."""
        from truceline.agreement.locate import Locator

        order = list(self.sector_lines["sector_id"])
        return Locator(
            line=to_local(self.line),
            occupied=to_local(self.occupied),
            government=to_local(self.government),
            sector_lines=[to_local(g) for g in self.sector_lines.geometry],
            sector_ids=order,
            params=self.params,
        )

    def locate(self, lon: ArrayLike, lat: ArrayLike) -> pd.DataFrame:
        """Zone, side, sector, signed distance (km, + occupied side) and in_<zone> per point."""
        return self.locator.locate(lon, lat)

    def save(self, path: str | Path) -> Path:
        """Write the agreement as one GeoPackage (atomically); returns the path."""
        from truceline.agreement.storage import save_agreement

        return save_agreement(self, path)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary: line length, zone areas by side, sectors, provenance."""
        from truceline.agreement.summary import summarise

        return summarise(self)

    def summary_text(self) -> str:
        """The summary as Markdown, for people."""
        from truceline.agreement.summary import summary_markdown

        return summary_markdown(self)

    def plot(self, path: str | Path) -> Path:
        """Draw the agreement (boundary, occupied area, line, zones, sectors) to a PNG."""
        from truceline.agreement.mapping import plot_agreement

        return plot_agreement(self, path)
