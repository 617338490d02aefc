"""From war-related detections to incidents: space-time clusters with a graded likelihood.

War-related detections are clustered with DBSCAN on projected kilometres and
time, time being turned into distance by :attr:`IncidentParams.km_per_day`.
Each cluster is one incident; a detection in no cluster stays a
single-detection incident (with a lower likelihood, see
:mod:`truceline.likelihood`). Detections before and after the agreement's
start are clustered apart, so an incident is either activity before the
ceasefire or a candidate violation, never both.

Results do not depend on input order: rows are put in a canonical order (by
detection id, then time and position) before clustering, and an incident's id
is a hash of its sorted member ids, so re-running on the same data gives the
same incidents with the same ids.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sklearn.cluster import DBSCAN

from truceline import geo
from truceline.errors import InputError
from truceline.likelihood import (
    LikelihoodParams,
    icd203_words,
    member_logit,
    violation_probability,
)

if TYPE_CHECKING:
    from truceline.agreement import Agreement

__all__ = [
    "INCIDENT_COLUMNS",
    "STATUSES",
    "IncidentParams",
    "build_incidents",
    "incident_id",
]

#: Columns of an incident table, in order (the file formats carry exactly these).
INCIDENT_COLUMNS: tuple[str, ...] = (
    "incident_id",
    "t_start",
    "t_end",
    "n_detections",
    "frp_sum",
    "satellites",
    "passes",
    "zone",
    "side",
    "sector",
    "distance_km",
    "is_violation",
    "probability",
    "likelihood",
    "status",
    "detection_ids",
    "source_sha256s",
    "geometry",
)

#: Review states of an incident; every new incident is "new".
STATUSES: tuple[str, ...] = ("new", "under review", "confirmed", "dismissed")

_REQUIRED = ("id", "lat", "lon", "acq_date", "war_related", "war_probability")


@dataclass(frozen=True)
class IncidentParams:
    """Clustering and grading parameters of :func:`build_incidents`."""

    eps_km: float = 2.0
    """DBSCAN neighbourhood radius in space-time km. 2 km is about five VIIRS 375 m
    pixels: a shelled village or a burning treeline, not two villages apart."""

    km_per_day: float = 1.5
    """How many km one day of time separation counts as. Same place on the next day
    (1.5 km < eps) joins the incident; two days apart joins only through a fire
    seen on the day between."""

    min_samples: int = 2
    """DBSCAN core size (the point itself included): two detections within eps
    already corroborate each other; everything else is a single-detection incident."""

    pass_gap_minutes: float = 30.0
    """Detections of one satellite less than this far apart in time are one pass
    (a 6-minute VIIRS granule; consecutive orbits are about 100 minutes apart)."""

    default_pixel_km: float = 0.375
    """Pixel size used for the footprint when a detection has no scan/track (the
    VIIRS I-band nadir pixel)."""

    unknown_time_hour: float = 12.0
    """UTC hour placed on a detection whose source has no time (reduced FIRMS files),
    for clustering only; its incident's span covers the whole day."""

    violation_threshold: float = 0.5
    """``is_violation`` is true for incidents after the start whose probability is at
    least this: the even-odds decision point."""

    likelihood: LikelihoodParams = field(default_factory=LikelihoodParams)
    """Weights of the violation likelihood model."""


def incident_id(detection_ids: list[str]) -> str:
    """Stable id of an incident: ``inc-`` and 16 hex digits of SHA-256 of its sorted member ids."""
    digest = hashlib.sha256("\n".join(sorted(detection_ids)).encode()).hexdigest()
    return f"inc-{digest[:16]}"


def _times(frame: pd.DataFrame, params: IncidentParams) -> tuple[pd.Series, pd.Series]:
    """Clustering time and whether the time is known, per row (tz-aware UTC)."""
    day = pd.to_datetime(frame["acq_date"], errors="coerce")
    day = day.dt.tz_localize(None).dt.tz_localize("UTC")
    fallback = day + pd.Timedelta(hours=params.unknown_time_hour)
    if "acq_time" in frame.columns:
        t = pd.to_datetime(frame["acq_time"], utc=True, errors="coerce")
        known = t.notna()
        if "time_known" in frame.columns:
            known &= frame["time_known"].fillna(False).astype(bool)
        t = t.where(known, fallback)
    else:
        t, known = fallback, pd.Series(False, index=frame.index)
    return t.astype("datetime64[ns, UTC]"), known


