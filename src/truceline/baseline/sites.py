"""Fire *sites*: distinct sub-cells with at least one detection, per cell and day.

The burst statistic (ADR 0026) counts places that burn, not pixels. One field
fire seen by five satellites is 20 detections but one or two sites; an
artillery exchange lights many small fires a few hundred metres to a few km
apart, so it is many sites. Counting sites makes the statistic nearly blind to
how many satellites looked (the history is S-NPP VIIRS plus MODIS, the 2025
files NOAA-20 alone, a full archive all five) and to how many pixels one big
fire fills, which is what makes raw detection counts so heavy-tailed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from truceline.grid import cell_rowcol, grid_shape

__all__ = ["site_counts"]


def site_counts(
    keys: ArrayLike, lon: ArrayLike, lat: ArrayLike, site_deg: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Distinct cell-day ``keys`` with their detections and distinct sites.

    ``keys`` identifies each detection's cell-day (any non-negative int64 code);
    sites are the ``site_deg`` cells of the global grid. Returns the sorted
    unique keys, the detections of each and the sites of each.
    """
    key = np.asarray(keys, dtype=np.int64)
    uniq, inverse, detections = np.unique(key, return_inverse=True, return_counts=True)
    if len(key) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return uniq, empty, empty
    row, col = cell_rowcol(lon, lat, site_deg)
    n_rows, n_cols = grid_shape(site_deg)
    n_sites = n_rows * n_cols  # sites on the globe: 1.6e8 at 0.02 degree, so no overflow
    pairs = np.unique(inverse.astype(np.int64) * n_sites + row * n_cols + col)
    sites = np.bincount(pairs // n_sites, minlength=len(uniq)).astype(np.int64)
    return uniq, detections.astype(np.int64), sites
