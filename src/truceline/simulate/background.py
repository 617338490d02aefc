"""Peacetime fires drawn from the real FIRMS history, and persistent industrial sources.

The history (FIRMS rows: reduced ``LATITUDE,LONGITUDE,ACQ_DATE`` or full
CSV) holds real places and seasons. For each simulated day and each 0.1 degree
cell, one (year, day) is drawn from the same day of year +- ``window_days``
over the chosen years, and the cell gets that day's real detections as fires.
The expected count per cell-day is then exactly the history's mean over the
window: the quantity a peacetime baseline estimates. ``volume_factor`` repeats
the draw (10x, 100x for benchmarks). Each history point becomes one fire,
burning for a few hours around the local hour it was likely seen at (an
afternoon or a night pass), with a log-normal power. History points are fires
one VIIRS satellite saw through clear sky (the history is VIIRS from 2012), so
the draw is scaled by 1/(1 - mean cloud cover of the period): after the
simulated clouds each VIIRS satellite then sees about the history's count.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from truceline.errors import ScenarioError
from truceline.simulate.fires import Fires
from truceline.simulate.geometry import Area
from truceline.simulate.passes import day_start_seconds
from truceline.simulate.scenario import Background, Industrial

__all__ = [
    "History",
    "Site",
    "background_fires",
    "day_of_year",
    "industrial_fires",
    "industrial_sites",
    "load_history",
]

_KM_PER_DEG = 111.32
_FILE_SUFFIXES = (".csv", ".csv.gz", ".txt", ".txt.gz")


def day_of_year(day: date) -> int:
    """Day of year on a 365-day calendar (29 February shares 28 February's slot)."""
    doy = day.timetuple().tm_yday
    leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
    return doy - 1 if leap and doy > 59 else doy


@dataclass(frozen=True)
class History:
    """History points sorted by day of year, with their cell and year slot."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    doy: NDArray[np.int64]
    year_slot: NDArray[np.int64]  # index into years
    cell: NDArray[np.int64]
    years: tuple[int, ...]
    starts: NDArray[np.int64]  # starts[d]: first row with doy >= d (d = 0..366)

    def __len__(self) -> int:
        return len(self.lon)


def _history_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.name.lower().endswith(_FILE_SUFFIXES))
    if not files:
        raise ScenarioError(f"{path}: field 'background.history': no CSV files in this folder")
    return files


def _read_points(file: Path) -> pa.Table:
    """LATITUDE, LONGITUDE (float64) and ACQ_DATE (date32) of one FIRMS file, any case."""
    try:
        table = pacsv.read_csv(file)
    except (pa.ArrowInvalid, OSError) as error:
        raise ScenarioError(f"{file}: field 'background.history': unreadable ({error})") from error
    names = {n.strip().lower(): n for n in table.column_names}
    missing = {"latitude", "longitude", "acq_date"} - set(names)
    if missing:
        raise ScenarioError(
            f"{file}: field 'background.history': missing column(s) {sorted(missing)}; "
            "need LATITUDE, LONGITUDE and ACQ_DATE"
        )
    try:
        return pa.table(
            {
                "lat": pc.cast(table[names["latitude"]], pa.float64()),
                "lon": pc.cast(table[names["longitude"]], pa.float64()),
                "date": pc.cast(table[names["acq_date"]], pa.date32()),
            }
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        raise ScenarioError(
            f"{file}: field 'background.history': a latitude, longitude or date is not "
            f"readable ({error})"
        ) from error


def load_history(
    path: Path, area: Area, years: list[int] | None = None, cell_deg: float = 0.1
) -> History:
    """Read a FIRMS history (file or folder) inside ``area``, for ``years`` (default all)."""
    table = pa.concat_tables([_read_points(file) for file in _history_files(path)])
    lon = table["lon"].to_numpy(zero_copy_only=False)
    lat = table["lat"].to_numpy(zero_copy_only=False)
    dates = table["date"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    good = ~(np.isnan(lon) | np.isnan(lat) | np.isnat(dates))
    if (~good).any():
        warnings.warn(
            f"{path}: {int((~good).sum())} history row(s) without a place or date, skipped",
            stacklevel=2,
        )
    lon, lat, dates = lon[good], lat[good], dates[good]
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    chosen = tuple(sorted(set(years) if years else set(np.unique(year).tolist())))
    keep = np.isin(year, chosen) & area.contains(lon, lat)
    if not keep.any():
        raise ScenarioError(
            f"{path}: field 'background.history': no rows inside the region "
            f"for years {list(chosen)}"
        )
    lon, lat, year, dates = lon[keep], lat[keep], year[keep], dates[keep]
    raw_doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64) + 1
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    doy = raw_doy - (leap & (raw_doy > 59))  # as day_of_year: 29 February shares 28th's slot
    cells_per_row = int(np.ceil(360.0 / cell_deg))
    cell = np.floor((lat + 90) / cell_deg).astype(np.int64) * cells_per_row + np.floor(
        (lon + 180) / cell_deg
    ).astype(np.int64)
    order = np.lexsort((lon, lat, year, doy))
    slot = np.searchsorted(np.asarray(chosen), year)
    doy_sorted = doy[order]
    starts = np.searchsorted(doy_sorted, np.arange(0, 367)).astype(np.int64)
    return History(lon[order], lat[order], doy_sorted, slot[order], cell[order], chosen, starts)


def _window_rows(
    history: History, doy: int, window: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Rows within +- window days of ``doy`` (wrapping the year) and their window offset."""
    rows, offsets = [], []
    for offset in range(2 * window + 1):
        d = (doy - window + offset - 1) % 365 + 1
        span = np.arange(history.starts[d], history.starts[d + 1], dtype=np.int64)
        rows.append(span)
        offsets.append(np.full(len(span), offset, np.int64))
    return np.concatenate(rows), np.concatenate(offsets)


def _draw_rows(
    history: History, day: date, params: Background, rng: np.random.Generator, factor: float
) -> NDArray[np.int64]:
    rows, offsets = _window_rows(history, day_of_year(day), params.window_days)
    if len(rows) == 0:
        return rows
    slots = (2 * params.window_days + 1) * len(history.years)
    slot = offsets * len(history.years) + history.year_slot[rows]
    cells, inverse = np.unique(history.cell[rows], return_inverse=True)
    whole, frac = divmod(factor, 1.0)
    picked = []
    for draw in range(int(whole) + (1 if frac > 0 else 0)):
        choice = rng.integers(0, slots, len(cells))
        keep = slot == choice[inverse]
        if draw == int(whole):  # the fractional draw reaches each cell with odds frac
            keep &= (rng.random(len(cells)) < frac)[inverse]
        picked.append(rows[keep])
    return np.concatenate(picked)


def background_fires(
    history: History,
    day: date,
    params: Background,
    rng: np.random.Generator,
    cloud_cover: float = 0.0,
) -> Fires:
    """The field fires of ``day``: real history cell-days with times, lifetimes and power.

    ``cloud_cover`` is the mean cloud fraction of the period, compensated for when
    ``params.cloud_compensation`` (see :class:`~truceline.simulate.scenario.Background`).
    Each fire burns around the local hour its history point was likely seen at.
    """
    factor = params.volume_factor
    if params.cloud_compensation:
        factor /= max(1.0 - cloud_cover, 0.2)
    rows = _draw_rows(history, day, params, rng, factor)
    n = len(rows)
    lat = history.lat[rows] + rng.normal(0, params.jitter_m / 1e3 / _KM_PER_DEG, n)
    lon = history.lon[rows] + rng.normal(0, 1, n) * params.jitter_m / 1e3 / (
        _KM_PER_DEG * np.cos(np.radians(lat))
    )
    by_day = rng.random(n) < params.day_share
    seen_hour = np.where(by_day, params.day_hour, params.night_hour) + rng.normal(
        0, params.hour_sd, n
    )
    hours = params.hours_median * np.exp(rng.normal(0, params.hours_sigma, n))
    t_seen = day_start_seconds(day) + (seen_hour - lon / 15.0) * 3600.0
    t_on = t_seen - rng.random(n) * hours * 3600.0
    frp = params.frp_median_mw * np.exp(rng.normal(0, params.frp_sigma, n))
    return Fires.build(lon, lat, t_on, t_on + hours * 3600.0, frp, "background")


@dataclass(frozen=True)
class Site:
    """An industrial site's fixed hot spots."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    frp_mw: float
    duty: float


def industrial_sites(sites: list[Industrial], rng: np.random.Generator) -> list[Site]:
    """Place each site's hot spots once (uniform within its radius); they stay put every day."""
    placed = []
    for site in sites:
        radius = site.radius_m / 1e3 * np.sqrt(rng.random(site.spots))
        angle = rng.uniform(0, 2 * np.pi, site.spots)
        lat = site.lat + radius * np.sin(angle) / _KM_PER_DEG
        lon = site.lon + radius * np.cos(angle) / (_KM_PER_DEG * np.cos(np.radians(site.lat)))
        placed.append(Site(lon, lat, site.frp_mw, site.duty))
    return placed


def industrial_fires(sites: list[Site], day: date, rng: np.random.Generator) -> Fires:
    """Hot spots of the sites that are hot on ``day``; they burn all day."""
    start = day_start_seconds(day)
    parts = []
    for site in sites:
        if rng.random() >= site.duty:
            continue
        n = len(site.lon)
        frp = site.frp_mw * np.exp(rng.normal(0, 0.3, n))
        t_on = np.full(n, start)
        parts.append(Fires.build(site.lon, site.lat, t_on, t_on + 86400.0, frp, "industrial"))
    return Fires.concat(parts)
