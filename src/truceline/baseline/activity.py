"""The regional activity scale: how busy fire activity is right now, versus the baseline.

Fire activity swings with the weather (a dry fortnight sets fields burning
everywhere; a cloudy one hides them), from year to year (2021 had half the
detections of 2020) and with the sensor mix (one VIIRS satellite sees 87 % of
the active cell-days of the VIIRS + MODIS history). One number per day, the
*regional activity scale*, takes that out before local excess is judged:

* the baseline's area is cut into blocks (2 x 2 degrees by default);
* for each block, observed over expected active cell-days in the same window
  as the excess statistic, shrunk towards 1 by a pseudo-count;
* the scale is the median of the block ratios weighted by their expectation.

A median of regions is robust to war: fighting raises the blocks along the
front, but they hold well under half of the country's expected activity, so
the scale follows the rest of the country (the "regions far from any front").
A block counts on a day only if the data show at least one detection in it in
that day's window, so an input clipped to a smaller area is not mistaken for a
quiet country (the error then goes the safe way: a higher scale, fewer flags).

The scale of a day depends on nothing but the detections of its own window
(ADR 0081): scoring stays causal (a later detection, anywhere, never changes
an earlier score) and an archive scored month by month gives the scores of
one whole-period call.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from truceline.baseline.neighbourhood import day_cumsum, window_bounds
from truceline.baseline.statistic import CellDays

__all__ = ["block_expected", "regional_scale"]


def block_expected(rate: NDArray[np.floating], block: int) -> NDArray[np.float64]:
    """Expected active cell-days per block and season day, (block rows, block cols, 365)."""
    rows, cols, days = rate.shape
    n_r, n_c = -(-rows // block), -(-cols // block)
    padded = np.zeros((n_r * block, n_c * block, days), dtype=np.float32)
    padded[:rows, :cols] = rate
    blocks = padded.reshape(n_r, block, n_c, block, days)
    result: NDArray[np.float64] = blocks.sum(axis=(1, 3), dtype=np.float64)
    return result


def _weighted_median(values: NDArray, weights: NDArray) -> NDArray[np.float64]:
    """Weighted median along axis 0 (one per column); 1 where all weights are 0."""
    order = np.argsort(values, axis=0, kind="stable")
    v = np.take_along_axis(values, order, axis=0)
    w = np.take_along_axis(weights, order, axis=0)
    cum = np.cumsum(w, axis=0)
    total = cum[-1]
    index = (cum < (total / 2.0)[None, :]).sum(axis=0)
    index = np.minimum(index, values.shape[0] - 1)
    median = v[index, np.arange(values.shape[1])]
    result: NDArray[np.float64] = np.where(total > 0, median, 1.0)
    return result


def regional_scale(
    active: CellDays,
    excluded: NDArray[np.bool_],
    expected_blocks: NDArray[np.float64],
    season_day: NDArray[np.int64],
    *,
    block: int,
    pseudo: float,
    before: int,
    after: int,
    count_sites: bool = False,
) -> NDArray[np.float64]:
    """Activity scale for each day of the span (observed / expected, median over blocks).

    ``expected_blocks`` comes from :func:`block_expected` on the baseline's
    active-cell rate with persistent sources zeroed, and ``excluded`` marks
    those sources so they do not count as observed either. With
    ``count_sites`` the same is done for fire sites (the expected blocks then
    come from the site rate): the *site scale* of the burst statistic. A block
    counts on a day when it has a detection in that day's window (window-local
    coverage, ADR 0081); a day whose window holds none anywhere gets 1.
    """
    n_r, n_c, _ = expected_blocks.shape
    keep = ~excluded[active.row, active.col]
    observed = np.zeros((n_r * n_c, active.n_days))
    weight = active.site_count()[keep] if count_sites else 1
    flat = (active.row[keep] // block) * n_c + active.col[keep] // block
    np.add.at(observed, (flat, active.day[keep]), weight)
    expected = expected_blocks[:, :, season_day].reshape(n_r * n_c, active.n_days)
    day = np.arange(active.n_days)
    lo, hi = window_bounds(day, active.n_days, before, after)
    obs_cum = day_cumsum(observed)
    exp_cum = day_cumsum(expected)
    obs_win = obs_cum[:, hi] - obs_cum[:, lo]
    exp_win = exp_cum[:, hi] - exp_cum[:, lo]
    ratio = (obs_win + pseudo) / (exp_win + pseudo)
    return _weighted_median(ratio, np.where(obs_win > 0, exp_win, 0.0))
