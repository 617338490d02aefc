"""Two tail probabilities, one answer: each recalibrated, then their minimum (ADR 0026).

A detection is judged by two statistics: the persistent one (active cell-days
around it over 31 days) and the burst one (fire sites in its cell on its day).
Each null table gives a tail probability, ``p1`` and ``p2``, read by
interpolating quantiles; for counts with many ties and beyond the tables' last
quantile that reading is only approximately uniform in peace. So at fit time,
on the same leave-one-year-out samples the two tables come from (weighted by
detections), three monotone maps are measured on a grid of thresholds ``t``::

    F1(t) = P_peace(p1 <= t)        F2(t) = P_peace(p2 <= t)
    F(t)  = P_peace(min(F1(p1), F2(p2)) <= t)

and the combined tail probability of a detection is ``F(min(F1(p1), F2(p2)))``:
calibrated, so ``excess_score`` and ``war_probability`` keep their meaning
(a combined tail of 0.001 is reached by one peacetime detection in a thousand).
``F(t) / t`` lies between 1 (the statistics always agree) and 2 (they never
fire together); on 2012-2020 it is 1.5-1.8 (2.6 at 1e-4). The maps are interpolated on a
log-log scale and kept non-decreasing, so more evidence in either statistic
never raises the combined tail probability; ``F`` is kept at or above ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["GRID", "Calibration", "TailCombination", "build_tail_combination", "calibrate"]

#: log10 of the thresholds at which the maps are measured: 1e-4 .. 1 in quarter decades.
#: Below 1e-4 the leave-one-year-out null (~500,000 detections) holds too few cell-days.
GRID = np.round(np.arange(-4.0, 0.001, 0.25), 2)

_TINY = 1e-300


@dataclass(frozen=True)
class Calibration:
    """A monotone map of tail probabilities, ``t -> P_null(p <= t)``, as log10 on a grid."""

    log10_tail: NDArray[np.float64]  # (G,) increasing, last 0
    log10_calibrated: NDArray[np.float64]  # (G,) non-decreasing, last 0

    def __call__(self, tail: ArrayLike) -> NDArray[np.float64]:
        """The calibrated tail probability of each tail probability."""
        log_t = np.log10(np.clip(np.asarray(tail, dtype=float), _TINY, 1.0))
        inside = np.interp(log_t, self.log10_tail, self.log10_calibrated)
        below = log_t + (self.log10_calibrated[0] - self.log10_tail[0])  # the last ratio holds
        log_f = np.where(log_t < self.log10_tail[0], below, inside)
        result: NDArray[np.float64] = np.minimum(10.0**log_f, 1.0)
        return result

    @classmethod
    def identity(cls) -> Calibration:
        """No correction."""
        return cls(GRID.astype(float), GRID.astype(float))


def calibrate(
    tail: NDArray[np.float64],
    weight: NDArray[np.float64],
    *,
    at_least_nominal: bool = False,
    min_samples: int = 30,
) -> Calibration:
    """Measure ``t -> P_null(p <= t)`` from null tail probabilities (weights: detections).

    A grid point below the measured range (fewer than ``min_samples`` samples at
    or below it) takes the ratio ``F(t) / t`` of the first point that has enough,
    but at least 1: where the null cannot measure, the map may weaken the evidence,
    never sharpen it. With no measured point at all the map is the identity (or,
    with ``at_least_nominal``, the Bonferroni factor 2, for a minimum of two).
    ``at_least_nominal`` keeps ``F(t) >= t``.
    """
    t = 10.0**GRID
    if len(tail) == 0 or weight.sum() <= 0:
        ratio = np.full(len(t), 2.0 if at_least_nominal else 1.0)
    else:
        order = np.argsort(tail, kind="stable")
        values, cum_w = tail[order], np.cumsum(weight[order]) / weight.sum()
        below = np.searchsorted(values, t, side="right")  # samples with p <= t
        measured = np.where(below > 0, cum_w[np.maximum(below - 1, 0)], 0.0)
        ratio = measured / t
        enough = below >= min_samples
        if not enough.any():
            ratio[:] = 2.0 if at_least_nominal else 1.0
        else:
            first_ok = int(np.argmax(enough))
            # Below the measured range, carry the last measured ratio, but never sharpen
            # there: an unmeasured tail may only lose evidence, not gain it.
            ratio[:first_ok] = max(ratio[first_ok], 1.0)
            for i in range(first_ok + 1, len(ratio)):  # a thin spot inside: carry the last
                if not enough[i]:
                    ratio[i] = ratio[i - 1]
        if at_least_nominal:
            ratio = np.maximum(ratio, 1.0)
    calibrated = np.maximum.accumulate(np.clip(t * ratio, _TINY, 1.0))
    calibrated[-1] = 1.0
    return Calibration(GRID.astype(float), np.log10(calibrated))


@dataclass(frozen=True)
class TailCombination:
    """The three maps of the module docstring."""

    persistent: Calibration
    burst: Calibration
    minimum: Calibration

    def combine(self, first: ArrayLike, second: ArrayLike | None = None) -> NDArray[np.float64]:
        """Combined tail probability; without ``second`` the calibrated ``first`` alone."""
        calibrated = self.persistent(first)
        if second is None:
            return calibrated
        return self.minimum(np.minimum(calibrated, self.burst(second)))

    @classmethod
    def identity(cls) -> TailCombination:
        """No correction at all (a baseline fitted without samples to measure on)."""
        return cls(Calibration.identity(), Calibration.identity(), Calibration.identity())

    def ratios(self) -> dict[str, dict[str, float]]:
        """``F(t) / t`` of each map at 1e-4, 1e-3, 1e-2 and 1e-1 (for summaries)."""
        out: dict[str, dict[str, float]] = {}
        for name in ("persistent", "burst", "minimum"):
            cal: Calibration = getattr(self, name)
            out[name] = {
                f"{10**t:.0e}": round(float(10 ** (f - t)), 3)
                for t, f in zip(cal.log10_tail, cal.log10_calibrated, strict=True)
                if t in (-4.0, -3.0, -2.0, -1.0)
            }
        return out


def build_tail_combination(
    first: NDArray[np.float64],
    second: NDArray[np.float64] | None,
    weight: NDArray[np.float64],
) -> TailCombination:
    """Measure the maps from paired null tail probabilities (``second`` None: one statistic)."""
    persistent = calibrate(first, weight)
    if second is None:
        return TailCombination(persistent, Calibration.identity(), Calibration.identity())
    burst = calibrate(second, weight)
    low = np.minimum(persistent(first), burst(second))
    return TailCombination(persistent, burst, calibrate(low, weight, at_least_nominal=True))
