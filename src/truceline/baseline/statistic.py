"""Neighbourhood statistics: observed and expected activity around a cell-day.

Two statistics share this code: the persistent one counts *active cell-days*
in the 3 x 3 cells over 31 days, the burst one counts *fire sites* in the
detection's cell on its day (ADR 0026; :mod:`truceline.baseline.sites`).
Shared by the fit (leave-one-year-out null) and the detector, so both compute
exactly the same thing. Inputs are box-local: rows and columns of the
baseline's grid box and day offsets into a span of consecutive days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from truceline.baseline.neighbourhood import day_cumsum, spatial_sum, window_bounds, window_lookup

__all__ = ["CellDays", "NeighbourhoodCubes", "NeighbourhoodStats", "neighbourhood_stats"]


@dataclass(frozen=True)
class CellDays:
    """Active cell-days on a span of ``n_days`` consecutive days (box-local indices)."""

    row: NDArray[np.int64]
    col: NDArray[np.int64]
    day: NDArray[np.int64]  # 0 .. n_days - 1
    n_days: int
    count: NDArray[np.int64] | None = None  # detections of each cell-day (None: unknown)
    sites: NDArray[np.int64] | None = None  # fire sites of each cell-day (None: unknown)

    def detections(self) -> NDArray[np.int64]:
        """Detections of each cell-day (1 each when the counts are unknown)."""
        if self.count is None:
            return np.ones(len(self.row), dtype=np.int64)
        return self.count

    def site_count(self) -> NDArray[np.int64]:
        """Fire sites of each cell-day (1 each when unknown)."""
        if self.sites is None:
            return np.ones(len(self.row), dtype=np.int64)
        return self.sites


@dataclass(frozen=True)
class NeighbourhoodStats:
    """Statistic at each query cell-day."""

    observed: NDArray[np.int64]  # active cell-days in the neighbourhood window
    expected: NDArray[np.float64]  # their expectation under the baseline
    days: NDArray[np.int64]  # covered days in the window


class NeighbourhoodCubes:
    """Cumulative observed and expected neighbourhood activity over a span of days.

    Built once per span; :meth:`at` then reads any window around any cell-day.
    With ``count_sites`` each cell-day weighs its number of fire sites (the
    burst statistic); otherwise 1 (active cell-days, the persistent one).
    """

    def __init__(
        self,
        active: CellDays,
        shape: tuple[int, int],
        season_day: NDArray[np.int64],
        expected_per_day: NDArray[np.float32],
        excluded: NDArray[np.bool_],
        *,
        rings: int,
        scale: float = 1.0,
        count_sites: bool = False,
    ) -> None:
        self.n_days = active.n_days
        keep = ~excluded[active.row, active.col]
        if count_sites:
            cube = np.zeros(shape + (active.n_days,), dtype=np.int32)
            np.add.at(
                cube,
                (active.row[keep], active.col[keep], active.day[keep]),
                active.site_count()[keep].astype(np.int32),
            )
        else:
            cube = np.zeros(shape + (active.n_days,), dtype=np.uint8)
            cube[active.row[keep], active.col[keep], active.day[keep]] = 1
        self.observed = day_cumsum(spatial_sum(cube, rings))
        del cube
        self.expected = day_cumsum(expected_per_day[:, :, season_day])
        self.scale = scale

    def at(
        self,
        query: CellDays,
        *,
        before: int,
        after: int,
        first: NDArray[np.int64] | None = None,
    ) -> NeighbourhoodStats:
        """Statistic at each query cell-day for the window ``before`` .. ``after`` days.

        ``first``: for each query, the earliest day its window may reach back to (an
        agreement's start, ADR 0028); the window then covers fewer days and
        ``days`` says how many.
        """
        lo, hi = window_bounds(query.day, self.n_days, before, after)
        if first is not None:
            lo = np.minimum(np.maximum(lo, first), query.day)
        observed = window_lookup(self.observed, query.row, query.col, lo, hi).astype(np.int64)
        expected = window_lookup(self.expected, query.row, query.col, lo, hi).astype(float)
        return NeighbourhoodStats(observed, self.scale * expected, hi - lo)


def neighbourhood_stats(
    active: CellDays,
    shape: tuple[int, int],
    season_day: NDArray[np.int64],
    expected_per_day: NDArray[np.float32],
    excluded: NDArray[np.bool_],
    query: CellDays,
    *,
    rings: int,
    before: int,
    after: int,
    scale: float = 1.0,
) -> NeighbourhoodStats:
    """Observed and expected active cell-days around each query cell-day.

    ``expected_per_day`` is the baseline's neighbourhood expectation per cell
    and season day (already summed over the rings, excluded cells out);
    ``season_day`` maps each day of the span to its season day; ``excluded``
    cells (persistent sources) never count as observed activity.
    """
    cubes = NeighbourhoodCubes(
        active, shape, season_day, expected_per_day, excluded, rings=rings, scale=scale
    )
    return cubes.at(query, before=before, after=after)
