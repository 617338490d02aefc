"""From sufficient statistics to smoothed, pooled cell-day rates.

The fit keeps, per cell and season day, the year-normalised number of active
cell-days and of detections summed over the fit years, plus how many fit
years covered each season day. Rates follow in three steps:

1. seasonal smoothing: a circular Gaussian over the day of the season, applied
   to numerator and denominator alike (Nadaraya-Watson), so a partly covered
   season is not biased low;
2. spatial pooling: each cell's rate is shrunk towards the mean of the cells
   within ``pool_rings`` rings with weight ``N / (N + pool_strength)`` on its
   own history (``N`` = its active cell-days in the fit), so an empty cell
   takes its neighbours' rate and a busy one keeps its own;
3. a floor, so that no cell-day is expected to be impossible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import gaussian_filter1d

from truceline.baseline.neighbourhood import spatial_sum
from truceline.baseline.params import BaselineParams
from truceline.grid import DAYS_PER_SEASON

__all__ = ["SeasonStats", "pooled_rate", "seasonal_rate"]

_MAX_ACTIVE_RATE = 0.999


@dataclass(frozen=True)
class SeasonStats:
    """Sparse per-(cell, season day) sums of the fit years, on a grid box."""

    shape: tuple[int, int]  # (rows, cols) of the box
    cell: NDArray[np.int64]  # flat box index (row * cols + col)
    day: NDArray[np.int64]  # season day 0..364
    active: NDArray[np.float64]  # year-normalised active cell-days
    detections: NDArray[np.float64]  # year-normalised detections
    coverage: NDArray[np.float64]  # (365,) fit years covering each season day
    cell_days: NDArray[np.int64]  # (rows, cols) raw active cell-days per cell
    sites: NDArray[np.float64]  # year-normalised fire sites (occupied sub-cells)

    def minus(self, other: SeasonStats) -> SeasonStats:
        """These sums without ``other``'s (one year left out); same box required."""
        n_cells = self.shape[0] * self.shape[1]
        key_self = self.cell * DAYS_PER_SEASON + self.day
        key_other = other.cell * DAYS_PER_SEASON + other.day
        keys = np.union1d(key_self, key_other)
        at_self, at_other = np.searchsorted(keys, key_self), np.searchsorted(keys, key_other)
        act, det, sites = np.zeros(len(keys)), np.zeros(len(keys)), np.zeros(len(keys))
        for total, mine, theirs in (
            (act, self.active, other.active),
            (det, self.detections, other.detections),
            (sites, self.sites, other.sites),
        ):
            np.add.at(total, at_self, mine)
            np.subtract.at(total, at_other, theirs)
        assert keys.max(initial=0) < n_cells * DAYS_PER_SEASON
        return SeasonStats(
            self.shape,
            keys // DAYS_PER_SEASON,
            keys % DAYS_PER_SEASON,
            np.maximum(act, 0.0),
            np.maximum(det, 0.0),
            np.maximum(self.coverage - other.coverage, 0.0),
            np.maximum(self.cell_days - other.cell_days, 0),
            np.maximum(sites, 0.0),
        )


def seasonal_rate(stats: SeasonStats, values: NDArray[np.float64], sigma: float) -> NDArray:
    """Smoothed rate per cell and season day, shape (rows, cols, 365), float32."""
    rows, cols = stats.shape
    num = np.zeros((rows * cols, DAYS_PER_SEASON), dtype=np.float32)
    np.add.at(num, (stats.cell, stats.day), values.astype(np.float32))
    num = gaussian_filter1d(num, sigma, axis=1, mode="wrap", truncate=4.0, output=np.float32)
    den = gaussian_filter1d(stats.coverage.astype(float), sigma, mode="wrap", truncate=4.0)
    safe = np.where(den > 1e-9, den, np.inf).astype(np.float32)
    num /= safe[None, :]
    rate: NDArray[np.float32] = num.reshape(rows, cols, DAYS_PER_SEASON)
    return rate


def pooled_rate(
    stats: SeasonStats,
    values: NDArray[np.float64],
    params: BaselineParams,
    *,
    active: bool,
    exclude: NDArray[np.bool_] | None = None,
) -> NDArray[np.float32]:
    """Seasonal rate shrunk towards the neighbourhood mean, floored; float32 (rows, cols, 365).

    Cells in ``exclude`` (persistent sources) lend nothing to their neighbours: a
    steel works does not make the fields around it 'expected to burn'.
    """
    rate = seasonal_rate(stats, values, params.season_sigma_days)
    ring = params.pool_rings
    if ring > 0:
        lend = np.ones(stats.shape + (1,), np.float32)
        if exclude is not None:
            lend = (~exclude)[:, :, None].astype(np.float32)
        cells = np.maximum(spatial_sum(lend, ring), 1.0)
        neighbours = spatial_sum(rate * lend, ring)
        neighbours /= cells
        info = stats.cell_days.astype(np.float32)[:, :, None]
        if params.pool_strength > 0:
            weight = info / (info + np.float32(params.pool_strength))
            rate *= weight
            neighbours *= 1.0 - weight
            rate += neighbours
        del neighbours
    rate += np.float32(params.floor_rate)
    if active:
        np.minimum(rate, _MAX_ACTIVE_RATE, out=rate)
    return rate.astype(np.float32, copy=False)
