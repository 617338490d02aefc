"""Score detections against a baseline: excess, war probability, war_related."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray

from truceline.baseline import Baseline, detection_frame, distinct_values, sensor_mix
from truceline.detect.ceasefire import after_start, start_day
from truceline.detect.layout import Layout, neighbourhoods
from truceline.detect.params import DetectParams
from truceline.detect.probability import ceasefire_prior, prior_from_distance, war_probability

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
    "persistent_score",
    "burst_observed",
    "burst_expected",
    "burst_score",
    "quiet_ratio",
    "persistent_source",
    "war_prior",
    "after_start",
    "activity_scale",
    "site_scale",
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


def _scales(
    lay: Layout, satellites: list[str], baseline: Baseline, params: DetectParams
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Activity and site scales for every day of the span (ADRs 0023 and 0026)."""
    if params.activity_scale is not None:
        fixed = np.full(lay.n_days, params.activity_scale)
        return fixed, fixed
    if baseline.params.regional_scale:
        active = lay.active(0, lay.n_days - 1)
        season = lay.season()
        return (
            baseline.activity_scale(active, season),
            baseline.site_scale(active, season),
        )
    fixed = np.full(lay.n_days, sensor_scale(satellites, baseline, params))
    return fixed, fixed


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
        "persistent_score": np.full(n, np.nan),
        "burst_observed": np.zeros(n, dtype=np.int64),
        "burst_expected": np.full(n, np.nan),
        "burst_score": np.full(n, np.nan),
        "quiet_ratio": np.full(n, np.nan),
        "persistent_source": np.zeros(n, dtype=bool),
        "war_prior": np.full(n, np.nan),
        "after_start": np.zeros(n, dtype=bool),
        "activity_scale": np.full(n, np.nan),
        "site_scale": np.full(n, np.nan),
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
    start = None if agreement is None else agreement.start
    after = after_start(out, start)
    result["after_start"] = after
    aware = start is not None and params.start_aware
    lay = Layout(
        allf,
        len(frame),
        baseline,
        agreement_start=start_day(start) if start is not None and aware else None,
        after_start=after if aware else None,
    )
    scale, site_scale = _scales(lay, satellites, baseline, params)
    n = len(frame)
    result["cell"] = lay.cell[:n]
    result["observed"] = lay.observed
    inside = lay.inside[:n]
    if not inside.all():
        warnings.warn(
            f"{int((~inside).sum())} of {n} detections lie outside the baseline's area "
            f"and get no score",
            stacklevel=3,
        )
    rows, cols, day = lay.row[:n], lay.col[:n], lay.day[:n]
    season = lay.season()[day]
    result["activity_scale"] = np.where(inside, scale[day], np.nan)
    result["site_scale"] = np.where(inside, site_scale[day], np.nan)
    result["expected"] = np.where(
        inside, scale[day] * baseline.expected_detections[rows, cols, season], np.nan
    )
    result["persistent_source"] = inside & baseline.persistent[rows, cols]
    scored_days = np.unique(day[inside])
    for first in range(0, lay.n_days, params.chunk_days):
        last = min(first + params.chunk_days, lay.n_days) - 1
        if not ((scored_days >= first) & (scored_days <= last)).any():
            continue  # context only
        block = neighbourhoods(lay, baseline, first, last, scale, site_scale)
        idx = block.index
        result["neighbourhood_observed"][idx] = block.observed
        result["neighbourhood_expected"][idx] = block.expected
        result["window_days"][idx] = block.days
        result["burst_observed"][idx] = block.burst_observed
        result["burst_expected"][idx] = block.burst_expected
        result["quiet_ratio"][idx] = block.quiet_ratio
    tail = _tails(result, inside, baseline)
    if agreement is not None:
        distance = agreement.locate(frame["lon"].to_numpy(), frame["lat"].to_numpy())["distance_km"]
        prior = prior_from_distance(distance.to_numpy(dtype=float), params)
        prior = np.where(after, ceasefire_prior(prior, params.after_start_odds), prior)
    else:
        prior = np.full(n, params.prior_war)
    result["war_prior"] = prior
    result["excess_score"] = np.where(inside, -np.log10(tail) + 0.0, np.nan)  # no -0.0
    result["war_probability"] = np.where(
        inside, war_probability(tail, prior, params.alternative_shape), np.nan
    )


def _tails(result: dict[str, NDArray], inside: NDArray[np.bool_], baseline: Baseline) -> NDArray:
    """Combined tail probability of each detection (1 outside the box); fills the two
    component scores (each tail calibrated on the null, ADR 0026)."""
    tail = np.ones(len(inside))
    cal = baseline.combination
    persistent = baseline.null.tail_probability(
        result["window_days"][inside],
        result["neighbourhood_expected"][inside],
        result["neighbourhood_observed"][inside],
    )
    result["persistent_score"][inside] = -np.log10(cal.persistent(persistent)) + 0.0
    if baseline.burst_null is None:
        tail[inside] = cal.combine(persistent)
        return tail
    burst = baseline.burst_null.tail_probability(
        result["quiet_ratio"][inside],
        result["burst_expected"][inside],
        result["burst_observed"][inside],
    )
    result["burst_score"][inside] = -np.log10(cal.burst(burst)) + 0.0
    tail[inside] = cal.combine(persistent, burst)
    return tail