def _flags(values: pd.Series) -> np.ndarray:
    """Booleans from a bool column, or from text such as 'True'/'false'/'1' (CSV)."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.astype("boolean").fillna(False).to_numpy(dtype=bool)
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["true", "1", "yes", "t"]).to_numpy()


def _prepare(scored: pd.DataFrame, params: IncidentParams) -> pd.DataFrame:
    """War-related rows in canonical order with projected km and clustering time."""
    missing = [c for c in _REQUIRED if c not in scored.columns]
    if missing:
        raise InputError(
            f"scored detections lack column(s) {missing}; need {list(_REQUIRED)} "
            "(the output of truceline detect / score_detections)"
        )
    frame = scored.loc[_flags(scored["war_related"])].copy()
    frame["_t"], frame["_known"] = _times(frame, params)
    bad = ~(np.isfinite(frame["lat"].astype(float)) & np.isfinite(frame["lon"].astype(float)))
    bad |= frame["_t"].isna()
    if bad.any():
        first = frame.loc[bad].iloc[0]
        warnings.warn(
            f"{int(bad.sum())} war-related detection(s) without a position or date left out "
            f"(first: id {first['id']!r}, lat {first['lat']!r}, lon {first['lon']!r}, "
            f"acq_date {first['acq_date']!r})",
            stacklevel=3,
        )
        frame = frame.loc[~bad]
    for col, default in (("frp", np.nan), ("scan", np.nan), ("track", np.nan)):
        frame[col] = pd.to_numeric(frame[col], errors="coerce") if col in frame.columns else default
    for col in ("satellite", "source_sha256", "daynight"):
        frame[col] = frame[col].astype(object) if col in frame.columns else None
    frame["id"] = frame["id"].astype(str)
    x_m, y_m = geo.project(frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float))
    frame["_x"], frame["_y"] = np.asarray(x_m) / 1000.0, np.asarray(y_m) / 1000.0
    frame = frame.sort_values(["id", "_t", "_x", "_y", "frp"], kind="mergesort")
    return frame.reset_index(drop=True)


def _cluster(frame: pd.DataFrame, params: IncidentParams) -> np.ndarray:
    """Cluster label per row; noise rows get labels of their own. Pre-start rows apart."""
    labels = np.full(len(frame), -1, dtype=np.int64)
    days = ((frame["_t"] - frame["_t"].min()) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    coords = np.column_stack([frame["_x"], frame["_y"], days * params.km_per_day])
    after = frame["_after"].to_numpy(dtype=bool)
    next_label = 0
    for part in (~after, after):
        idx = np.flatnonzero(part)
        if idx.size == 0:
            continue
        found = DBSCAN(eps=params.eps_km, min_samples=params.min_samples).fit_predict(coords[idx])
        clustered = found >= 0
        labels[idx[clustered]] = found[clustered] + next_label
        next_label += int(found.max()) + 1 if clustered.any() else 0
        lone = idx[~clustered]
        labels[lone] = np.arange(next_label, next_label + lone.size)
        next_label += lone.size
    return labels


def _pass_labels(frame: pd.DataFrame, labels: np.ndarray, params: IncidentParams) -> pd.Series:
    """A pass label per row: satellite and time of the first row of its pass in its incident."""
    sat = frame["satellite"].fillna("unknown").astype(str)
    work = pd.DataFrame({"label": labels, "sat": sat, "t": frame["_t"], "known": frame["_known"]})
    work = work.sort_values(["label", "sat", "known", "t"], kind="mergesort")
    same = (work["label"].diff() == 0) & (work["sat"] == work["sat"].shift()) & work["known"]
    same &= work["known"].shift(fill_value=False).astype(bool)
    same &= work["t"].diff() <= pd.Timedelta(minutes=params.pass_gap_minutes)
    first_t = work["t"].where(~same).ffill()
    timed = work["sat"] + " " + first_t.dt.strftime("%Y-%m-%dT%H:%MZ")
    daynight = frame["daynight"].fillna("?").astype(str).reindex(work.index)
    untimed = work["sat"] + " " + work["t"].dt.strftime("%Y-%m-%d") + " " + daynight
    return pd.Series(np.where(work["known"], timed, untimed), index=work.index).reindex(frame.index)


def _footprints(frame: pd.DataFrame, labels: np.ndarray, params: IncidentParams) -> np.ndarray:
    """Convex hull of each incident's pixel rectangles (scan x track), in EPSG:4326.

    Rectangles are axis-aligned in the local projection (scan east-west, track
    north-south): polar orbiters cross Ukraine within about 15 degrees of north.
    """
    half_x = frame["scan"].fillna(params.default_pixel_km).to_numpy(dtype=float) * 500.0
    half_y = frame["track"].fillna(params.default_pixel_km).to_numpy(dtype=float) * 500.0
    x, y = frame["_x"].to_numpy() * 1000.0, frame["_y"].to_numpy() * 1000.0
    corners = np.concatenate(
        [
            np.column_stack([x + sx * half_x, y + sy * half_y])
            for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))
        ]
    )
    _, dense = np.unique(labels, return_inverse=True)
    index = np.tile(dense, 4)
    order = np.argsort(index, kind="mergesort")
    hulls = shapely.convex_hull(shapely.multipoints(corners[order], indices=index[order]))
    return np.asarray(geo.to_wgs84(hulls))


def _locate(frame: pd.DataFrame, agreement: Agreement | None) -> pd.DataFrame:
    """Zone, side, sector and signed distance of each row (None/NaN without an agreement)."""
    if agreement is None:
        return pd.DataFrame(
            {"zone": None, "side": None, "sector": None, "distance_km": np.nan},
            index=frame.index,
        )
    where = agreement.locate(frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float))
    where = where[["zone", "side", "sector", "distance_km"]].set_axis(frame.index)
    where["distance_km"] = pd.to_numeric(where["distance_km"], errors="coerce")
    return where


def _sorted_unique(values: pd.Series) -> list[str]:
    return sorted(values.dropna().astype(str).unique())


def _summarise(frame: pd.DataFrame, labels: np.ndarray, params: IncidentParams) -> pd.DataFrame:
    """One row per cluster (ordered by label): incident columns plus the model's features."""
    day = frame["_t"].dt.floor("D")
    frame = frame.assign(
        _label=labels,
        _logit=member_logit(frame["war_probability"], params.likelihood),
        _absd=frame["distance_km"].abs().fillna(np.inf),
        _pass=_pass_labels(frame, labels, params),
        _day=day,
        _from=frame["_t"].where(frame["_known"], day),
        _to=frame["_t"].where(frame["_known"], day + pd.Timedelta(days=1) - pd.Timedelta("1s")),
    )
    groups = frame.groupby("_label", sort=True)
    table = pd.DataFrame(
        {
            "t_start": groups["_from"].min(),
            "t_end": groups["_to"].max(),
            "n_detections": groups["id"].size(),
            "frp_sum": groups["frp"].sum(min_count=1),
            "satellites": groups["satellite"].agg(_sorted_unique),
            "passes": groups["_pass"].agg(_sorted_unique),
            "detection_ids": groups["id"].agg(lambda ids: sorted(ids)),
            "source_sha256s": groups["source_sha256"].agg(_sorted_unique),
            "mean_logit": groups["_logit"].mean(),
            "n_satellites": groups["satellite"].nunique().clip(lower=1),
            "n_days": groups["_day"].nunique(),
            "after": groups["_after"].all(),
        }
    )
    table["n_passes"] = table["passes"].map(len).clip(lower=1)
    table.insert(0, "incident_id", table["detection_ids"].map(incident_id))
    nearest = frame.sort_values(["_label", "_absd", "id"], kind="mergesort")
    nearest = nearest.drop_duplicates("_label").set_index("_label")
    for col in ("zone", "side", "sector", "distance_km"):
        table[col] = nearest[col]
    table["in_zone"] = table["zone"].isin(params.likelihood.buffer_zones)
    return table.reset_index(drop=True)


