"""The empirical null: how large the neighbourhood statistic gets in a peacetime year.

Built by leave-one-year-out: each fit year is scored against a baseline fitted
on the other years, so the table holds what a *new* peacetime year looks like,
with its own weather, campaigns and wildfires, not the fit years' own noise.
For each *stratum* and each bin of the expected value the table keeps
quantiles of the observed statistic, weighted by detections, so a tail
probability of 0.001 means "exceeded by one peacetime detection in a thousand
with a similar expectation". The strata are the window lengths (covered days)
for the persistent statistic and classes of recent local activity for the
burst statistic (ADR 0026); a value between two strata blends their tables
on a log scale.

Fire counts are far more dispersed than Poisson (and than a negative binomial
with the baseline's mean: a fire makes its neighbours' fires likely), which is
why the tail is read from data rather than from a parametric family. Beyond
the highest tabulated level the tail is extended exponentially with the scale
of the last two levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["NullTable", "build_null_table"]

_MIN_TAIL_SCALE = 1.0  # active cell-days: the statistic is a count

#: Both statistics are counts: P(X >= x) is read at x - 1/2 (continuity correction).
#: Tied quantiles cannot tell whether x sits at the bottom or the top of the tied
#: mass; reading at x itself took the top (with every peacetime sample at 1 site, an
#: observation of 1 site got a tail of 0.001), reading at x - 1/2 takes the middle.
CONTINUITY = 0.5


@dataclass(frozen=True)
class NullTable:
    """Quantiles of the statistic by stratum and expected value."""

    levels: NDArray[np.float64]  # (L,) increasing, in (0, 1)
    strata: NDArray[np.float64]  # (W,) increasing, positive: window days or activity ratios
    centres: NDArray[np.float64]  # (W, B) expected value at each bin's centre, increasing
    quantiles: NDArray[np.float64]  # (W, B, L) non-decreasing along B and L
    samples: NDArray[np.int64]  # (W,) detections behind each window's table

    @property
    def window_days(self) -> NDArray[np.int64]:
        """The strata as whole days (for the persistent statistic's table)."""
        return np.rint(self.strata).astype(np.int64)

    def tail_probability(
        self, stratum: ArrayLike, expected: ArrayLike, observed: ArrayLike
    ) -> NDArray:
        """P(statistic >= observed) in a peacetime year, for each detection.

        ``stratum`` is the detection's value of the stratifying variable (the
        covered days of its window, or its recent activity ratio); the tables of
        the two nearest strata are blended on a log scale, the end tables hold
        beyond the ends.
        """
        exp_arr = np.asarray(expected, dtype=float)
        obs_arr = np.asarray(observed, dtype=float)
        value = np.broadcast_to(np.asarray(stratum, dtype=float), obs_arr.shape)
        log_w = np.log(self.strata)
        pos = np.interp(
            np.log(np.clip(value, 1e-12, None)), log_w, np.arange(len(log_w), dtype=float)
        )
        low = np.floor(pos).astype(int)
        high = np.minimum(low + 1, len(log_w) - 1)
        frac = pos - low
        log_p = np.zeros(obs_arr.shape)
        for index in np.unique(np.concatenate([low, high])):
            weight = np.where(low == index, 1.0 - frac, 0.0) + np.where(high == index, frac, 0.0)
            weight = np.where((low == index) & (high == index), 1.0, weight)
            use = weight > 0
            if use.any():
                log_p[use] += weight[use] * self._log_tail(index, exp_arr[use], obs_arr[use])
        result: NDArray[np.float64] = np.exp(log_p)
        return result

    def _log_tail(self, index: int, expected: NDArray, observed: NDArray) -> NDArray:
        centres = self.centres[index]
        q = np.stack(
            [
                np.interp(expected, centres, self.quantiles[index, :, j])
                for j in range(len(self.levels))
            ],
            axis=1,
        )
        # Beyond the busiest bin the quantiles grow in proportion to the expectation
        # (a busier season than any fit year's is not, by itself, an excess).
        top = centres[-1]
        if top > 0:
            q = q * np.maximum(expected / top, 1.0)[:, None]
        log_tail = np.log1p(-self.levels)  # log P(X >= q_level)
        return _log_tail_curve(observed - CONTINUITY, q, log_tail)


def _log_tail_curve(x: NDArray, q: NDArray, log_tail: NDArray) -> NDArray:
    """Log tail through (0, 0) and each (quantile, log tail level); exponential beyond.

    Linear interpolation of the log tail between points (a tie takes the
    highest level, the smallest tail); past the last quantile the tail falls
    with the slope of the last segment of positive width, never flatter than
    one e-fold per :data:`_MIN_TAIL_SCALE` active cell-days.
    """
    n, k = q.shape
    xs = np.concatenate([np.zeros((n, 1)), q], axis=1)
    ys = np.concatenate([[0.0], log_tail])
    rows = np.arange(n)
    j = (x[:, None] >= xs).sum(axis=1) - 1  # last point at or below x
    inside = j < k
    nxt = np.minimum(j + 1, k)
    width = xs[rows, nxt] - xs[rows, j]
    t = np.where(inside & (width > 0), (x - xs[rows, j]) / np.where(width > 0, width, 1.0), 0.0)
    out = ys[j] + t * (ys[nxt] - ys[j])
    # Beyond the last quantile: exponential tail.
    last = xs[:, -1]
    below = np.where(xs < last[:, None], np.arange(k + 1)[None, :], -1).max(axis=1)
    has_prev = below >= 0
    prev = np.maximum(below, 0)
    run = last - xs[rows, prev]
    slope = np.where(has_prev & (run > 0), (ys[-1] - ys[prev]) / np.where(run > 0, run, 1.0), 0.0)
    scale = np.where(slope < 0, -1.0 / np.where(slope < 0, slope, -1.0), _MIN_TAIL_SCALE)
    scale = np.maximum(scale, _MIN_TAIL_SCALE)
    beyond = ys[-1] - (x - last) / scale
    result: NDArray[np.float64] = np.where(x <= 0, 0.0, np.where(inside, out, beyond))
    return result


def _weighted_quantiles(values: NDArray, weights: NDArray, levels: NDArray) -> NDArray:
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = np.cumsum(w)
    cum = cum / cum[-1]
    index = np.searchsorted(cum, levels, side="left")
    result: NDArray[np.float64] = v[np.minimum(index, len(v) - 1)].astype(float)
    return result


def build_null_table(
    samples: dict[float, tuple[NDArray, NDArray, NDArray]],
    levels: tuple[float, ...],
    n_bins: int,
) -> NullTable:
    """Tabulate quantiles from ``{stratum: (expected, observed, weight)}`` samples."""
    lev = np.asarray(levels, dtype=float)
    windows = sorted(samples)
    centres = np.zeros((len(windows), n_bins))
    quant = np.zeros((len(windows), n_bins, len(lev)))
    counts = np.zeros(len(windows), dtype=np.int64)
    for wi, window in enumerate(windows):
        expected, observed, weight = samples[window]
        counts[wi] = int(weight.sum())
        if len(expected) == 0:
            centres[wi] = np.arange(n_bins, dtype=float)
            quant[wi] = 1.0
            continue
        edges = _weighted_quantiles(expected, weight, np.linspace(0, 1, n_bins + 1)[1:-1])
        which = np.searchsorted(edges, expected, side="right")
        for b in range(n_bins):
            sel = which == b
            if not sel.any():  # an empty bin (ties): borrow its left neighbour
                centres[wi, b] = centres[wi, b - 1] if b else 0.0
                quant[wi, b] = quant[wi, b - 1] if b else 1.0
                continue
            w = weight[sel]
            centres[wi, b] = float(np.average(expected[sel], weights=w))
            quant[wi, b] = _weighted_quantiles(observed[sel], w, lev)
        # More expected activity never lowers the null's quantiles; levels are ordered.
        centres[wi] = np.maximum.accumulate(centres[wi])
        quant[wi] = np.maximum.accumulate(np.maximum.accumulate(quant[wi], axis=0), axis=1)
    return NullTable(lev, np.asarray(windows, dtype=np.float64), centres, quant, counts)
