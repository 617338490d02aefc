"""Satellite overpasses: sun-synchronous ground tracks, swath, view angle and pixel size.

Each satellite flies a circular sun-synchronous orbit. In a frame turning
with the mean Sun its orbit plane is fixed, so the sub-satellite longitude is
``(LTAN - UTC hours) * 15 + alpha(u)``, where ``u`` is the angle travelled since
the ascending node and ``alpha`` its projection on the equator. The nodes of
successive orbits fall one period apart, so the ground tracks shift from day to
day and repeat after 16 days (227 VIIRS or 233 MODIS orbits), as the real ones
do. A point is seen when its cross-track distance is within the swath; the
view angle sets the pixel size (``scan`` grows about 6x towards the swath edge
before VIIRS's on-board aggregation, ``track`` about 2x), which both FIRMS
columns and the detection threshold depend on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EARTH_RADIUS_KM",
    "SATELLITES",
    "Pass",
    "PassParams",
    "Satellite",
    "Sighting",
    "day_passes",
    "day_start_seconds",
    "ground_track",
    "pixel_size",
    "sight",
    "solar_zenith",
]

EARTH_RADIUS_KM = 6371.0
_DAY = 86400.0
_J2000 = 946728000.0  # 2000-01-01T12:00:00Z in Unix seconds
_NODE_EPOCH = 946684800.0  # 2000-01-01T00:00:00Z: reference of node_offset_minutes

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Satellite:
    """Orbit, instrument and FIRMS naming of one satellite."""

    name: str  # canonical (truceline.schema.SATELLITES)
    code: str  # FIRMS `satellite` column
    instrument: str  # VIIRS / MODIS
    product: str  # FIRMS download file key (fire_nrt_<product>_<id>.csv)
    version: str  # FIRMS `version` column of NRT rows
    ltan_hours: float  # local solar time of the ascending node
    period_minutes: float
    inclination_deg: float
    altitude_km: float
    max_scan_deg: float  # half swath, as a view angle
    node_offset_minutes: float  # orbit phase: a node crossing this long after 2000-01-01T00Z
    granule_seconds: float  # acq_time is the start of the granule holding the pixel
    scan_nadir_km: float  # native along-scan pixel size at nadir (before aggregation)
    track_nadir_km: float
    aggregation: tuple[tuple[float, int], ...] = ((90.0, 1),)  # (up to view angle, factor)


_VIIRS_AGGREGATION = ((31.59, 3), (44.68, 2), (90.0, 1))


def _viirs(name: str, code: str, product: str, node_offset_minutes: float) -> Satellite:
    return Satellite(
        name=name,
        code=code,
        instrument="VIIRS",
        product=product,
        version="2.0NRT",
        ltan_hours=13.5,
        period_minutes=101.5,  # 227 orbits in 16 days
        inclination_deg=98.7,
        altitude_km=829.0,
        max_scan_deg=56.28,  # 3,040 km swath
        node_offset_minutes=node_offset_minutes,
        granule_seconds=85.35,
        scan_nadir_km=0.128,  # x3 aggregation: 0.38 km at nadir, 0.80 km at the edge
        track_nadir_km=0.36,  # 0.78 km at the edge
        aggregation=_VIIRS_AGGREGATION,
    )


def _modis(name: str, ltan_hours: float, node_offset_minutes: float) -> Satellite:
    return Satellite(
        name=name,
        code=name,
        instrument="MODIS",
        product="M-C61",  # Terra and Aqua share one MODIS file, as FIRMS ships them
        version="6.1NRT",
        ltan_hours=ltan_hours,
        period_minutes=98.88,  # 233 orbits in 16 days
        inclination_deg=98.2,
        altitude_km=705.0,
        max_scan_deg=55.0,  # 2,330 km swath
        node_offset_minutes=node_offset_minutes,
        granule_seconds=300.0,  # 5-minute MODIS granules
        scan_nadir_km=1.0,  # 4.8 km at the edge
        track_nadir_km=1.0,  # 2.0 km at the edge
    )


#: The five fire-mapping satellites FIRMS carries, with nominal orbits (VIIRS
#: crossing at 13:30/01:30 local solar time, Terra 10:30/22:30, Aqua 13:30/01:30).
#: The phases (node offsets) are illustrative: the three VIIRS satellites fly a
#: quarter to half an orbit apart, so their passes come 25-50 minutes apart.
SATELLITES: dict[str, Satellite] = {
    "NOAA-20": _viirs("NOAA-20", "N20", "J1V-C2", 0.0),
    "NOAA-21": _viirs("NOAA-21", "N21", "J2V-C2", 50.75),
    "S-NPP": _viirs("S-NPP", "N", "SV-C2", 25.4),
    "Terra": _modis("Terra", 22.5, 10.0),
    "Aqua": _modis("Aqua", 13.5, 40.0),
}


@dataclass(frozen=True)
class PassParams:
    """How finely ground tracks are sampled."""

    step_seconds: float = 10.0
    """Track sampling step; the closest approach is interpolated between samples (70 km apart)."""
    margin_km: float = 300.0
    """Track samples this far beyond the swath edge still count, so edge points have neighbours."""


@dataclass(frozen=True)
class Pass:
    """One overpass of one satellite over the region."""

    pass_id: str
    satellite: Satellite
    t: F64  # Unix seconds of the track samples
    lon: F64
    lat: F64

    @property
    def xyz(self) -> F64:
        """Unit vectors of the sub-satellite points, shape (n, 3)."""
        return _unit(self.lon, self.lat)


@dataclass(frozen=True)
class Sighting:
    """Where and how a pass sees points inside its swath (arrays aligned on ``index``)."""

    index: NDArray[np.int64]  # positions in the input arrays
    t: F64  # Unix seconds of the closest approach
    view_deg: F64  # view (scan) angle from nadir
    heading_deg: F64  # azimuth of the ground track at the closest approach


def day_start_seconds(day: date) -> float:
    """Unix seconds of 00:00 UTC on ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _unit(lon: F64, lat: F64) -> F64:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def ground_track(sat: Satellite, t: F64) -> tuple[F64, F64]:
    """Sub-satellite longitude and latitude (degrees) at Unix seconds ``t``."""
    period = sat.period_minutes * 60.0
    phase = np.mod(t - (_NODE_EPOCH + sat.node_offset_minutes * 60.0), period) / period
    u = 2.0 * np.pi * phase
    inc = np.radians(sat.inclination_deg)
    lat = np.degrees(np.arcsin(np.sin(inc) * np.sin(u)))
    alpha = np.degrees(np.arctan2(np.cos(inc) * np.sin(u), np.cos(u)))
    utc_hours = np.mod(t, _DAY) / 3600.0
    lon = np.mod((sat.ltan_hours - utc_hours) * 15.0 + alpha + 180.0, 360.0) - 180.0
    return lon, lat