def build_incidents(
    scored: pd.DataFrame,
    agreement: Agreement | None,
    params: IncidentParams = IncidentParams(),
) -> gpd.GeoDataFrame:
    """Cluster the war-related rows of ``scored`` into graded, evidenced incidents.

    ``scored`` has the detection columns (at least ``id``, ``lat``, ``lon``,
    ``acq_date``; ``acq_time``, ``satellite``, ``frp``, ``scan``, ``track``,
    ``source_sha256`` when known) and the scores of
    :func:`truceline.detect.score_detections` (``war_related``,
    ``war_probability``). Returns one row per incident with :data:`INCIDENT_COLUMNS`,
    sorted by start time and id; geometry in EPSG:4326.

    Incidents that start before the agreement's start (or without an agreement)
    are activity, not violations: ``is_violation`` is false, ``probability`` is
    NaN and ``likelihood`` is :data:`truceline.likelihood.NOT_APPLICABLE`. An
    agreement without a start time is taken as in force throughout (with a warning).
    """
    frame = _prepare(scored, params)
    if frame.empty:
        empty = pd.DataFrame({c: [] for c in INCIDENT_COLUMNS if c != "geometry"})
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    start = None if agreement is None else agreement.start
    if agreement is not None and start is None:
        warnings.warn(
            f"agreement {agreement.name!r} has no start time: taken as in force throughout",
            stacklevel=2,
        )
    if agreement is None:
        frame["_after"] = False  # no agreement: everything is activity
    elif start is None:
        frame["_after"] = True
    else:
        frame["_after"] = (frame["_t"] >= pd.Timestamp(start)).to_numpy()
    labels = _cluster(frame, params)
    frame = frame.join(_locate(frame, agreement))
    table = _summarise(frame, labels, params)
    geometry = _footprints(frame, labels, params)
    applies = table.pop("after").to_numpy(dtype=bool)
    prob = violation_probability(table, params.likelihood)
    table["probability"] = np.where(applies, prob, np.nan)
    table["likelihood"] = icd203_words(table["probability"].to_numpy())
    table["is_violation"] = applies & (prob >= params.violation_threshold)
    table["status"] = STATUSES[0]
    out = gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")
    out = out.sort_values(["t_start", "incident_id"], kind="mergesort").reset_index(drop=True)
    return out[list(INCIDENT_COLUMNS)]
