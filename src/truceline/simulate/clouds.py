"""Cloud cover that hides fires: a clear/cloudy mask per cell, day and time of day.

Each day every cloud region (a weather block in the random model, an oblast
in the table model) has a cloud fraction. The region is cut into cells of
``cell_deg``; in each time bin of ``decorrelation_hours`` a cell is cloudy when
a uniform draw falls below its region's fraction. Passes in the same bin (the
three VIIRS satellites, an hour apart) thus see the same clouds; the next bin
draws afresh. The table model reads the real daily per-oblast cloud cover
(Open-Meteo, ``ukr_weather_data_YYYY.csv.gz``) through :mod:`truceline.clouds`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from truceline import clouds as cloud_tables
from truceline.errors import ScenarioError
from truceline.simulate.geometry import Area
from truceline.simulate.passes import day_start_seconds
from truceline.simulate.scenario import Clouds, resolve_path

__all__ = ["CloudDay", "CloudField"]

F64 = NDArray[np.float64]


@dataclass
class CloudDay:
    """One day's clouds: a fraction per cell, and lazily drawn masks per time bin."""

    day: date
    cover: F64  # per cell, 0-1
    regions: list[tuple[str, float]]  # (region id, cover) for the truth table
    model: CloudField
    _masks: dict[int, NDArray[np.bool_]] = field(default_factory=dict)

    def _mask(self, time_bin: int) -> NDArray[np.bool_]:
        if time_bin not in self._masks:
            rng = np.random.default_rng([self.model.seed, 201, self.day.toordinal(), time_bin])
            self._masks[time_bin] = rng.random(len(self.cover)) >= self.cover
        return self._masks[time_bin]

    def _bins(self, t: F64) -> NDArray[np.int64]:
        hours = (np.asarray(t, float) - day_start_seconds(self.day)) / 3600.0
        return np.floor(hours / self.model.spec.decorrelation_hours).astype(np.int64)

    def clear(self, lon: F64, lat: F64, t: F64) -> NDArray[np.bool_]:
        """Whether each point is cloud-free at time ``t`` (Unix seconds)."""
        cells = self.model.cell_of(lon, lat)
        bins = self._bins(t)
        out = np.ones(len(cells), dtype=bool)
        for b in np.unique(bins):
            here = bins == b
            out[here] = self._mask(int(b))[cells[here]]
        return out

    def clear_fraction(self, t: float) -> float:
        """Share of the region's cells that are clear at time ``t``."""
        return float(self._mask(int(self._bins(np.array([t]))[0])).mean())


class CloudField:
    """The scenario's cloud model over the region's cell grid."""

    def __init__(self, spec: Clouds, area: Area, base_dir: Path, seed: int) -> None:
        self.spec = spec
        self.seed = seed
        west, south, east, north = area.bbox
        self._origin = (west, south)
        self._nx = max(1, int(np.ceil((east - west) / spec.cell_deg)))
        ny = max(1, int(np.ceil((north - south) / spec.cell_deg)))
        ix, iy = np.meshgrid(np.arange(self._nx), np.arange(ny))
        self.lon = west + (ix.ravel() + 0.5) * spec.cell_deg
        self.lat = south + (iy.ravel() + 0.5) * spec.cell_deg
        self._region, self._region_ids = self._regions(base_dir)
        self._table: dict[tuple[str, date], float] = {}
        self._warned: set[date] = set()
        if spec.model == "table":
            self._load_tables(base_dir)

    def cell_of(self, lon: F64, lat: F64) -> NDArray[np.int64]:
        """Cell index of each point (points outside the grid take the nearest edge cell)."""
        ny = len(self.lon) // self._nx
        ix = np.clip(
            ((lon - self._origin[0]) / self.spec.cell_deg).astype(np.int64), 0, self._nx - 1
        )
        iy = np.clip(((lat - self._origin[1]) / self.spec.cell_deg).astype(np.int64), 0, ny - 1)
        return np.asarray(iy * self._nx + ix)

    def _regions(self, base_dir: Path) -> tuple[NDArray[np.int64], list[str]]:
        if self.spec.model == "table":
            path = self.spec.oblast_grid
            grid = cloud_tables.load_oblast_grid(resolve_path(path, base_dir) if path else None)
            scale = np.cos(np.radians(48.5))
            tree = cKDTree(
                np.column_stack([grid["lon"].to_numpy() * scale, grid["lat"].to_numpy()])
            )
            _, nearest = tree.query(np.column_stack([self.lon * scale, self.lat]))
            names = grid["oblast_id"].to_numpy()[nearest]
        else:
            bx = np.floor((self.lon - self._origin[0]) / self.spec.block_deg).astype(int)
            by = np.floor((self.lat - self._origin[1]) / self.spec.block_deg).astype(int)
            names = np.array([f"B{y:02d}-{x:02d}" for x, y in zip(bx, by, strict=True)])
        ids, region = np.unique(names, return_inverse=True)
        return region.astype(np.int64), [str(i) for i in ids]

    def _load_tables(self, base_dir: Path) -> None:
        raw = self.spec.table
        paths = [resolve_path(p, base_dir) for p in ([raw] if isinstance(raw, str) else raw or [])]
        try:
            table = cloud_tables.read_cloud_cover(paths)
        except Exception as error:  # the table reader raises InputError; keep the field name
            raise ScenarioError(f"field 'clouds.table': {error}") from error
        self._table = {
            (str(o), d): float(c) / 100.0
            for o, d, c in zip(table["oblast_id"], table["date"], table["cloud_cover"], strict=True)
        }

    def _table_date(self, day: date) -> date:
        if self.spec.year is None:
            return day
        try:
            return day.replace(year=self.spec.year)
        except ValueError:  # 29 February in a common year
            return date(self.spec.year, 2, 28)

    def _region_cover(self, day: date) -> F64:
        n = len(self._region_ids)
        if self.spec.model == "none":
            return np.zeros(n)
        if self.spec.model == "random":
            mean, k = self.spec.mean_cover, self.spec.concentration
            if mean <= 0.0 or mean >= 1.0:
                return np.full(n, mean)
            rng = np.random.default_rng([self.seed, 200, day.toordinal()])
            return np.asarray(rng.beta(mean * k, (1.0 - mean) * k, n))
        when = self._table_date(day)
        values = np.array([self._table.get((r, when), np.nan) for r in self._region_ids])
        if np.isnan(values).any() and when not in self._warned:
            self._warned.add(when)
            warnings.warn(
                f"clouds.table: no cloud cover for {int(np.isnan(values).sum())} region(s) on "
                f"{when}; using mean_cover {self.spec.mean_cover}",
                stacklevel=3,
            )
        return np.where(np.isnan(values), self.spec.mean_cover, values)

    def mean_cover(self, days: list[date]) -> float:
        """Mean cloud fraction over the region and ``days`` (the period's climate)."""
        if self.spec.model == "none" or not days:
            return 0.0
        if self.spec.model == "random":
            return self.spec.mean_cover
        return float(np.mean([self._region_cover(d)[self._region].mean() for d in days]))

    def day(self, day: date) -> CloudDay:
        """The clouds of ``day``."""
        region_cover = self._region_cover(day)
        regions = [(r, float(c)) for r, c in zip(self._region_ids, region_cover, strict=True)]
        return CloudDay(day, region_cover[self._region], regions, self)