def _half_swath_km(sat: Satellite) -> float:
    ratio = (EARTH_RADIUS_KM + sat.altitude_km) / EARTH_RADIUS_KM
    theta = np.radians(sat.max_scan_deg)
    gamma = np.arcsin(ratio * np.sin(theta)) - theta
    return float(EARTH_RADIUS_KM * gamma)


def _distance_to_bbox_km(lon: F64, lat: F64, bbox: tuple[float, float, float, float]) -> F64:
    west, south, east, north = bbox
    near_lon = np.clip(lon, west, east)
    near_lat = np.clip(lat, south, north)
    a, b = _unit(lon, lat), _unit(near_lon, near_lat)
    return np.asarray(EARTH_RADIUS_KM * np.arccos(np.clip((a * b).sum(axis=1), -1.0, 1.0)))


def day_passes(
    sat: Satellite,
    day: date,
    bbox: tuple[float, float, float, float],
    params: PassParams = PassParams(),
) -> list[Pass]:
    """The passes of ``sat`` over ``bbox`` that begin on ``day`` (UTC), in time order.

    A pass begins when the region first falls inside its swath (plus the margin);
    one that begins before midnight belongs to the day before, whole.
    """
    start = day_start_seconds(day)
    t = np.arange(start - 1800.0, start + _DAY + 1800.0, params.step_seconds)
    lon, lat = ground_track(sat, t)
    reach = _half_swath_km(sat) + params.margin_km
    inside = _distance_to_bbox_km(lon, lat, bbox) <= reach
    edges = np.diff(np.concatenate(([0], inside.astype(np.int8), [0])))
    passes: list[Pass] = []
    for first, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if not start <= t[first] < start + _DAY or stop - first < 3:
            continue
        stamp = datetime.fromtimestamp(float(t[first]), UTC).strftime("%Y%m%dT%H%M%S")
        passes.append(
            Pass(f"{sat.code}-{stamp}", sat, t[first:stop], lon[first:stop], lat[first:stop])
        )
    return passes


