"""The fitted peacetime baseline: rates per cell and season day, mask, null table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from truceline.baseline.activity import block_expected, regional_scale
from truceline.baseline.combine import TailCombination
from truceline.baseline.neighbourhood import spatial_sum
from truceline.baseline.null import NullTable
from truceline.baseline.params import BaselineParams
from truceline.baseline.rates import SeasonStats, pooled_rate
from truceline.baseline.statistic import CellDays
from truceline.grid import GridBox, cell_center

__all__ = ["Baseline", "YearRecord"]


@dataclass(frozen=True)
class YearRecord:
    """One fit year: what it held and how it was scaled."""

    year: int
    detections: int
    active_cell_days: int
    covered_days: int
    scale: float  # activity per covered day relative to the fit years' geometric mean


@dataclass(frozen=True)
class Baseline:
    """Expected fire activity per cell and season day in peacetime, with its null.

    ``expected_active`` is the chance that a cell has at least one detection
    on a day, ``expected_detections`` the expected number of detections; both
    are for an average fit year (scale 1) and the fit data's sensor mix.
    Cells in ``persistent`` are persistent heat sources: they count neither in
    a neighbourhood's observed nor in its expected activity. ``null`` is the
    null of the persistent (31-day) statistic, ``burst_null`` that of the burst
    (one-day) statistic (None when the baseline was fitted without it) and
    ``combination`` calibrates each tail probability and their minimum.
    """

    params: BaselineParams
    box: GridBox
    stats: SeasonStats
    persistent: NDArray[np.bool_]  # (rows, cols)
    null: NullTable
    burst_null: NullTable | None
    combination: TailCombination
    years: tuple[YearRecord, ...]
    sensor_mix: str
    data_sha256: str  # of the (date, lat, lon) rows the fit used, sorted
    source_sha256: tuple[str, ...]  # of the files those rows came from
    n_detections: int
    created: str  # UTC ISO time of the fit
    software: str  # truceline version that fitted it
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def expected_active(self) -> NDArray[np.float32]:
        """Chance that each cell is active on each season day, (rows, cols, 365)."""
        return pooled_rate(
            self.stats, self.stats.active, self.params, active=True, exclude=self.persistent
        )

    @cached_property
    def expected_detections(self) -> NDArray[np.float32]:
        """Expected detections per cell and season day, (rows, cols, 365)."""
        return pooled_rate(
            self.stats, self.stats.detections, self.params, active=False, exclude=self.persistent
        )

    @cached_property
    def neighbourhood_expected(self) -> NDArray[np.float32]:
        """Expected active cell-days per day in each cell's neighbourhood, masked cells out."""
        rate = np.where(self.persistent[:, :, None], 0.0, self.expected_active)
        return spatial_sum(rate, self.params.rings).astype(np.float32)

    @cached_property
    def expected_blocks(self) -> NDArray[np.float64]:
        """Expected active cell-days per scale block and season day (masked cells out)."""
        rate = np.where(self.persistent[:, :, None], 0.0, self.expected_active)
        return block_expected(rate, self.params.scale_block_cells)

    @cached_property
    def expected_sites(self) -> NDArray[np.float32]:
        """Expected fire sites per cell and season day, (rows, cols, 365)."""
        return pooled_rate(
            self.stats, self.stats.sites, self.params, active=False, exclude=self.persistent
        )

    @cached_property
    def burst_expected(self) -> NDArray[np.float32]:
        """Expected fire sites per day in each cell's burst neighbourhood, masked cells out."""
        rate = np.where(self.persistent[:, :, None], 0.0, self.expected_sites)
        return spatial_sum(rate, self.params.burst_rings).astype(np.float32)

    @cached_property
    def site_blocks(self) -> NDArray[np.float64]:
        """Expected fire sites per scale block and season day (masked cells out)."""
        rate = np.where(self.persistent[:, :, None], 0.0, self.expected_sites)
        return block_expected(rate, self.params.scale_block_cells)

    def site_scale(self, active: CellDays, season_day: NDArray[np.int64]) -> NDArray:
        """Regional scale of fire sites for each day of a span (``active`` with sites)."""
        if not self.params.regional_scale:
            return np.ones(active.n_days)
        return regional_scale(
            active,
            self.persistent,
            self.site_blocks,
            season_day,
            block=self.params.scale_block_cells,
            pseudo=self.params.scale_pseudo,
            before=self.params.window_before_days,
            after=self.params.window_after_days,
            count_sites=True,
        )

    def activity_scale(self, active: CellDays, season_day: NDArray[np.int64]) -> NDArray:
        """Regional activity scale for each day of a span (1 when the scale is disabled)."""
        if not self.params.regional_scale:
            return np.ones(active.n_days)
        return regional_scale(
            active,
            self.persistent,
            self.expected_blocks,
            season_day,
            block=self.params.scale_block_cells,
            pseudo=self.params.scale_pseudo,
            before=self.params.window_before_days,
            after=self.params.window_after_days,
        )

    @property
    def fit_years(self) -> tuple[int, ...]:
        """The years the baseline was fitted on."""
        return tuple(record.year for record in self.years)

    def persistent_sources(self) -> list[dict[str, float]]:
        """Centre and active share of each masked cell, busiest first."""
        rows, cols = np.nonzero(self.persistent)
        ids = self.box.cell_ids()[rows, cols]
        lon, lat = cell_center(ids, self.box.size_deg)
        covered = float(self.stats.coverage.sum()) or 1.0
        share = self.stats.cell_days[rows, cols] / covered
        order = np.argsort(-share, kind="stable")
        return [
            {
                "cell": int(ids[i]),
                "lon": float(lon[i]),
                "lat": float(lat[i]),
                "share": float(share[i]),
            }
            for i in order
        ]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description (what ``truceline baseline show`` prints)."""
        from truceline.baseline.storage import CALIBRATION, FORMAT

        west = -180.0 + self.box.col0 * self.box.size_deg
        south = -90.0 + self.box.row0 * self.box.size_deg
        return {
            "fit_years": list(self.fit_years),
            "years": [record.__dict__ for record in self.years],
            "n_detections": self.n_detections,
            "sensor_mix": self.sensor_mix,
            "grid": {
                "cell_deg": self.box.size_deg,
                "rows": self.box.n_rows,
                "cols": self.box.n_cols,
                "bbox": [
                    round(west, 6),
                    round(south, 6),
                    round(west + self.box.n_cols * self.box.size_deg, 6),
                    round(south + self.box.n_rows * self.box.size_deg, 6),
                ],
            },
            "persistent_sources": len(self.persistent_sources()),
            "null_detections": {
                int(w): int(n)
                for w, n in zip(self.null.window_days, self.null.samples, strict=True)
            },
            "burst_null_detections": None
            if self.burst_null is None
            else {
                f"ratio {r:.2f}": int(n)
                for r, n in zip(self.burst_null.strata, self.burst_null.samples, strict=True)
            },
            "tail_calibration": self.combination.ratios(),
            "format": FORMAT,
            "calibration": CALIBRATION,
            "data_sha256": self.data_sha256,
            "source_sha256": list(self.source_sha256),
            "created": self.created,
            "software": self.software,
            "params": self.params.to_dict(),
        }

    def save(self, path: str | Path) -> Path:
        """Write the baseline as one ``.npz`` file (see :mod:`truceline.baseline.storage`)."""
        from truceline.baseline.storage import save_baseline

        return save_baseline(self, path)
