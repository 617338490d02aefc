"""Scenario files: what to simulate, validated with pydantic, loaded from YAML.

A scenario names a region and a date range, where the background comes from
(a FIRMS history file), the line of contact, cloud cover, the war activity
before and after a ceasefire, and hand-placed events. Paths inside a scenario
are relative to the scenario file; ``package:`` paths point into the installed
``truceline`` package (``package:data/...``). Every validation problem is a
:class:`~truceline.errors.ScenarioError` naming the file, the field
(``events[2].start``) and the bad value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from truceline.errors import ScenarioError

__all__ = [
    "SATELLITE_NAMES",
    "Activity",
    "ArtilleryParams",
    "Background",
    "Ceasefire",
    "Clouds",
    "DepotParams",
    "EventKinds",
    "EventSpec",
    "Industrial",
    "LineSpec",
    "Rates",
    "Region",
    "Scenario",
    "StrikeParams",
    "load_scenario",
    "resolve_path",
]

#: Satellites the simulator can fly (canonical names, as in truceline.schema.SATELLITES).
SATELLITE_NAMES = ("S-NPP", "NOAA-20", "NOAA-21", "Terra", "Aqua")

SatelliteName = Literal["S-NPP", "NOAA-20", "NOAA-21", "Terra", "Aqua"]
_ALL_SATELLITES: tuple[SatelliteName, ...] = ("S-NPP", "NOAA-20", "NOAA-21", "Terra", "Aqua")
LonLat = tuple[float, float]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Region(_Model):
    """Where to simulate: a bounding box, a polygon file, or both."""

    bbox: tuple[float, float, float, float] | None = None
    """West, south, east, north in degrees (EPSG:4326)."""
    polygon: str | None = None
    """A vector file GDAL reads; background and events are kept inside its union."""

    @model_validator(mode="after")
    def _check(self) -> Region:
        if self.bbox is None and self.polygon is None:
            raise ValueError("give a bbox [W, S, E, N] or a polygon file")
        if self.bbox is not None:
            west, south, east, north = self.bbox
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                raise ValueError(f"bbox must be W < E and S < N in degrees, got {list(self.bbox)}")
        return self


class LineSpec(_Model):
    """The line of contact: inline coordinates, a vector file, or an agreement GeoPackage."""

    coordinates: list[LonLat] | list[list[LonLat]] | None = None
    """One line as [[lon, lat], ...] or several as [[[lon, lat], ...], ...]."""
    file: str | None = None
    """A vector file GDAL reads holding lines (polygons contribute their boundary)."""
    agreement: str | None = None
    """An agreement GeoPackage (truceline.agreement.load_agreement); its line is used."""

    @model_validator(mode="after")
    def _one_source(self) -> LineSpec:
        given = [k for k in ("coordinates", "file", "agreement") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of coordinates, file, agreement (got {given})")
        return self


class Background(_Model):
    """Peacetime fires drawn from a real FIRMS history, cell-day by cell-day."""

    history: str | None = None
    """FIRMS file or folder (reduced LATITUDE,LONGITUDE,ACQ_DATE or full CSV); none: none."""
    years: list[int] | None = None
    """History years to sample from; default all years in the history."""
    window_days: int = Field(default=3, ge=0, le=30)
    """A cell-day is drawn from the same day of year +- this many days, for variety."""
    volume_factor: float = Field(default=1.0, gt=0)
    """Independent history draws per cell-day: 10 or 100 for benchmark volumes."""
    cell_deg: float = Field(default=0.1, gt=0)
    """Cell size of the draw; 0.1 degree is the baseline's grid."""
    jitter_m: float = Field(default=150.0, ge=0)
    """Gaussian jitter of a history point, so repeated draws do not stack exactly."""
    frp_median_mw: float = Field(default=5.0, gt=0)
    """Median fire radiative power of a field fire (VIIRS NRT over Ukraine: day median 6 MW)."""
    frp_sigma: float = Field(default=1.0, ge=0)
    """Log-normal spread of that power."""
    day_share: float = Field(default=0.66, ge=0, le=1)
    """Share of history points seen by day (VIIRS NRT over Ukraine, Aug-Sep 2025: 66 %)."""
    day_hour: float = Field(default=13.0, ge=0, lt=24)
    """Local solar hour a daytime field fire burns at (near the afternoon passes that saw it)."""
    night_hour: float = Field(default=1.5, ge=0, lt=24)
    """Local solar hour a night-time fire is burning at (near the night passes)."""
    hour_sd: float = Field(default=1.0, ge=0)
    """Spread of that hour."""
    hours_median: float = Field(default=3.0, gt=0)
    """Median lifetime of a field fire in hours."""
    hours_sigma: float = Field(default=0.7, ge=0)
    """Log-normal spread of the lifetime."""
    cloud_compensation: bool = True
    """History points are fires seen through clear sky: draw 1/(1 - mean cloud cover) times
    as many, so that after the simulated clouds each VIIRS satellite sees about as many."""


