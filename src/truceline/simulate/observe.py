"""Satellites look at fires: which are seen, where, when, and with what values.

For each pass, a fire becomes a detection when it is inside the swath at the
pass's closest approach, burning at that moment, under a clear sky, and the
sensor's detection odds for its power and pixel size come up. Position,
time (the granule start), FRP, brightness and confidence are then produced as
FIRMS would report them. The same pass also records, per injected event,
whether it was observable (in the swath while burning, and clear) so the
evaluator can separate "missed" from "never seen".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from truceline.simulate.clouds import CloudDay
from truceline.simulate.fires import Fires
from truceline.simulate.noise import (
    MODIS_RESPONSE,
    VIIRS_RESPONSE,
    SensorResponse,
    detection_probability,
    pixel_offsets,
    radiometry,
)
from truceline.simulate.passes import Pass, PassParams, pixel_size, sight, solar_zenith

__all__ = ["Detections", "EventLook", "PassRecord", "SensingParams", "observe_pass"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class SensingParams:
    """Sensor and orbit settings of a simulation."""

    passes: PassParams = PassParams()
    """Ground-track sampling."""
    viirs: SensorResponse = VIIRS_RESPONSE
    """VIIRS detection odds, noise and radiometry."""
    modis: SensorResponse = MODIS_RESPONSE
    """MODIS detection odds, noise and radiometry."""
    day_zenith_deg: float = 85.0
    """A detection is daytime ("D") when the solar zenith angle is below this (FIRMS uses 85)."""

    def response(self, instrument: str) -> SensorResponse:
        """The response of ``instrument`` (VIIRS or MODIS)."""
        return self.viirs if instrument == "VIIRS" else self.modis


@dataclass(frozen=True)
class Detections:
    """Detections as columns; ``t`` is the granule start (Unix seconds, whole minutes)."""

    satellite: NDArray[np.str_]  # canonical name
    t: F64
    lon: F64  # reported (pixel centre)
    lat: F64
    fire_lon: F64  # the fire's true place
    fire_lat: F64
    scan: F64
    track: F64
    frp: F64
    mir: F64
    tir: F64
    confidence: NDArray[np.str_]
    daynight: NDArray[np.str_]
    kind: NDArray[np.int8]
    event: NDArray[np.int64]
    pass_id: NDArray[np.str_]

    def __len__(self) -> int:
        return len(self.t)

    def take(self, index: NDArray[np.int64] | NDArray[np.bool_]) -> Detections:
        """The rows at ``index``."""
        return Detections(**{k: v[index] for k, v in vars(self).items()})

    @classmethod
    def concat(cls, parts: list[Detections]) -> Detections:
        """All rows of ``parts``, in order."""
        if not parts:
            return cls.empty()
        names = vars(parts[0]).keys()
        return cls(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in names})

    @classmethod
    def empty(cls) -> Detections:
        """No rows."""
        f, s = np.zeros(0), np.zeros(0, dtype="<U1")
        return cls(
            s, f, f, f, f, f, f, f, f, f, f, s, s, np.zeros(0, np.int8), np.zeros(0, np.int64), s
        )


@dataclass(frozen=True)
class PassRecord:
    """Truth about one pass."""

    pass_id: str
    satellite: str
    instrument: str
    t_start: float
    t_end: float
    clear_fraction: float
    n_detections: int
    track: list[tuple[float, float]] = field(repr=False)


@dataclass(frozen=True)
class EventLook:
    """Truth about one pass over one event burning under it."""

    event: int
    pass_id: str
    satellite: str
    t: float  # earliest closest approach over the event's burning fires
    clear: bool  # some burning fire of the event under clear sky
    n_detections: int


def observe_pass(
    pass_: Pass,
    fires: Fires,
    clouds: CloudDay,
    rng: np.random.Generator,
    params: SensingParams = SensingParams(),
) -> tuple[Detections, PassRecord, list[EventLook]]:
    """What ``pass_`` detects among ``fires``, and the truth about what it could see."""
    sat = pass_.satellite
    candidates = np.flatnonzero((fires.t_on < pass_.t[-1]) & (fires.t_off > pass_.t[0]))
    seen = sight(pass_, fires.lon[candidates], fires.lat[candidates])
    idx = candidates[seen.index]
    t = seen.t
    burning = (fires.t_on[idx] <= t) & (t <= fires.t_off[idx])
    idx, t, view, heading = (
        idx[burning],
        t[burning],
        seen.view_deg[burning],
        seen.heading_deg[burning],
    )
    lon, lat = fires.lon[idx], fires.lat[idx]
    clear = clouds.clear(lon, lat, t)
    day = solar_zenith(lon, lat, t) < params.day_zenith_deg
    scan, track = pixel_size(sat, view)
    response = params.response(sat.instrument)
    odds = detection_probability(fires.frp[idx], scan * track, day, response)
    hit = clear & (rng.random(len(idx)) < odds)

    looks = _event_looks(pass_, fires.event[idx], t, clear, hit)
    k = np.flatnonzero(hit)
    dlon, dlat = pixel_offsets(rng, scan[k], track[k], heading[k], lat[k], response)
    values = radiometry(
        rng, fires.frp[idx[k]], scan[k] * track[k], day[k], response, sat.instrument
    )
    granule = np.floor(t[k] / sat.granule_seconds) * sat.granule_seconds
    n = len(k)
    found = Detections(
        satellite=np.full(n, sat.name),
        t=np.floor(granule / 60.0) * 60.0,
        lon=lon[k] + dlon,
        lat=lat[k] + dlat,
        fire_lon=lon[k],
        fire_lat=lat[k],
        scan=scan[k],
        track=track[k],
        frp=np.maximum(values.frp, 0.01),
        mir=values.mir,
        tir=values.tir,
        confidence=values.confidence,
        daynight=np.where(day[k], "D", "N"),
        kind=fires.kind[idx[k]],
        event=fires.event[idx[k]],
        pass_id=np.full(n, pass_.pass_id),
    )
    mid = float(pass_.t[len(pass_.t) // 2])
    step = max(1, len(pass_.t) // 12)
    record = PassRecord(
        pass_.pass_id,
        sat.name,
        sat.instrument,
        float(pass_.t[0]),
        float(pass_.t[-1]),
        clouds.clear_fraction(mid),
        n,
        list(zip(pass_.lon[::step].tolist(), pass_.lat[::step].tolist(), strict=True)),
    )
    return found, record, looks


def _event_looks(
    pass_: Pass, event: NDArray[np.int64], t: F64, clear: NDArray[np.bool_], hit: NDArray[np.bool_]
) -> list[EventLook]:
    war = event >= 0
    looks = []
    for e in np.unique(event[war]):
        mine = event == e
        looks.append(
            EventLook(
                int(e),
                pass_.pass_id,
                pass_.satellite.name,
                float(t[mine].min()),
                bool(clear[mine].any()),
                int(hit[mine].sum()),
            )
        )
    return looks
