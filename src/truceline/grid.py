"""The cell-day grid: regular latitude/longitude cells and a 365-day season calendar.

Cells are numbered on one global grid so that ids from different files, years
and baselines agree: ``row = floor((lat + 90) / size)``, ``col = floor((lon +
180) / size)``, ``id = row * n_cols + col``. A point exactly on a cell edge
belongs to the cell to its north/east. The default size is 0.1 degree, the
grid of The Economist's war-fire model (about 7.4 km x 11.1 km at 48 N).

:class:`GridBox` is a rectangular window of that grid; the baseline and the
detector keep dense arrays over a box rather than over the whole globe.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from truceline.errors import InputError

__all__ = [
    "DAYS_PER_SEASON",
    "DEFAULT_CELL_DEG",
    "GridBox",
    "cell_bounds",
    "cell_center",
    "cell_id",
    "cell_rowcol",
    "day_of_season",
    "grid_shape",
]

#: Default cell size in degrees (The Economist's war-fire model uses 0.1).
DEFAULT_CELL_DEG = 0.1

#: Days in the seasonal calendar: 29 February shares 28 February's slot.
DAYS_PER_SEASON = 365

# Edges closer than this (in cells) count as on the edge: 0.3 / 0.1 is 2.9999999999999996.
_EDGE_EPS = 1e-9


def grid_shape(size_deg: float = DEFAULT_CELL_DEG) -> tuple[int, int]:
    """Rows and columns of the global grid for ``size_deg``; the size must divide 180."""
    if not np.isfinite(size_deg) or size_deg <= 0:
        raise InputError(f"cell size must be a positive number of degrees, got {size_deg!r}")
    n_rows = round(180.0 / size_deg)
    if n_rows < 1 or abs(n_rows * size_deg - 180.0) > 1e-6:
        raise InputError(f"cell size {size_deg!r} degrees does not divide 180 degrees evenly")
    return n_rows, 2 * n_rows


def _index(value: NDArray[np.float64], origin: float, size: float, count: int) -> NDArray[np.int64]:
    raw = (value - origin) / size
    return np.clip(np.floor(raw + _EDGE_EPS), 0, count - 1).astype(np.int64)


def cell_rowcol(
    lon: ArrayLike, lat: ArrayLike, size_deg: float = DEFAULT_CELL_DEG
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Global (row, col) of the cells holding ``lon``/``lat`` (degrees, WGS84)."""
    n_rows, n_cols = grid_shape(size_deg)
    lon_arr = np.asarray(lon, dtype=float)
    lat_arr = np.asarray(lat, dtype=float)
    bad = ~np.isfinite(lon_arr) | ~np.isfinite(lat_arr) | (np.abs(lat_arr) > 90)
    if np.any(bad):
        first = int(np.flatnonzero(np.ravel(bad))[0])
        raise InputError(
            f"coordinate {first} is not a valid lon/lat: "
            f"({float(np.ravel(lon_arr)[first])}, {float(np.ravel(lat_arr)[first])})"
        )
    wrapped = (lon_arr + 180.0) % 360.0 - 180.0
    return _index(lat_arr, -90.0, size_deg, n_rows), _index(wrapped, -180.0, size_deg, n_cols)


def cell_id(
    lon: ArrayLike, lat: ArrayLike, size_deg: float = DEFAULT_CELL_DEG
) -> NDArray[np.int64]:
    """Global cell id (int64) of each point; stable across files, years and baselines."""
    rows, cols = cell_rowcol(lon, lat, size_deg)
    return rows * grid_shape(size_deg)[1] + cols


def _split(ids: ArrayLike, size_deg: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    n_rows, n_cols = grid_shape(size_deg)
    arr = np.asarray(ids, dtype=np.int64)
    bad = (arr < 0) | (arr >= n_rows * n_cols)
    if np.any(bad):
        raise InputError(f"cell ids outside the {size_deg}-degree grid: {arr[bad][:3].tolist()}")
    return arr // n_cols, arr % n_cols


def cell_center(
    ids: ArrayLike, size_deg: float = DEFAULT_CELL_DEG
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(lon, lat) of the centres of cells ``ids``."""
    rows, cols = _split(ids, size_deg)
    lon = (-180.0 + (cols + 0.5) * size_deg).astype(np.float64)
    lat = (-90.0 + (rows + 0.5) * size_deg).astype(np.float64)
    return lon, lat


def cell_bounds(ids: ArrayLike, size_deg: float = DEFAULT_CELL_DEG) -> NDArray[np.float64]:
    """Bounds (west, south, east, north) of each cell, shape (n, 4)."""
    rows, cols = _split(ids, size_deg)
    west = -180.0 + cols * size_deg
    south = -90.0 + rows * size_deg
    return np.column_stack([west, south, west + size_deg, south + size_deg])


def day_of_season(dates: ArrayLike) -> NDArray[np.int64]:
    """Day of the 365-day season (0 = 1 January, 364 = 31 December; 29 Feb = 28 Feb)."""
    days = np.asarray(dates, dtype="datetime64[D]")
    years = days.astype("datetime64[Y]")
    doy = (days - years).astype(np.int64)
    year_num = years.astype(np.int64) + 1970
    leap = (year_num % 4 == 0) & ((year_num % 100 != 0) | (year_num % 400 == 0))
    return np.where(leap & (doy >= 59), doy - 1, doy)


@dataclass(frozen=True)
class GridBox:
    """A rectangular window of the global grid: rows row0..row0+n_rows-1, same for cols."""

    size_deg: float
    row0: int
    col0: int
    n_rows: int
    n_cols: int

    @classmethod
    def around(
        cls, lon: ArrayLike, lat: ArrayLike, size_deg: float = DEFAULT_CELL_DEG, margin: int = 0
    ) -> GridBox:
        """The smallest box holding every point, grown by ``margin`` cells on each side."""
        rows, cols = cell_rowcol(lon, lat, size_deg)
        if rows.size == 0:
            raise InputError("cannot build a grid box around zero points")
        n_rows, n_cols = grid_shape(size_deg)
        row0 = max(int(rows.min()) - margin, 0)
        col0 = max(int(cols.min()) - margin, 0)
        row1 = min(int(rows.max()) + margin, n_rows - 1)
        col1 = min(int(cols.max()) + margin, n_cols - 1)
        return cls(size_deg, row0, col0, row1 - row0 + 1, col1 - col0 + 1)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) of the box."""
        return self.n_rows, self.n_cols

    def local(
        self, lon: ArrayLike, lat: ArrayLike
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
        """Box-local (row, col) of each point and whether it falls inside the box."""
        rows, cols = cell_rowcol(lon, lat, self.size_deg)
        r = rows - self.row0
        c = cols - self.col0
        inside = (r >= 0) & (r < self.n_rows) & (c >= 0) & (c < self.n_cols)
        return np.where(inside, r, 0), np.where(inside, c, 0), inside

    def cell_ids(self) -> NDArray[np.int64]:
        """Global ids of every cell of the box, shape (n_rows, n_cols)."""
        n_cols_global = grid_shape(self.size_deg)[1]
        rows = np.arange(self.row0, self.row0 + self.n_rows, dtype=np.int64)[:, None]
        cols = np.arange(self.col0, self.col0 + self.n_cols, dtype=np.int64)[None, :]
        return rows * n_cols_global + cols