class Industrial(_Model):
    """A persistent heat source (steel works, gas flare): hot most days, never war-related."""

    name: str
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    frp_mw: float = Field(default=30.0, gt=0)
    """Median power of each hot spot of the site."""
    duty: float = Field(default=0.9, ge=0, le=1)
    """Share of days the site is hot."""
    spots: int = Field(default=2, ge=1, le=50)
    """Hot spots per site (several pixels for a large plant)."""
    radius_m: float = Field(default=400.0, ge=0)
    """Spots are spread uniformly within this radius."""


class Clouds(_Model):
    """Cloud cover that hides fires: none, random per block and day, or real daily tables."""

    model: Literal["none", "random", "table"] = "random"
    mean_cover: float = Field(default=0.4, ge=0, le=1)
    """Random model: mean cloud fraction (also the table model's fallback)."""
    concentration: float = Field(default=2.0, gt=0)
    """Random model: Beta concentration of a block's daily cover; low = more extreme days."""
    block_deg: float = Field(default=2.0, gt=0)
    """Random model: size of a weather block sharing one daily cover."""
    cell_deg: float = Field(default=0.25, gt=0)
    """Resolution of the cloud mask; a cell is clear or cloudy as a whole."""
    decorrelation_hours: float = Field(default=3.0, gt=0)
    """Passes within one such time bin see the same clouds."""
    table: str | list[str] | None = None
    """Table model: per-oblast daily tables (ukr_weather_data_YYYY.csv.gz), files or folders."""
    year: int | None = None
    """Table model: read the tables at this year's same month and day (default: the same date)."""
    oblast_grid: str | None = None
    """Table model: the 0.1 degree oblast grid (default: the copy bundled with truceline)."""

    @model_validator(mode="after")
    def _table_needs_files(self) -> Clouds:
        if self.model == "table" and not self.table:
            raise ValueError("the table model needs 'table' (per-oblast daily cloud tables)")
        return self


class Rates(_Model):
    """Expected events per day along the whole line."""

    artillery_per_day: float = Field(default=0.0, ge=0)
    strikes_per_day: float = Field(default=0.0, ge=0)
    depots_per_day: float = Field(default=0.0, ge=0)


class Activity(_Model):
    """War activity before the ceasefire and the violation rate after it."""

    before: Rates = Rates()
    """Rates before the ceasefire (all the time when there is none)."""
    after: Rates = Rates()
    """Violation rates after the ceasefire start."""


class Ceasefire(_Model):
    """When the ceasefire starts (UTC)."""

    start: datetime

    @field_validator("start")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)


class ArtilleryParams(_Model):
    """An artillery exchange: many small fires within a few km of the line, over hours."""

    hours_median: float = Field(default=4.0, gt=0)
    """Median length of an exchange."""
    hours_sigma: float = Field(default=0.5, ge=0)
    fires_per_hour: float = Field(default=4.0, gt=0)
    """Fires lit per hour (impacts that start a fire large enough to be seen)."""
    length_km: float = Field(default=8.0, gt=0)
    """Stretch of the line the exchange covers."""
    depth_sd_km: float = Field(default=1.5, gt=0)
    """Spread of impacts either side of the line."""
    depth_max_km: float = Field(default=5.0, gt=0)
    """No impact further than this from the line."""
    fire_hours_median: float = Field(default=1.5, gt=0)
    """Median lifetime of one fire."""
    fire_hours_sigma: float = Field(default=0.6, ge=0)
    frp_median_mw: float = Field(default=3.0, gt=0)
    """Median power: small fires, near the detection limit of MODIS."""
    frp_sigma: float = Field(default=0.8, ge=0)


class StrikeParams(_Model):
    """A deep strike: one hot cluster far behind the line."""

    behind_min_km: float = Field(default=30.0, ge=0)
    behind_max_km: float = Field(default=250.0, gt=0)
    fires_mean: float = Field(default=3.0, gt=0)
    """Mean fires in the cluster (at least one)."""
    radius_km: float = Field(default=0.3, ge=0)
    fire_hours_median: float = Field(default=3.0, gt=0)
    fire_hours_sigma: float = Field(default=0.6, ge=0)
    frp_median_mw: float = Field(default=40.0, gt=0)
    frp_sigma: float = Field(default=0.8, ge=0)


class DepotParams(_Model):
    """A burning depot: long-lasting, high power, a few km behind the line."""

    behind_min_km: float = Field(default=10.0, ge=0)
    behind_max_km: float = Field(default=80.0, gt=0)
    fires_min: int = Field(default=4, ge=1)
    fires_max: int = Field(default=10, ge=1)
    radius_km: float = Field(default=0.5, ge=0)
    ignition_spread_hours: float = Field(default=6.0, ge=0)
    """Secondary fires start within this many hours of the first."""
    fire_hours_median: float = Field(default=36.0, gt=0)
    fire_hours_sigma: float = Field(default=0.4, ge=0)
    frp_median_mw: float = Field(default=150.0, gt=0)
    frp_sigma: float = Field(default=0.7, ge=0)


