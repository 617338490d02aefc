"""Tunables of the peacetime baseline, each with the reason for its default."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from truceline.errors import BaselineError
from truceline.grid import DEFAULT_CELL_DEG, grid_shape

__all__ = ["BaselineParams"]


@dataclass(frozen=True)
class BaselineParams:
    """How the peacetime model is fitted and which neighbourhood statistic it calibrates.

    The neighbourhood settings (``rings``, ``window_before_days``,
    ``window_after_days``) belong here, not to the detector, because the
    baseline calibrates the null distribution of exactly that statistic.
    """

    cell_deg: float = DEFAULT_CELL_DEG
    """Cell size in degrees. 0.1 is The Economist's grid: fine enough to separate a
    front-line village from the fields behind it, coarse enough for stable rates."""

    season_sigma_days: float = 7.0
    """Gaussian smoothing of the day-of-year profile (days). Spring field burning and
    the July-August harvest burning move by one to two weeks between years."""

    pool_rings: int = 2
    """Pooling neighbourhood: cells within this many rings (5 x 5 cells, about
    37 x 55 km) lend their rate to a cell with little history."""

    pool_strength: float = 3.0
    """Shrinkage strength: a cell with N active cell-days in the fit keeps weight
    N / (N + 3) on its own history and gives the rest to the pooled rate, so one
    stray detection does not make a cell 'normal' and an empty cell is not 'impossible'."""

    floor_rate: float = 2e-4
    """Smallest expected chance that a cell is active on a day (about one active day
    in 14 years): no place is declared fire-free because the fit years missed it."""

    normalise_years: bool = True
    """Divide each fit year by its activity level (active cell-days per covered day,
    relative to the geometric mean of the fit years) so that one extreme fire year
    or a change of sensor mix does not set the shape of the season."""

    persistent_share: float = 0.10
    """A cell active on at least this share of the fit days is a persistent heat
    source (steel works, coke plants, gas flares, power plants). The real ones in
    Ukraine sit at 20-70 %; field cells stay below 5 %."""

    rings: int = 1
    """Neighbourhood of the excess statistic: the cell and the cells within this many
    rings (3 x 3 cells, about 22 x 33 km; artillery reaches 20-40 km)."""

    window_before_days: int = 30
    """Days before a detection's day counted in its neighbourhood statistic. Fighting
    persists along a front for weeks; a harvest or wildfire burst comes and goes."""

    window_after_days: int = 0
    """Days after a detection's day counted. 0 keeps scoring causal: a detection's
    score never changes when later data arrive, and nothing is flagged before it happened."""

    regional_scale: bool = True
    """Judge local excess against the regional activity scale of the same window (see
    :mod:`truceline.baseline.activity`): weather, year and sensor mix then cancel out.
    At about the same peacetime false-alarm rate it flags 1.5-2.3 times as many
    2022-2023 detections (docs/detection.md)."""

    scale_block_deg: float = 2.0
    """Block size of the regional scale, degrees: about 20 blocks cover Ukraine, so the
    front's blocks stay a minority; 1 and 4 degrees gave the same results."""

    scale_pseudo: float = 5.0
    """Pseudo-count (active cell-days) added to each block's observed and expected
    activity: a block with little data leans to a ratio of 1."""

    burst: bool = True
    """Also calibrate the short-window *burst* statistic (ADR 0026): fire sites in the
    neighbourhood on the detection's day. The 31-day statistic finds sustained fighting
    but is blind to a single artillery exchange, strike or burning depot."""

    burst_site_deg: float = 0.02
    """Size of a fire *site* (degrees; about 1.5 x 2.2 km): the burst statistic counts
    distinct sites, not detections, so one field fire seen by five satellites counts
    once or twice while an artillery exchange (fires a few hundred metres to a few km
    apart) counts many times. Must divide ``cell_deg``."""

    burst_rings: int = 0
    """Neighbourhood of the burst statistic in rings of cells: 0, the detection's own
    cell (about 7 x 11 km), which holds most of an exchange along 5-10 km of line; a
    3 x 3 neighbourhood adds the background of eight more cells to the count."""

    burst_window_days: int = 1
    """Days (ending on the detection's day) the burst statistic counts. One: a violation
    must show on the day it happens, and a window of one day is not diluted by the
    quiet days around a short event."""

    burst_quiet_days: int = 3
    """Days before a detection's day over which its neighbourhood's recent activity is
    measured, to stratify the burst null (:mod:`truceline.baseline.burst`). Three: a
    front that fell silent at a ceasefire counts as quiet from its fourth day, when
    violations matter most; a week or a month keeps the fighting before the ceasefire
    in the window (on the simulator's ceasefire scenarios, 30 days found a third of
    the events that 3 or 7 days found, at the same false-alarm rate)."""

    burst_quiet_pseudo: float = 1.0
    """Pseudo-count (active cell-days) added to observed and expected recent activity:
    one active cell-day in an otherwise empty week is not 'ten times busier than usual'."""

    burst_strata: int = 4
    """Classes of recent activity (equal shares of the null's detections) in the burst
    null; four keep about 125,000 detections behind each class on 2012-2020."""

    null_levels: tuple[float, ...] = (0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999)
    """Quantile levels of the null table (leave-one-year-out scores of the fit years)."""

    null_bins: int = 16
    """Bins of the expected value in the null table (equal numbers of detections)."""

    null_window_days: tuple[int, ...] | None = None
    """Window lengths (covered days) for which the null is tabulated; a detection whose
    window is cut by the edge of the data (a one-day file, the first days of an archive)
    is judged against the null of its own length. None: 1, 2, 4, 8, ... below the full
    window, and the full window."""

    def __post_init__(self) -> None:
        grid_shape(self.cell_deg)  # raises on a size that does not divide 180
        checks = {
            "season_sigma_days": self.season_sigma_days > 0,
            "pool_rings": self.pool_rings >= 0,
            "pool_strength": self.pool_strength >= 0,
            "floor_rate": 0 < self.floor_rate < 1,
            "persistent_share": 0 < self.persistent_share <= 1,
            "rings": self.rings >= 0,
            "scale_block_deg": self.scale_block_deg >= self.cell_deg,
            "scale_pseudo": self.scale_pseudo > 0,
            "window_before_days": self.window_before_days >= 0,
            "window_after_days": self.window_after_days >= 0,
            "null_levels": list(self.null_levels) == sorted(set(self.null_levels))
            and all(0 < level < 1 for level in self.null_levels),
            "null_bins": self.null_bins >= 1,
            "burst_rings": self.burst_rings >= 0,
            "burst_site_deg": 0 < self.burst_site_deg <= self.cell_deg
            and abs(
                self.cell_deg / self.burst_site_deg - round(self.cell_deg / self.burst_site_deg)
            )
            < 1e-6,
            "burst_window_days": 1 <= self.burst_window_days <= self.window_days,
            "burst_quiet_days": self.burst_quiet_days >= 1,
            "burst_quiet_pseudo": self.burst_quiet_pseudo > 0,
            "burst_strata": self.burst_strata >= 1,
            "null_window_days": self.null_window_days is None
            or (
                list(self.null_window_days) == sorted(set(self.null_window_days))
                and self.null_window_days[0] >= 1
            ),
        }
        for name, ok in checks.items():
            if not ok:
                raise BaselineError(
                    f"BaselineParams.{name} has an invalid value {getattr(self, name)!r}"
                )

    @property
    def window_days(self) -> int:
        """Length of a full neighbourhood window in days."""
        return self.window_before_days + 1 + self.window_after_days

    @property
    def scale_block_cells(self) -> int:
        """Block size of the regional scale in cells."""
        return max(1, round(self.scale_block_deg / self.cell_deg))

    @property
    def null_windows(self) -> tuple[int, ...]:
        """The window lengths the null is tabulated for (see ``null_window_days``)."""
        if self.null_window_days is not None:
            return self.null_window_days
        full = self.window_days
        powers = [2**i for i in range(12) if 2**i < full]
        return (*powers, full)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of the parameters."""
        return {
            key: list(val) if isinstance(val, tuple) else val for key, val in asdict(self).items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaselineParams:
        """Parameters from :meth:`to_dict` output (unknown keys are refused)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BaselineError(f"unknown baseline parameters {unknown}")
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items()
        }
        return cls(**values)
