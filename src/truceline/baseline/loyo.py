"""Leave-one-year-out samples of both statistics: what a *new* peacetime year looks like.

Each fit year is scored against a baseline fitted on the other years, exactly
as the detector scores new data (same neighbourhoods, same regional scales),
and every active cell-day becomes a sample weighted by its detections:

* the persistent statistic (active cell-days around it, windows of 1 .. 31
  covered days, ADR 0022) against the active-cell rate times the activity scale;
* the burst statistic (fire sites around it on its day, ADR 0026) against the
  site rate times the site scale, with the neighbourhood's recent activity ratio
  (:mod:`truceline.baseline.burst`) that stratifies its null;
* for cell-days where both windows are full, the pair, from which the
  combination of the two tail probabilities is calibrated (ADR 0026).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from truceline.baseline.activity import block_expected, regional_scale
from truceline.baseline.burst import quiet_ratio
from truceline.baseline.neighbourhood import spatial_sum
from truceline.baseline.params import BaselineParams
from truceline.baseline.rates import SeasonStats, pooled_rate
from truceline.baseline.statistic import CellDays, NeighbourhoodCubes

__all__ = ["HeldOutYear", "NullSamples", "null_samples"]

Sample = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


@dataclass(frozen=True)
class HeldOutYear:
    """One fit year as the leave-one-year-out scoring needs it."""

    scaled: SeasonStats  # its year-normalised sums (subtracted from the total)
    active: CellDays  # its active cell-days with their detection counts
    season_day: NDArray[np.int64]  # season day of each day of its span


@dataclass
class NullSamples:
    """Samples of each statistic, and the pairs of both where both windows are full.

    ``persistent``: per window length, (expected, observed, weight) chunks;
    ``burst``: (expected, observed, weight, recent activity ratio) chunks;
    ``pairs``: (persistent expected, observed, burst expected, observed, ratio, weight).
    """

    persistent: dict[int, list[Sample]] = field(default_factory=dict)
    burst: list[tuple[NDArray[np.float64], ...]] = field(default_factory=list)
    pairs: list[tuple[NDArray[np.float64], ...]] = field(default_factory=list)

    def joined_persistent(self) -> dict[float, Sample]:
        """The persistent samples concatenated per window length."""
        return {
            float(n): tuple(np.concatenate([c[i] for c in chunks]) for i in range(3))  # type: ignore[misc]
            for n, chunks in self.persistent.items()
            if chunks
        }

    @staticmethod
    def _join(chunks: list[tuple[NDArray[np.float64], ...]], width: int) -> tuple[NDArray, ...]:
        if not chunks:
            return tuple(np.zeros(0) for _ in range(width))
        return tuple(np.concatenate([c[i] for c in chunks]) for i in range(width))

    def joined_burst(self) -> tuple[NDArray[np.float64], ...]:
        """(expected, observed, weight, ratio) of every burst sample."""
        return self._join(self.burst, 4)

    def joined_pairs(self) -> tuple[NDArray[np.float64], ...]:
        """(persistent expected, observed, burst expected, observed, ratio, weight)."""
        return self._join(self.pairs, 6)


def _scale(
    active: CellDays,
    persistent: NDArray[np.bool_],
    blocks: NDArray[np.float64],
    year: HeldOutYear,
    params: BaselineParams,
    *,
    before: int,
    after: int,
    count_sites: bool = False,
) -> NDArray[np.float64]:
    if not params.regional_scale:
        return np.ones(active.n_days)
    return regional_scale(
        active,
        persistent,
        blocks,
        year.season_day,
        block=params.scale_block_cells,
        pseudo=params.scale_pseudo,
        before=before,
        after=after,
        count_sites=count_sites,
    )


def _windows(params: BaselineParams, n: int) -> tuple[int, int] | None:
    """(before, after) of a window of n covered days, or None when it cannot be that long."""
    before = min(params.window_before_days, n - 1)
    after = min(params.window_after_days, n - 1 - before)
    return (before, after) if before + after + 1 == n else None


def _cubes(
    year: HeldOutYear, rest: SeasonStats, persistent: NDArray[np.bool_], params: BaselineParams,
    *, sites: bool,
) -> tuple[NDArray[np.float64], NeighbourhoodCubes]:  # fmt: skip
    """Expected blocks and neighbourhood cubes of the held-out year against the other years:
    active cell-days for the persistent statistic, fire sites for the burst."""
    counts = rest.sites if sites else rest.active
    rate = pooled_rate(rest, counts, params, active=not sites, exclude=persistent)
    rate = np.where(persistent[:, :, None], 0.0, rate)
    rings = params.burst_rings if sites else params.rings
    cubes = NeighbourhoodCubes(
        year.active,
        rest.shape,
        year.season_day,
        spatial_sum(rate, rings).astype(np.float32),
        persistent,
        rings=rings,
        count_sites=sites,
    )
    return block_expected(rate, params.scale_block_cells), cubes


def _persistent(
    year: HeldOutYear, rest: SeasonStats, persistent: NDArray[np.bool_], params: BaselineParams,
    query: CellDays, weight: NDArray[np.float64], out: NullSamples,
) -> tuple[NDArray[np.float64], ...]:  # fmt: skip
    """Samples of the persistent statistic; returns the full window's (for the pairs),
    with the recent activity ratio of every query as a fourth array."""
    blocks, cubes = _cubes(year, rest, persistent, params, sites=False)
    full = (np.zeros(0), np.zeros(0), np.zeros(0), np.ones(len(query.row)))
    for n in params.null_windows:
        window = _windows(params, n)
        if window is None:
            continue
        before, after = window
        stats = cubes.at(query, before=before, after=after)
        scale = _scale(year.active, persistent, blocks, year, params, before=before, after=after)
        expected = stats.expected * scale[query.day]
        ok = stats.days == n
        out.persistent.setdefault(n, []).append((expected[ok], stats.observed[ok], weight[ok]))
        if n == params.window_days:
            ratio = quiet_ratio(cubes, query, scale, params)
            full = (expected, stats.observed.astype(float), ok.astype(float), ratio)
    return full


def _burst(
    year: HeldOutYear, rest: SeasonStats, persistent: NDArray[np.bool_], params: BaselineParams,
    query: CellDays, weight: NDArray[np.float64], ratio: NDArray[np.float64], out: NullSamples,
) -> Sample:  # fmt: skip
    """Samples of the burst statistic (its one window); returns them for all queries."""
    blocks, cubes = _cubes(year, rest, persistent, params, sites=True)
    n = params.burst_window_days
    stats = cubes.at(query, before=n - 1, after=0)
    scale = _scale(
        year.active,
        persistent,
        blocks,
        year,
        params,
        before=params.window_before_days,
        after=params.window_after_days,
        count_sites=True,
    )
    expected = stats.expected * scale[query.day]
    ok = stats.days == n
    out.burst.append((expected[ok], stats.observed[ok].astype(float), weight[ok], ratio[ok]))
    return expected, stats.observed.astype(float), ok.astype(float)


def null_samples(
    total: SeasonStats,
    years: list[HeldOutYear],
    persistent: NDArray[np.bool_],
    params: BaselineParams,
) -> NullSamples:
    """Leave-one-year-out samples of the fit years (see the module docstring)."""
    out = NullSamples()
    for year in years:
        rest = total.minus(year.scaled)
        act = year.active
        keep = ~persistent[act.row, act.col]
        query = CellDays(act.row[keep], act.col[keep], act.day[keep], act.n_days)
        weight = act.detections()[keep].astype(float)
        p_exp, p_obs, p_ok, ratio = _persistent(year, rest, persistent, params, query, weight, out)
        if not params.burst:
            continue
        b_exp, b_obs, b_ok = _burst(year, rest, persistent, params, query, weight, ratio, out)
        if len(p_ok) != len(b_ok):
            continue  # the full persistent window is not tabulated: nothing to pair
        both = (p_ok > 0) & (b_ok > 0)
        out.pairs.append(
            (p_exp[both], p_obs[both], b_exp[both], b_obs[both], ratio[both], weight[both])
        )
    return out
