"""Fit the peacetime baseline from detections of chosen years.

Steps: count active cell-days and detections per cell and day for each year;
scale each year by its activity level; sum per cell and season day; mask
persistent heat sources; then score every fit year against a baseline fitted
on the other years (leave-one-year-out) to tabulate the null distribution of
the excess statistic.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from truceline.baseline.burst import stratify
from truceline.baseline.combine import TailCombination, build_tail_combination
from truceline.baseline.loyo import HeldOutYear, NullSamples, null_samples
from truceline.baseline.model import Baseline, YearRecord
from truceline.baseline.null import NullTable, build_null_table
from truceline.baseline.params import BaselineParams
from truceline.baseline.rates import SeasonStats
from truceline.baseline.sensors import sensor_mix
from truceline.baseline.sites import site_counts
from truceline.baseline.statistic import CellDays
from truceline.errors import BaselineError
from truceline.grid import DAYS_PER_SEASON, GridBox, day_of_season

__all__ = ["detection_frame", "distinct_values", "fit_baseline"]

_NEEDED = ("lat", "lon", "acq_date")
_DEFAULT_PARAMS = BaselineParams()


def detection_frame(detections: pa.Table | pd.DataFrame, what: str = "detections") -> pd.DataFrame:
    """``lat``, ``lon`` and ``acq_date`` (datetime64[D]) of the detections, as a DataFrame."""
    if isinstance(detections, pa.Table):
        missing = [c for c in _NEEDED if c not in detections.schema.names]
        frame = None if missing else detections.select(list(_NEEDED)).to_pandas()
    else:
        missing = [c for c in _NEEDED if c not in detections.columns]
        frame = detections
    if missing or frame is None:
        raise BaselineError(f"{what} lack the columns {missing} (DETECTION_SCHEMA names expected)")
    return pd.DataFrame(
        {
            "lat": pd.to_numeric(frame["lat"]).to_numpy(dtype=float),
            "lon": pd.to_numeric(frame["lon"]).to_numpy(dtype=float),
            "acq_date": pd.to_datetime(frame["acq_date"]).to_numpy().astype("datetime64[D]"),
        }
    )


def distinct_values(detections: pa.Table | pd.DataFrame, column: str) -> list[str]:
    """The distinct non-null values of a text column (empty when the column is absent)."""
    if isinstance(detections, pa.Table):
        if column not in detections.schema.names:
            return []
        values = pc.unique(detections[column]).to_pylist()
    else:
        if column not in detections.columns:
            return []
        values = pd.unique(detections[column].astype(object)).tolist()
    return sorted(str(v) for v in values if v is not None and v == v)


@dataclass(frozen=True)
class _Year:
    record: YearRecord
    stats: SeasonStats  # unscaled sums of this year
    active: CellDays  # its active cell-days on its covered span, with their detections
    season_day: NDArray[np.int64]  # season day of each day of the span


def _covered_span(dates: NDArray, year: int) -> tuple[np.datetime64, np.datetime64]:
    """The days a year's data cover: first to last date, stretched to the year's edges
    when the data start in January or end in December (a year file with no fires on
    1 January still covered it)."""
    first, last = dates.min(), dates.max()
    start = np.datetime64(f"{year}-01-01")
    end = np.datetime64(f"{year}-12-31")
    if first < np.datetime64(f"{year}-02-01"):
        first = start
    if last >= np.datetime64(f"{year}-12-01"):
        last = end
    return first, last


def _dates(frame: pd.DataFrame) -> NDArray:
    """The acquisition dates as datetime64[D] (pandas may hold them at another unit)."""
    return frame["acq_date"].to_numpy().astype("datetime64[D]")


def _year_of(frame: pd.DataFrame) -> NDArray[np.int64]:
    return _dates(frame).astype("datetime64[Y]").astype(np.int64) + 1970


def _year_data(
    frame: pd.DataFrame, flat: NDArray, box: GridBox, year: int, site_deg: float
) -> _Year:
    sel = _year_of(frame) == year
    dates = _dates(frame)[sel]
    first, last = _covered_span(dates, year)
    n_days = int((last - first).astype(int)) + 1
    offset = (dates - first).astype(np.int64)
    keys, counts, sites = site_counts(
        flat[sel] * n_days + offset, frame["lon"].to_numpy()[sel], frame["lat"].to_numpy()[sel],
        site_deg,
    )  # fmt: skip
    cell, day = keys // n_days, keys % n_days
    span_days = first + np.arange(n_days)
    season = day_of_season(span_days)
    coverage = np.bincount(season, minlength=DAYS_PER_SEASON).astype(float)
    rows, cols = box.shape
    cell_days = np.bincount(cell, minlength=rows * cols).reshape(rows, cols)
    stats = SeasonStats(
        box.shape, cell, season[day], np.ones(len(cell)), counts.astype(float), coverage,
        cell_days, sites.astype(float),
    )  # fmt: skip
    record = YearRecord(year, int(sel.sum()), len(cell), n_days, 1.0)
    active = CellDays(cell // cols, cell % cols, day, n_days, counts, sites)
    return _Year(record, stats, active, season)


def _scaled(year: _Year, scale: float) -> SeasonStats:
    s = year.stats
    return SeasonStats(
        s.shape, s.cell, s.day, s.active / scale, s.detections / scale, s.coverage, s.cell_days,
        s.sites / scale,
    )  # fmt: skip


def _combine(parts: list[SeasonStats]) -> SeasonStats:
    shape = parts[0].shape
    keys = np.concatenate([p.cell * DAYS_PER_SEASON + p.day for p in parts])
    uniq, inverse = np.unique(keys, return_inverse=True)

    def summed(name: str) -> NDArray[np.float64]:
        values = np.concatenate([getattr(p, name) for p in parts])
        return np.bincount(inverse, weights=values, minlength=len(uniq)).astype(float)

    return SeasonStats(
        shape,
        uniq // DAYS_PER_SEASON,
        uniq % DAYS_PER_SEASON,
        summed("active"),
        summed("detections"),
        np.sum([p.coverage for p in parts], axis=0),
        np.sum([p.cell_days for p in parts], axis=0),
        summed("sites"),
    )


def _burst_tables(
    samples: NullSamples, null: NullTable, params: BaselineParams
) -> tuple[NullTable | None, TailCombination]:
    """The burst statistic's null (stratified by recent activity) and the calibrated
    combination of the two tails (ADR 0026)."""
    if not params.burst:
        empty = (np.zeros(0), np.zeros(0), np.zeros(0))
        p_exp, p_obs, weight = samples.joined_persistent().get(float(params.window_days), empty)
        first = null.tail_probability(np.full(len(p_exp), params.window_days), p_exp, p_obs)
        return None, build_tail_combination(first, None, weight)
    expected, observed, weight, ratio = samples.joined_burst()
    strata = stratify(expected, observed, weight, ratio, params.burst_strata)
    if not strata:
        strata = {1.0: (np.zeros(0), np.zeros(0), np.zeros(0))}
    burst = build_null_table(strata, params.null_levels, params.null_bins)
    p_exp, p_obs, b_exp, b_obs, b_ratio, pair_weight = samples.joined_pairs()
    first = null.tail_probability(np.full(len(p_exp), params.window_days), p_exp, p_obs)
    second = burst.tail_probability(b_ratio, b_exp, b_obs)
    return burst, build_tail_combination(first, second, pair_weight)


def _data_hash(frame: pd.DataFrame) -> str:
    days = _dates(frame).astype(np.int64)
    order = np.lexsort((frame["lon"].to_numpy(), frame["lat"].to_numpy(), days))
    digest = hashlib.sha256()
    for arr in (days[order], frame["lat"].to_numpy()[order], frame["lon"].to_numpy()[order]):
        digest.update(np.ascontiguousarray(arr).tobytes())
    return digest.hexdigest()


def _select_years(
    frame: pd.DataFrame, years: Iterable[int]
) -> tuple[pd.DataFrame, list[int], NDArray[np.bool_]]:
    wanted = sorted({int(y) for y in years})
    if not wanted:
        raise BaselineError("no fit years given")
    year_of = _year_of(frame)
    present = sorted(set(np.unique(year_of).tolist()) & set(wanted))
    missing = sorted(set(wanted) - set(present))
    if len(present) < 2:
        have = sorted(np.unique(year_of).tolist())
        raise BaselineError(
            f"a baseline needs detections in at least two of the fit years {wanted} "
            f"(for its leave-one-year-out null); the data hold years {have}"
        )
    if missing:
        warnings.warn(f"no detections for fit years {missing}; fitting on {present}", stacklevel=3)
    keep = np.isin(year_of, present)
    return frame[keep].reset_index(drop=True), present, keep


def fit_baseline(
    detections: pa.Table | pd.DataFrame,
    *,
    years: Iterable[int],
    params: BaselineParams = _DEFAULT_PARAMS,
) -> Baseline:
    """Fit the peacetime baseline on the detections of ``years`` (others are ignored)."""
    from truceline import __version__

    frame, present, keep = _select_years(detection_frame(detections), years)
    used = detections  # for the distinct sources and satellites of the fit years only
    if not keep.all():
        used = (
            detections.filter(pa.array(keep))
            if isinstance(detections, pa.Table)
            else detections[keep]
        )
    margin = params.pool_rings + params.rings + 2
    box = GridBox.around(frame["lon"], frame["lat"], params.cell_deg, margin=margin)
    rows, cols, _ = box.local(frame["lon"], frame["lat"])
    flat = rows * box.n_cols + cols
    data = [_year_data(frame, flat, box, year, params.burst_site_deg) for year in present]
    level = np.array([y.record.active_cell_days / y.record.covered_days for y in data])
    if params.normalise_years:
        scales = level / np.exp(np.mean(np.log(level)))
    else:
        scales = np.ones(len(data))
    scaled = [_scaled(y, float(s)) for y, s in zip(data, scales, strict=True)]
    total = _combine(scaled)
    share = total.cell_days / max(float(total.coverage.sum()), 1.0)
    persistent = share >= params.persistent_share
    held_out = [
        HeldOutYear(part, y.active, y.season_day) for y, part in zip(data, scaled, strict=True)
    ]
    samples = null_samples(total, held_out, persistent, params)
    null = build_null_table(samples.joined_persistent(), params.null_levels, params.null_bins)
    burst_null, combination = _burst_tables(samples, null, params)
    records = tuple(
        YearRecord(
            y.record.year,
            y.record.detections,
            y.record.active_cell_days,
            y.record.covered_days,
            float(s),
        )
        for y, s in zip(data, scales, strict=True)
    )
    sources = tuple(distinct_values(used, "source_sha256"))
    satellites = distinct_values(used, "satellite") or ["unknown"]
    return Baseline(
        params=params,
        box=box,
        stats=total,
        persistent=persistent,
        null=null,
        burst_null=burst_null,
        combination=combination,
        years=records,
        sensor_mix=sensor_mix(satellites),
        data_sha256=_data_hash(frame),
        source_sha256=sources,
        n_detections=len(frame),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        software=__version__,
    )
