"""Score detections against a baseline: excess, war probability, war_related."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray

from truceline.baseline import Baseline, detection_frame, distinct_values, sensor_mix
from truceline.baseline.statistic import CellDays, neighbourhood_stats
from truceline.detect.params import DetectParams
from truceline.detect.probability import prior_from_distance, war_probability
from truceline.grid import cell_id, day_of_season

if TYPE_CHECKING:
    from truceline.agreement import Agreement

__all__ = ["DIAGNOSTIC_COLUMNS", "SCORE_COLUMNS", "score_detections", "sensor_scale"]

_DEFAULT_PARAMS = DetectParams()

#: Columns every scored table gets (the interface other modules rely on).
SCORE_COLUMNS = ("cell", "observed", "expected", "excess_score", "war_probability", "war_related")

#: Extra columns that explain a score.
DIAGNOSTIC_COLUMNS = (
    "neighbourhood_observed",
    "neighbourhood_expected",
    "window_days",
    "persistent_source",
    "war_prior",
    "activity_scale",
)


def sensor_scale(satellites: list[str], baseline: Baseline, params: DetectParams) -> float:
    """Activity of the scored data's sensor mix relative to the fit data's (fixed scale)."""
    mix = sensor_mix(satellites or ["unknown"])
    return params.factor(mix) / params.factor(baseline.sensor_mix)


def _all_activity(
    frame: pd.DataFrame, detections: pd.DataFrame, context: pa.Table | pd.DataFrame | None
) -> tuple[pd.DataFrame, list[str]]:
    """Detections plus context rows (a context row with a detection's id is dropped),
    and the satellites they come from."""
    satellites = set(distinct_values(detections, "satellite"))
    if context is None:
        return frame, sorted(satellites)
    ctx = detection_frame(context, "context detections")
    names = context.schema.names if isinstance(context, pa.Table) else list(context.columns)
    if "id" in names and "id" in detections.columns:
        ids = (
            context["id"].to_numpy(zero_copy_only=False)
            if isinstance(context, pa.Table)
            else context["id"].to_numpy()
        )
        ctx = ctx[~pd.Series(ids).isin(set(detections["id"])).to_numpy()]
    satellites |= set(distinct_values(context, "satellite"))
    return pd.concat([frame, ctx], ignore_index=True), sorted(satellites)


class _Layout:
    """Box-local cells and day offsets of all activity; the detections come first."""

    def __init__(self, allf: pd.DataFrame, n_scored: int, baseline: Baseline) -> None:
        size = baseline.box.size_deg
        self.cell = cell_id(allf["lon"], allf["lat"], size)
        self.row, self.col, self.inside = baseline.box.local(allf["lon"], allf["lat"])
        dates = allf["acq_date"].to_numpy().astype("datetime64[D]")
        self.start = dates.min()
        self.day = (dates - self.start).astype(np.int64)
        self.n_days = int(self.day.max()) + 1
        self.n_scored = n_scored
        key = self.cell * self.n_days + self.day
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        self.observed = counts[inverse][:n_scored]
        self.n_cols = baseline.box.n_cols

    def active(self, lo: int, hi: int) -> CellDays:
        """Active cell-days inside the box on days lo..hi (day offsets from lo)."""
        use = self.inside & (self.day >= lo) & (self.day <= hi)
        key = np.unique((self.row[use] * self.n_cols + self.col[use]) * self.n_days + self.day[use])
        flat, day = key // self.n_days, key % self.n_days
        return CellDays(flat // self.n_cols, flat % self.n_cols, day - lo, hi - lo + 1)


def _score_block(
    lay: _Layout, baseline: Baseline, first: int, last: int, scale: float | NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """Statistic for the scored detections on days first..last (indices, obs, exp, days)."""
    p = baseline.params
    lo = max(first - p.window_before_days, 0)
    hi = min(last + p.window_after_days, lay.n_days - 1)
    active = lay.active(lo, hi)
    target = np.flatnonzero(
        lay.inside[: lay.n_scored]
        & (lay.day[: lay.n_scored] >= first)
        & (lay.day[: lay.n_scored] <= last)
    )
    qkey = (lay.row[target] * baseline.box.n_cols + lay.col[target]) * lay.n_days + lay.day[target]
    uniq, inverse = np.unique(qkey, return_inverse=True)
    qflat, qday = uniq // lay.n_days, uniq % lay.n_days
    query = CellDays(
        qflat // baseline.box.n_cols, qflat % baseline.box.n_cols, qday - lo, hi - lo + 1
    )
    season = day_of_season(lay.start + np.arange(lo, hi + 1))
    stats = neighbourhood_stats(
        active,
        baseline.box.shape,
        season,
        baseline.neighbourhood_expected,
        baseline.persistent,
        query,
        rings=p.rings,
        before=p.window_before_days,
        after=p.window_after_days,
    )
    factor = scale[qday] if isinstance(scale, np.ndarray) else scale  # scale by span day
    expected = stats.expected * factor
    return target, stats.observed[inverse], expected[inverse], stats.days[inverse]


def _scale(
    lay: _Layout, satellites: list[str], baseline: Baseline, params: DetectParams
) -> NDArray[np.float64]:
    """Activity scale for every day of the span (see :mod:`truceline.baseline.activity`)."""
    if params.activity_scale is not None:
        return np.full(lay.n_days, params.activity_scale)
    if baseline.params.regional_scale:
        season = day_of_season(lay.start + np.arange(lay.n_days))
        return baseline.activity_scale(lay.active(0, lay.n_days - 1), season)
    return np.full(lay.n_days, sensor_scale(satellites, baseline, params))


def score_detections(
    detections: pa.Table | pd.DataFrame,
    baseline: Baseline,
    agreement: Agreement | None = None,
    params: DetectParams = _DEFAULT_PARAMS,
    *,
    context: pa.Table | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The detections, same rows and order, with the :data:`SCORE_COLUMNS` added.

    ``context``: further detections (e.g. the days before, from the archive) that
    count as neighbourhood activity but are not scored or returned. Detections
    outside the baseline's area get empty scores and ``war_related`` false.
    """
    out = detections.to_pandas() if isinstance(detections, pa.Table) else detections.copy()
    out = out.reset_index(drop=True)
    n = len(out)
    result = {
        "cell": np.full(n, -1, dtype=np.int64),
        "observed": np.zeros(n, dtype=np.int64),
        "expected": np.full(n, np.nan),
        "excess_score": np.full(n, np.nan),
        "war_probability": np.full(n, np.nan),
        "neighbourhood_observed": np.zeros(n, dtype=np.int64),
        "neighbourhood_expected": np.full(n, np.nan),
        "window_days": np.zeros(n, dtype=np.int64),
        "persistent_source": np.zeros(n, dtype=bool),
        "war_prior": np.full(n, np.nan),
        "activity_scale": np.full(n, np.nan),
    }
    if n:
        _fill(result, out, baseline, agreement, params, context)
    for name, values in result.items():
        out[name] = values
    probability = result["war_probability"]
    out["war_related"] = np.isfinite(probability) & (
        np.nan_to_num(probability, nan=0.0) >= params.threshold
    )
    return out


def _fill(
    result: dict[str, NDArray],
    out: pd.DataFrame,
    baseline: Baseline,
    agreement: Agreement | None,
    params: DetectParams,
    context: pa.Table | pd.DataFrame | None,
) -> None:
    frame = detection_frame(out)
    allf, satellites = _all_activity(frame, out, context)
    lay = _Layout(allf, len(frame), baseline)
    scale = _scale(lay, satellites, baseline, params)
    result["cell"] = lay.cell[: len(frame)]
    result["observed"] = lay.observed
    inside = lay.inside[: len(frame)]
    if not inside.all():
        warnings.warn(
            f"{int((~inside).sum())} of {len(frame)} detections lie outside the baseline's area "
            f"and get no score",
            stacklevel=3,
        )
    rows, cols = lay.row[: len(frame)], lay.col[: len(frame)]
    season = day_of_season(lay.start + lay.day[: len(frame)])
    day_scale = scale[lay.day[: len(frame)]]
    result["activity_scale"] = np.where(inside, day_scale, np.nan)
    result["expected"] = np.where(
        inside, day_scale * baseline.expected_detections[rows, cols, season], np.nan
    )
    result["persistent_source"] = inside & baseline.persistent[rows, cols]
    scored_days = np.unique(lay.day[: len(frame)][inside])
    for first in range(0, lay.n_days, params.chunk_days):
        last = min(first + params.chunk_days, lay.n_days) - 1
        if not ((scored_days >= first) & (scored_days <= last)).any():
            continue  # context only
        idx, obs, exp, days = _score_block(lay, baseline, first, last, scale)
        result["neighbourhood_observed"][idx] = obs
        result["neighbourhood_expected"][idx] = exp
        result["window_days"][idx] = days
    tail = np.ones(len(frame))
    tail[inside] = baseline.null.tail_probability(
        result["window_days"][inside],
        result["neighbourhood_expected"][inside],
        result["neighbourhood_observed"][inside],
    )
    if agreement is not None:
        distance = agreement.locate(frame["lon"].to_numpy(), frame["lat"].to_numpy())["distance_km"]
        prior = prior_from_distance(distance.to_numpy(dtype=float), params)
    else:
        prior = np.full(len(frame), params.prior_war)
    result["war_prior"] = prior
    result["excess_score"] = np.where(inside, -np.log10(tail) + 0.0, np.nan)  # no -0.0
    result["war_probability"] = np.where(
        inside, war_probability(tail, prior, params.alternative_shape), np.nan
    )
