"""Parameters of an agreement: zone widths, sectors, and the line-of-contact rule.

Every number that shapes an agreement lives here with the reason for its
default; the GeoPackage stores them (as JSON) so a saved agreement says how
it was made. Widths are distances from the line of contact on *each* side.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from truceline.errors import AgreementError

__all__ = ["ZONES", "LineParams", "ZoneParams", "ZoneSpec", "params_from_dict", "params_to_dict"]


@dataclass(frozen=True)
class ZoneSpec:
    """One zone: its name, kind and the weapons it keeps away from the line."""

    name: str
    kind: str
    weapons: str
    field: str


#: The zones, narrowest first, and the ZoneParams field holding each width.
ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec("buffer", "demilitarised", "all forces and heavy weapons", "buffer_km"),
    ZoneSpec("artillery", "withdrawal", "artillery of calibre 100 mm and above", "artillery_km"),
    ZoneSpec("mlrs", "withdrawal", "multiple rocket launchers", "mlrs_km"),
    ZoneSpec(
        "long_range",
        "withdrawal",
        "long-range rocket systems (Tornado-S, Uragan, Smerch, Tochka-U class)",
        "long_range_km",
    ),
)


@dataclass(frozen=True)
class ZoneParams:
    """Zone widths and sectoring of an agreement (all distances in km, per side)."""

    buffer_km: float = 15.0
    """Demilitarised buffer zone on each side of the line. The US proposal of
    May 2025 and the GCSP ceasefire toolkit use 15 km per side (a 10-15 km
    strip in the toolkit); the Minsk memorandum of September 2014 also used
    15 km per side."""

    artillery_km: float = 50.0
    """Withdrawal distance for artillery of 100 mm and above. The issue's
    default; Minsk II (2015) set a 50 km-wide zone between the sides, i.e.
    25 km per side (see docs/decisions/0012)."""

    mlrs_km: float = 75.0
    """Withdrawal distance for multiple rocket launchers (Minsk II: 70 km
    wide, 35 km per side)."""

    long_range_km: float = 150.0
    """Withdrawal distance for long-range rocket systems (Minsk II: 140 km
    wide, 70 km per side)."""

    sector_length_km: float = 100.0
    """Target length of line per sector: about a day's patrol front for a
    monitoring team, and the issue's ~100 km. Each run of line is cut into
    ``round(length / sector_length_km)`` equal sectors (at least one)."""

    sector_gap_km: float = 30.0
    """Line pieces closer than this belong to the same run and share sectors;
    farther apart (e.g. pockets on the Sumy border) they start a new run, so a
    sector never jumps across a long stretch without a line."""

    sector_resolution_km: float = 0.5
    """Spacing of the points that decide which sector a place belongs to
    (nearest point of the line). Sector borders are exact to about this."""

    sector_town_min_population: int = 10_000
    """Sectors are named after the nearest town at least this large (GeoNames),
    so that the name is one a monitor recognises on any map."""

    def __post_init__(self) -> None:
        widths = [getattr(self, spec.field) for spec in ZONES]
        for spec, width in zip(ZONES, widths, strict=True):
            if not width > 0:
                raise AgreementError(f"ZoneParams.{spec.field} must be > 0 km, got {width!r}")
        if widths != sorted(widths):
            raise AgreementError(
                "zone widths must grow from the buffer outwards "
                f"(buffer <= artillery <= mlrs <= long_range), got {widths!r} km"
            )
        for name in ("sector_length_km", "sector_gap_km", "sector_resolution_km"):
            if not getattr(self, name) > 0:
                raise AgreementError(f"ZoneParams.{name} must be > 0, got {getattr(self, name)!r}")

    def width_km(self, zone: str) -> float:
        """Width of ``zone`` (one of :data:`ZONES`) in km."""
        for spec in ZONES:
            if spec.name == zone:
                return float(getattr(self, spec.field))
        raise AgreementError(f"unknown zone {zone!r}; known: {[s.name for s in ZONES]}")

    @property
    def widest_km(self) -> float:
        """Width of the widest zone (the extent of the sectors)."""
        return max(float(getattr(self, spec.field)) for spec in ZONES)


@dataclass(frozen=True)
class LineParams:
    """How the line of contact is derived from the occupied area and the border."""

    sliver_km: float = 1.0
    """Half-width of the slivers dropped from "Ukraine minus the occupied
    area". The national outline is km-coarse while the occupied polygon
    follows the real coast and border, so their difference holds strips of
    sea and foreign land up to a few km wide along the coast and border;
    strips narrower than 2 x sliver_km that touch the national outline are not
    government-held land. 1 km removes them; the line length varies by about
    1.5 % between 0.5 and 2 km (docs/decisions/0010)."""

    min_pocket_km2: float = 1.0
    """Occupied parts (and holes in them) smaller than this are ignored, with
    a warning: about seven VIIRS 375 m pixels, below what a FIRMS-based
    monitor can place on one side or the other."""

    min_inside_fraction: float = 0.5
    """An occupied part is kept only if at least this share of its area lies
    inside the national boundary; a polygon mostly outside Ukraine is refused."""

    def __post_init__(self) -> None:
        if not self.sliver_km > 0:
            raise AgreementError(f"LineParams.sliver_km must be > 0 km, got {self.sliver_km!r}")
        if self.min_pocket_km2 < 0:
            raise AgreementError(
                f"LineParams.min_pocket_km2 must be >= 0, got {self.min_pocket_km2!r}"
            )
        if not 0 < self.min_inside_fraction <= 1:
            raise AgreementError(
                "LineParams.min_inside_fraction must be in (0, 1], "
                f"got {self.min_inside_fraction!r}"
            )


def params_to_dict(zone: ZoneParams, line: LineParams) -> dict[str, dict[str, Any]]:
    """Both parameter sets as a JSON-ready dict."""
    return {"zones": asdict(zone), "line": asdict(line)}


def params_from_dict(data: dict[str, dict[str, Any]]) -> tuple[ZoneParams, LineParams]:
    """Inverse of :func:`params_to_dict`; unknown keys are an :class:`AgreementError`."""
    try:
        zone_keys = {f.name for f in fields(ZoneParams)}
        line_keys = {f.name for f in fields(LineParams)}
        zones, line = data.get("zones", {}), data.get("line", {})
        unknown = (set(zones) - zone_keys) | (set(line) - line_keys)
        if unknown:
            raise AgreementError(f"unknown agreement parameters {sorted(unknown)}")
        return ZoneParams(**zones), LineParams(**line)
    except (TypeError, AttributeError) as error:
        raise AgreementError(f"agreement parameters cannot be read: {error}") from error
