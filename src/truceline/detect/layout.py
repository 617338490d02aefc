"""Where the scored detections and their context sit on the baseline's grid and days.

:class:`Layout` puts every detection (scored ones first, then context) on the
baseline's box and on a span of consecutive days; :func:`neighbourhoods`
reads both statistics of the scored detections of a block of days: active
cell-days over the persistent window and fire sites over the burst window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from truceline.baseline import Baseline
from truceline.baseline.burst import quiet_ratio
from truceline.baseline.sites import site_counts
from truceline.baseline.statistic import CellDays, NeighbourhoodCubes
from truceline.grid import cell_id, day_of_season

__all__ = ["BlockStats", "Layout", "neighbourhoods"]


class Layout:
    """Box-local cells and day offsets of all activity; the scored detections come first."""

    def __init__(
        self,
        allf: pd.DataFrame,
        n_scored: int,
        baseline: Baseline,
        agreement_start: np.datetime64 | None = None,
        after_start: NDArray[np.bool_] | None = None,
    ) -> None:
        size = baseline.box.size_deg
        self.cell = cell_id(allf["lon"], allf["lat"], size)
        self.row, self.col, self.inside = baseline.box.local(allf["lon"], allf["lat"])
        dates = allf["acq_date"].to_numpy().astype("datetime64[D]")
        self.start = dates.min()
        self.day = (dates - self.start).astype(np.int64)
        self.n_days = int(self.day.max()) + 1
        self.n_scored = n_scored
        key = self.cell * self.n_days + self.day
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        self.observed = counts[inverse][:n_scored]
        self.n_cols = baseline.box.n_cols
        self.lon = allf["lon"].to_numpy(dtype=float)
        self.lat = allf["lat"].to_numpy(dtype=float)
        self.site_deg = baseline.params.burst_site_deg
        # An agreement's start (ADR 0028): the day its windows begin, and which scored
        # detections are known to be after it.
        self.after_start = np.zeros(n_scored, dtype=np.int64)
        self.start_day: int | None = None
        if agreement_start is not None and after_start is not None and after_start.any():
            first = agreement_start.astype("datetime64[D]")
            self.start_day = int((first - self.start).astype(np.int64))
            self.after_start = after_start.astype(np.int64)

    def season(self, lo: int = 0, hi: int | None = None) -> NDArray[np.int64]:
        """Season day of each day lo..hi of the span (default: all of it)."""
        last = self.n_days - 1 if hi is None else hi
        return day_of_season(self.start + np.arange(lo, last + 1))

    def active(self, lo: int, hi: int) -> CellDays:
        """Active cell-days inside the box on days lo..hi (offsets from lo), with their
        detections and fire sites."""
        use = self.inside & (self.day >= lo) & (self.day <= hi)
        key, count, sites = site_counts(
            (self.row[use] * self.n_cols + self.col[use]) * self.n_days + self.day[use],
            self.lon[use],
            self.lat[use],
            self.site_deg,
        )
        flat, day = key // self.n_days, key % self.n_days
        return CellDays(
            flat // self.n_cols, flat % self.n_cols, day - lo, hi - lo + 1, count, sites
        )


@dataclass(frozen=True)
class BlockStats:
    """Both statistics for the scored detections ``index`` of one block of days."""

    index: NDArray[np.int64]
    observed: NDArray[np.int64]  # active cell-days, persistent window
    expected: NDArray[np.float64]
    days: NDArray[np.int64]
    burst_observed: NDArray[np.int64]  # fire sites, burst window
    burst_expected: NDArray[np.float64]
    quiet_ratio: NDArray[np.float64]  # recent activity ratio (stratifies the burst null)


def neighbourhoods(
    lay: Layout,
    baseline: Baseline,
    first: int,
    last: int,
    scale: NDArray[np.float64],
    site_scale: NDArray[np.float64],
) -> BlockStats:
    """Both statistics for the scored detections on days first..last (scales per span day)."""
    p = baseline.params
    lo = max(first - p.window_before_days, 0)
    hi = min(last + p.window_after_days, lay.n_days - 1)
    active = lay.active(lo, hi)
    n = lay.n_scored
    target = np.flatnonzero(lay.inside[:n] & (lay.day[:n] >= first) & (lay.day[:n] <= last))
    cols = baseline.box.n_cols
    cell_day = (lay.row[target] * cols + lay.col[target]) * lay.n_days + lay.day[target]
    # A cell-day is scored once, or twice on an agreement's first day when detections
    # before and after the start share it (their windows differ, ADR 0028).
    uniq, inverse = np.unique(cell_day * 2 + lay.after_start[target], return_inverse=True)
    qafter, cell_day = (uniq % 2).astype(bool), uniq // 2
    qflat, qday = cell_day // lay.n_days, cell_day % lay.n_days
    query = CellDays(qflat // cols, qflat % cols, qday - lo, hi - lo + 1)
    floor = None
    if lay.start_day is not None and qafter.any():
        floor = np.where(qafter, lay.start_day - lo, 0).astype(np.int64)
    season = lay.season(lo, hi)
    cubes = NeighbourhoodCubes(
        active,
        baseline.box.shape,
        season,
        baseline.neighbourhood_expected,
        baseline.persistent,
        rings=p.rings,
    )
    stats = cubes.at(query, before=p.window_before_days, after=p.window_after_days, first=floor)
    span_scale = scale[lo : hi + 1]
    ratio = quiet_ratio(cubes, query, span_scale, p, first=floor)
    del cubes
    burst_obs = np.zeros(len(uniq), dtype=np.int64)
    burst_exp = np.full(len(uniq), np.nan)
    if baseline.burst_null is not None:
        bursts = NeighbourhoodCubes(
            active,
            baseline.box.shape,
            season,
            baseline.burst_expected,
            baseline.persistent,
            rings=p.burst_rings,
            count_sites=True,
        )
        burst = bursts.at(query, before=p.burst_window_days - 1, after=0, first=floor)
        burst_obs = burst.observed
        burst_exp = burst.expected * site_scale[qday]
    return BlockStats(
        target,
        stats.observed[inverse],
        (stats.expected * scale[qday])[inverse],
        stats.days[inverse],
        burst_obs[inverse],
        burst_exp[inverse],
        ratio[inverse],
    )