def _angle(a: F64, b: F64) -> F64:
    return np.asarray(np.arctan2(np.linalg.norm(np.cross(a, b), axis=1), (a * b).sum(axis=1)))


def _bearing(lon1: F64, lat1: F64, lon2: F64, lat2: F64) -> F64:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.asarray(np.degrees(np.arctan2(y, x)))


def _view_angle(sat: Satellite, central: F64) -> F64:
    ratio = (EARTH_RADIUS_KM + sat.altitude_km) / EARTH_RADIUS_KM
    return np.asarray(np.degrees(np.arctan2(np.sin(central), ratio - np.cos(central))))


def sight(pass_: Pass, lon: F64, lat: F64) -> Sighting:
    """Closest approach of ``pass_`` to each point, for the points inside its swath."""
    points = _unit(np.asarray(lon, float), np.asarray(lat, float))
    track = pass_.xyz
    k = np.argmax(points @ track.T, axis=1) if len(points) else np.zeros(0, np.int64)
    ok = (k > 0) & (k < len(track) - 1)
    index = np.flatnonzero(ok)
    k = k[ok]
    p, a, b = points[ok], track[k - 1], track[k + 1]
    normal = np.cross(a, b)
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    cross = np.arcsin(np.clip((p * normal).sum(axis=1), -1.0, 1.0))
    foot = p - (p * normal).sum(axis=1, keepdims=True) * normal
    foot /= np.linalg.norm(foot, axis=1, keepdims=True)
    frac = np.clip(_angle(a, foot) / _angle(a, b), 0.0, 1.0)
    t = pass_.t[k - 1] + frac * (pass_.t[k + 1] - pass_.t[k - 1])
    view = _view_angle(pass_.satellite, np.abs(cross))
    heading = _bearing(pass_.lon[k - 1], pass_.lat[k - 1], pass_.lon[k + 1], pass_.lat[k + 1])
    seen = view <= pass_.satellite.max_scan_deg
    return Sighting(index[seen].astype(np.int64), t[seen], view[seen], heading[seen])


def pixel_size(sat: Satellite, view_deg: F64) -> tuple[F64, F64]:
    """FIRMS ``scan`` and ``track`` (km) of a pixel seen at ``view_deg`` from nadir."""
    ratio = (EARTH_RADIUS_KM + sat.altitude_km) / EARTH_RADIUS_KM
    theta = np.radians(np.asarray(view_deg, float))
    scan_growth = (EARTH_RADIUS_KM / sat.altitude_km) * (
        ratio * np.cos(theta) / np.sqrt(1.0 - (ratio * np.sin(theta)) ** 2) - 1.0
    )
    gamma = np.arcsin(ratio * np.sin(theta)) - theta
    radius = EARTH_RADIUS_KM + sat.altitude_km
    slant = np.sqrt(EARTH_RADIUS_KM**2 + radius**2 - 2 * EARTH_RADIUS_KM * radius * np.cos(gamma))
    factor = np.ones_like(theta)
    for limit, agg in reversed(sat.aggregation):
        factor = np.where(np.degrees(theta) <= limit, agg, factor)
    return sat.scan_nadir_km * scan_growth * factor, sat.track_nadir_km * slant / sat.altitude_km


def solar_zenith(lon: F64, lat: F64, t: F64) -> F64:
    """Solar zenith angle in degrees (low-precision almanac formulae, ~0.01 degree)."""
    n = (np.asarray(t, float) - _J2000) / _DAY
    mean_lon = np.radians(280.460 + 0.9856474 * n)
    anomaly = np.radians(357.528 + 0.9856003 * n)
    ecl_lon = (
        mean_lon + np.radians(1.915) * np.sin(anomaly) + np.radians(0.020) * np.sin(2 * anomaly)
    )
    obliquity = np.radians(23.439 - 0.0000004 * n)
    decl = np.arcsin(np.sin(obliquity) * np.sin(ecl_lon))
    ra = np.arctan2(np.cos(obliquity) * np.sin(ecl_lon), np.cos(ecl_lon))
    gmst = np.radians(280.46061837 + 360.98564736629 * n)
    hour = gmst + np.radians(np.asarray(lon, float)) - ra
    phi = np.radians(np.asarray(lat, float))
    cos_z = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(hour)
    return np.asarray(np.degrees(np.arccos(np.clip(cos_z, -1.0, 1.0))))