class EventKinds(_Model):
    """Shape of each event kind (defaults documented field by field)."""

    artillery: ArtilleryParams = ArtilleryParams()
    strike: StrikeParams = StrikeParams()
    depot: DepotParams = DepotParams()


class EventSpec(_Model):
    """One hand-placed event."""

    kind: Literal["artillery", "strike", "depot"]
    start: datetime
    hours: float | None = Field(default=None, gt=0)
    """Length (artillery) or fire lifetime (strike, depot); default drawn from the kind."""
    at: LonLat | None = None
    """Artillery: snapped to the nearest point of the line; strike/depot: exact place.
    Default: a random place, as for random activity."""
    fires: int | None = Field(default=None, ge=1)
    """Number of fires; default drawn from the kind."""
    frp_mw: float | None = Field(default=None, gt=0)
    """Median power of its fires; default the kind's."""

    @field_validator("start")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)


class Scenario(_Model):
    """A whole simulation scenario."""

    name: str
    description: str = ""
    seed: int = 0
    """Default seed when none is given on the command line."""
    start: date
    """First simulated day (UTC)."""
    end: date
    """Last simulated day (UTC), inclusive."""
    region: Region
    line: LineSpec | None = None
    satellites: list[SatelliteName] = Field(default_factory=lambda: list(_ALL_SATELLITES))
    background: Background = Background()
    industrial: list[Industrial] = Field(default_factory=list)
    clouds: Clouds = Clouds()
    ceasefire: Ceasefire | None = None
    activity: Activity = Activity()
    events: list[EventSpec] = Field(default_factory=list)
    kinds: EventKinds = EventKinds()
    base_dir: Path = Field(default=Path("."), exclude=True)
    """Folder relative paths are resolved against (the scenario file's folder)."""

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if not self.satellites:
            raise ValueError("satellites: give at least one")
        if len(set(self.satellites)) != len(self.satellites):
            raise ValueError(f"satellites: listed twice in {self.satellites}")
        rates = (
            *self.activity.before.model_dump().values(),
            *self.activity.after.model_dump().values(),
        )
        if self.line is None and (self.events or any(rates)):
            raise ValueError("events and activity need a line of contact ('line')")
        return self

    @property
    def days(self) -> int:
        """Number of simulated days."""
        return (self.end - self.start).days + 1


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def resolve_path(raw: str, base_dir: Path) -> Path:
    """A scenario path: ``package:...`` inside truceline, absolute, or relative to ``base_dir``."""
    if raw.startswith("package:"):
        ref = resources.files("truceline").joinpath(raw.removeprefix("package:").lstrip("/"))
        return Path(str(ref))
    path = Path(raw).expanduser()
    return path if path.is_absolute() else base_dir / path


def _field_name(loc: tuple[int | str, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(top level)"


def _short(value: object, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _referenced_paths(scenario: Scenario) -> list[tuple[str, str]]:
    refs: list[tuple[str, str]] = []
    if scenario.region.polygon:
        refs.append(("region.polygon", scenario.region.polygon))
    if scenario.line is not None:
        for key in ("file", "agreement"):
            value = getattr(scenario.line, key)
            if value:
                refs.append((f"line.{key}", value))
    if scenario.background.history:
        refs.append(("background.history", scenario.background.history))
    tables = scenario.clouds.table
    for i, table in enumerate([tables] if isinstance(tables, str) else tables or []):
        refs.append(("clouds.table" if isinstance(tables, str) else f"clouds.table[{i}]", table))
    if scenario.clouds.oblast_grid:
        refs.append(("clouds.oblast_grid", scenario.clouds.oblast_grid))
    return refs


def load_scenario(path: str | PathLike[str], **overrides: Any) -> Scenario:
    """Read and validate a YAML scenario; ``overrides`` replace top-level fields.

    Raises :class:`ScenarioError` naming the file, the field and the bad value,
    also when a referenced file does not exist.
    """
    file = Path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ScenarioError(f"{file}: scenario file not found") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{file}: cannot read the scenario file ({error})") from error
    except yaml.YAMLError as error:
        raise ScenarioError(f"{file}: not valid YAML ({error})".replace("\n", " ")) from error
    if not isinstance(raw, dict):
        raise ScenarioError(f"{file}: a scenario is a YAML mapping, got {type(raw).__name__}")
    raw = {**raw, **{k: v for k, v in overrides.items() if v is not None}}
    raw["base_dir"] = file.resolve().parent
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        problems = [
            f"field '{_field_name(e['loc'])}': {e['msg']} (got {_short(e.get('input'))})"
            for e in error.errors()
        ]
        raise ScenarioError(f"{file}: " + "; ".join(problems)) from error
    for field, value in _referenced_paths(scenario):
        resolved = resolve_path(value, scenario.base_dir)
        if not resolved.exists():
            raise ScenarioError(f"{file}: field '{field}': file not found: {value!r} ({resolved})")
    return scenario
