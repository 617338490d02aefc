"""Incidents against injected events: found, false, and how long it took.

An event is *found* when at least one incident overlaps it in space (the
incident's footprint within ``space_tolerance_km`` of the event's footprint,
in :data:`truceline.geo.LOCAL_CRS` metres) and in time (the two time spans
overlap once the event's is widened by ``time_tolerance_hours`` each side). An
incident is *true* when it overlaps any event. The delay of a found event is
the start of its earliest overlapping incident minus the event's start
(zero when the incident began earlier): the time the first evidence existed,
before any delivery latency of the NRT data.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from truceline import geo
from truceline.evaluate.metrics import delay_summary, ratio

__all__ = ["EventMatch", "match_events", "summarise_events"]


@dataclass(frozen=True)
class EventMatch:
    """Per event: found or not and the delay; per incident: true or not."""

    found: np.ndarray  # bool per event
    delay_hours: np.ndarray  # float per event, NaN when not found
    true_incident: np.ndarray  # bool per incident


def _local(frame: gpd.GeoDataFrame) -> np.ndarray:
    geoms = frame.geometry.to_numpy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    out = np.empty(len(geoms), dtype=object)
    out[:] = None
    if (~empty).any():
        out[~empty] = geo.to_local(geoms[~empty])
    return out


def match_events(
    events: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    space_tolerance_km: float,
    time_tolerance_hours: float,
) -> EventMatch:
    """Overlap every event with every incident in space and time."""
    n_ev, n_inc = len(events), len(incidents)
    found = np.zeros(n_ev, bool)
    delay = np.full(n_ev, np.nan)
    true_inc = np.zeros(n_inc, bool)
    if n_ev == 0 or n_inc == 0:
        return EventMatch(found, delay, true_inc)
    ev_geom, inc_geom = _local(events), _local(incidents)
    usable = np.array([g is not None for g in inc_geom])
    tree = shapely.STRtree(np.where(usable, inc_geom, shapely.Point()))
    query = np.array([g if g is not None else shapely.Point() for g in ev_geom], dtype=object)
    ev_idx, inc_idx = tree.query(query, predicate="dwithin", distance=space_tolerance_km * 1e3)
    keep = usable[inc_idx]
    ev_idx, inc_idx = ev_idx[keep], inc_idx[keep]
    slack = pd.Timedelta(hours=time_tolerance_hours)
    ev_start = events["t_start"].to_numpy()[ev_idx]
    ev_end = events["t_end"].to_numpy()[ev_idx]
    in_start = incidents["t_start"].to_numpy()[inc_idx]
    in_end = incidents["t_end"].to_numpy()[inc_idx]
    overlap = (in_start <= ev_end + slack) & (in_end >= ev_start - slack)
    ev_idx, inc_idx = ev_idx[overlap], inc_idx[overlap]
    true_inc[inc_idx] = True
    found[ev_idx] = True
    hours = (in_start[overlap] - ev_start[overlap]) / pd.Timedelta(hours=1)
    hours = np.maximum(np.asarray(hours, dtype=float), 0.0)
    for e, h in zip(ev_idx.tolist(), hours.tolist(), strict=True):
        delay[e] = h if np.isnan(delay[e]) else min(delay[e], h)
    return EventMatch(found, delay, true_inc)


def summarise_events(mask: np.ndarray, match: EventMatch) -> dict[str, object]:
    """Events, found, recall and delays for the events selected by ``mask``."""
    total = int(mask.sum())
    found = int((match.found & mask).sum())
    return {
        "events": total,
        "found": found,
        "recall": ratio(found, total),
        **{
            f"delay_{k}": v for k, v in delay_summary(match.delay_hours[mask & match.found]).items()
        },
    }
