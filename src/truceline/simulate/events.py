"""Injected war events: artillery exchanges, deep strikes and burning depots, with truth.

Random activity is a Poisson process per kind with one rate before the
ceasefire and another (the violation rate) after it. Hand-placed events from
the scenario join them. Every event is then expanded into fires:

* artillery: many small, short fires along a stretch of the line, within a few
  km either side, lit over hours;
* strike: a tight cluster of hot fires far behind the line, lit together;
* depot: a few very hot fires that burn for a day or more.

Events are numbered in time order (``E000001``...) and each has its own
random stream, so adding an event late in the period leaves earlier ones intact.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import shapely
from numpy.typing import NDArray

from truceline.simulate.fires import Fires
from truceline.simulate.geometry import Area, Frontline, to_lonlat, to_xy
from truceline.simulate.scenario import DepotParams, EventSpec, Rates, Scenario, StrikeParams

__all__ = ["Event", "EventSet", "plan_events"]

F64 = NDArray[np.float64]
_HOUR = 3600.0
_TRIES = 50
_FOOTPRINT_BUFFER_M = 1000.0  # truth footprints: fire hull + 1 km (position noise is < 1 km)
_KINDS = ("artillery", "strike", "depot")
_RATE_FIELD = {
    "artillery": "artillery_per_day",
    "strike": "strikes_per_day",
    "depot": "depots_per_day",
}


@dataclass(frozen=True)
class Event:
    """One injected event and its truth."""

    event_id: str
    kind: str
    origin: str  # "random" or "scenario"
    t_start: float  # Unix seconds
    t_end: float  # when its last fire goes out
    lon: float  # anchor (centre of the exchange, strike or depot)
    lat: float
    violation: bool  # starts after the ceasefire
    n_fires: int
    line_distance_km: float
    footprint: shapely.Geometry  # WGS84 polygon: the fires' hull + 1 km


@dataclass(frozen=True)
class EventSet:
    """All events and their fires (``fires.event`` indexes ``events``)."""

    events: list[Event]
    fires: Fires

    def burning_during(self, start: float, end: float) -> Fires:
        """Fires of any event burning at some moment of [start, end)."""
        return self.fires.burning_during(start, end)


@dataclass(frozen=True)
class _Draft:
    kind: str
    t_start: float
    origin: str
    spec: EventSpec | None = None


def _seconds(moment: datetime) -> float:
    return moment.timestamp()


def _random_drafts(scenario: Scenario, rng: np.random.Generator) -> list[_Draft]:
    cease = _seconds(scenario.ceasefire.start) if scenario.ceasefire else float("inf")
    drafts: list[_Draft] = []
    for i in range(scenario.days):
        day = scenario.start + timedelta(days=i)
        start = _seconds(datetime(day.year, day.month, day.day, tzinfo=UTC))
        end = start + 24 * _HOUR
        spans: list[tuple[float, float, Rates]] = [
            (start, min(end, cease), scenario.activity.before),
            (max(start, cease), end, scenario.activity.after),
        ]
        for lo, hi, rates in spans:
            if hi <= lo:
                continue
            for kind in _KINDS:
                rate = getattr(rates, _RATE_FIELD[kind]) * (hi - lo) / (24 * _HOUR)
                for t in np.sort(rng.uniform(lo, hi, rng.poisson(rate))):
                    drafts.append(_Draft(kind, float(t), "random"))
    return drafts


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int | None = None) -> F64:
    return np.asarray(median * np.exp(rng.normal(0, sigma, n)))


def _behind(
    line: Frontline, area: Area, rng: np.random.Generator, lo_km: float, hi_km: float
) -> tuple[float, float] | None:
    for _ in range(_TRIES):
        part, along = line.random_point(rng)
        x, y, nx, ny = line.frame(part, np.array([along]))
        depth = rng.uniform(lo_km, hi_km) * 1e3 * rng.choice([-1.0, 1.0])
        lon, lat = to_lonlat(x + depth * nx, y + depth * ny)
        if area.contains(lon, lat)[0]:
            return float(lon[0]), float(lat[0])
    return None


@dataclass(frozen=True)
class _Expansion:
    anchor: tuple[float, float]
    lon: F64
    lat: F64
    t_on: F64
    t_off: F64
    frp: F64


def _artillery(
    draft: _Draft, scenario: Scenario, line: Frontline, area: Area, rng: np.random.Generator
) -> _Expansion | None:
    p, spec = scenario.kinds.artillery, draft.spec
    hours = (
        spec.hours if spec and spec.hours else float(_lognormal(rng, p.hours_median, p.hours_sigma))
    )
    placed = spec is not None and spec.at is not None
    for _ in range(_TRIES):
        part, along = line.nearest(*spec.at) if spec and spec.at else line.random_point(rng)
        n = (
            spec.fires
            if spec and spec.fires
            else max(1, int(rng.poisson(p.fires_per_hour * hours)))
        )
        s = along + rng.uniform(-p.length_km / 2, p.length_km / 2, n) * 1e3
        x, y, nx, ny = line.frame(part, s)
        depth = np.clip(rng.normal(0, p.depth_sd_km, n), -p.depth_max_km, p.depth_max_km) * 1e3
        lon, lat = to_lonlat(x + depth * nx, y + depth * ny)
        inside = area.contains(lon, lat)
        if not inside.any() and not placed:
            continue
        ax, ay, _, _ = line.frame(part, np.array([along]))
        alon, alat = to_lonlat(ax, ay)
        t_on = draft.t_start + rng.uniform(0, hours * _HOUR, n)
        life = _lognormal(rng, p.fire_hours_median, p.fire_hours_sigma, n) * _HOUR
        median = spec.frp_mw if spec and spec.frp_mw else p.frp_median_mw
        frp = _lognormal(rng, median, p.frp_sigma, n)
        k = inside
        return _Expansion(
            (float(alon[0]), float(alat[0])), lon[k], lat[k], t_on[k], t_on[k] + life[k], frp[k]
        )
    return None


def _cluster(
    draft: _Draft, scenario: Scenario, line: Frontline, area: Area, rng: np.random.Generator
) -> _Expansion | None:
    spec = draft.spec
    p: StrikeParams | DepotParams
    if draft.kind == "strike":
        p = scenario.kinds.strike
        drawn = 1 + int(rng.poisson(max(p.fires_mean - 1, 0)))
        spread = 0.25 * _HOUR  # a strike's fires start together
    else:
        p = scenario.kinds.depot
        drawn = int(rng.integers(p.fires_min, max(p.fires_min, p.fires_max) + 1))
        spread = p.ignition_spread_hours * _HOUR
    n = spec.fires if spec and spec.fires else drawn
    at = spec.at if spec and spec.at else _behind(line, area, rng, p.behind_min_km, p.behind_max_km)
    if at is None:
        return None
    ax, ay = to_xy([at[0]], [at[1]])
    radius = p.radius_km * 1e3 * np.sqrt(rng.random(n))
    angle = rng.uniform(0, 2 * np.pi, n)
    lon, lat = to_lonlat(ax + radius * np.cos(angle), ay + radius * np.sin(angle))
    t_on = draft.t_start + rng.uniform(0, spread, n)
    t_on[0] = draft.t_start
    if spec and spec.hours:
        life = np.full(n, spec.hours * _HOUR)
    else:
        life = _lognormal(rng, p.fire_hours_median, p.fire_hours_sigma, n) * _HOUR
    frp = _lognormal(rng, spec.frp_mw if spec and spec.frp_mw else p.frp_median_mw, p.frp_sigma, n)
    return _Expansion((float(at[0]), float(at[1])), lon, lat, t_on, t_on + life, frp)


def _footprint(lon: F64, lat: F64) -> shapely.Geometry:
    x, y = to_xy(lon, lat)
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack([x, y])))
    polygon = shapely.buffer(hull, _FOOTPRINT_BUFFER_M, quad_segs=4)
    return shapely.transform(polygon, lambda xy: np.column_stack(to_lonlat(xy[:, 0], xy[:, 1])))


def plan_events(scenario: Scenario, line: Frontline | None, area: Area, seed: int) -> EventSet:
    """Draw the random activity, add the hand-placed events, and expand all into fires."""
    if line is None:
        return EventSet([], Fires.empty())
    drafts = _random_drafts(scenario, np.random.default_rng([seed, 101]))
    for spec in scenario.events:
        drafts.append(_Draft(spec.kind, _seconds(spec.start), "scenario", spec))
    first = _seconds(datetime.combine(scenario.start, datetime.min.time(), UTC))
    last = _seconds(datetime.combine(scenario.end + timedelta(days=1), datetime.min.time(), UTC))
    cease = _seconds(scenario.ceasefire.start) if scenario.ceasefire else float("inf")
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].t_start, drafts[i].kind, i))
    events: list[Event] = []
    parts: list[Fires] = []
    for rank, i in enumerate(order):
        draft = drafts[i]
        if draft.origin == "scenario" and not first <= draft.t_start < last:
            warnings.warn(
                f"event at {_iso(draft.t_start)} lies outside the simulated days", stacklevel=2
            )
        rng = np.random.default_rng([seed, 102, rank])
        expand = _artillery if draft.kind == "artillery" else _cluster
        made = expand(draft, scenario, line, area, rng)
        if made is None or len(made.lon) == 0:
            warnings.warn(
                f"{draft.kind} at {_iso(draft.t_start)}: no place in the region, skipped",
                stacklevel=2,
            )
            continue
        (alon, alat), lon, lat = made.anchor, made.lon, made.lat
        t_on, t_off, frp = made.t_on, made.t_off, made.frp
        index = len(events)
        events.append(
            Event(
                event_id=f"E{index + 1:06d}",
                kind=draft.kind,
                origin=draft.origin,
                t_start=draft.t_start,
                t_end=float(t_off.max()),
                lon=alon,
                lat=alat,
                violation=draft.t_start >= cease,
                n_fires=len(lon),
                line_distance_km=float(line.distance_km(np.array([alon]), np.array([alat]))[0]),
                footprint=_footprint(lon, lat),
            )
        )
        parts.append(Fires.build(lon, lat, t_on, t_off, frp, draft.kind, index))
    return EventSet(events, Fires.concat(parts))


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
