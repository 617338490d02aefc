"""Evaluate scored detections and incidents against a simulation's truth or a labelled table.

:func:`evaluate_truth` matches a scored table (``truceline detect`` output) to
the truth rows of a simulation and counts detection-level precision, recall
and F1 of ``war_related``, overall, by fire kind, by month and by distance to
the line; with incidents, it adds event recall (all, observed, not observed,
violations, per kind), incident precision and the delay from event start to
first incident. :func:`evaluate_labelled` does the detection-level part for
any table with a label column.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from truceline.errors import TruthFileError
from truceline.evaluate.inputs import (
    Truth,
    detection_keys,
    parse_bool,
    read_incidents,
    read_table,
    read_truth,
    require,
)
from truceline.evaluate.matching import match_events, summarise_events
from truceline.evaluate.metrics import Confusion, band_labels, confusion_by, distance_band, ratio

if TYPE_CHECKING:
    from truceline.agreement import Agreement

__all__ = ["EvaluateParams", "Evaluation", "evaluate_labelled", "evaluate_truth"]

_KEYS = ["sat", "minute", "lat5", "lon5"]


@dataclass(frozen=True)
class EvaluateParams:
    """How events and incidents are matched, and how results are binned."""

    prediction_column: str = "war_related"
    """The scored column holding the prediction (detect's contract)."""
    space_tolerance_km: float = 2.0
    """An incident this close to an event's footprint overlaps it (footprints already
    carry 1 km for position noise; 2 km more allows for clustering hulls)."""
    time_tolerance_hours: float = 1.0
    """Event time spans are widened this much each side (acq_time is a granule start)."""
    distance_bands_km: tuple[float, ...] = (5.0, 20.0, 50.0, 100.0)
    """Edges of the distance-to-line bands of the confusion table."""


@dataclass(frozen=True)
class Evaluation:
    """Everything the evaluator found; :meth:`to_dict` is the JSON form."""

    mode: str  # "truth" or "labelled"
    inputs: dict[str, str | None]
    params: EvaluateParams
    detections: Confusion
    matching: dict[str, int]
    by_kind: list[dict[str, object]] = field(default_factory=list)
    by_month: list[dict[str, object]] = field(default_factory=list)
    by_distance: list[dict[str, object]] | None = None
    incidents: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (undefined ratios are null)."""
        return {
            "mode": self.mode,
            "inputs": self.inputs,
            "params": {
                **asdict(self.params),
                "distance_bands_km": list(self.params.distance_bands_km),
            },
            "detections": self.detections.to_dict(),
            "matching": self.matching,
            "by_kind": self.by_kind,
            "by_month": self.by_month,
            "by_distance": self.by_distance,
            "incidents": self.incidents,
        }


def _scored_frame(
    scored: str | PathLike[str] | pd.DataFrame, role: str
) -> tuple[pd.DataFrame, str]:
    if isinstance(scored, pd.DataFrame):
        return scored.reset_index(drop=True), "<table>"
    return read_table(scored, role), str(scored)


def _match_rows(
    truth: Truth, scored: pd.DataFrame, name: str
) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    tk = detection_keys(truth.detections, truth.folder / "detections.csv")
    sk = detection_keys(scored, name)
    unusable = sk[_KEYS[1:]].isna().any(axis=1)
    dup = sk.duplicated(_KEYS) & ~unusable
    if dup.any():
        warnings.warn(f"{name}: {int(dup.sum())} duplicate row(s) ignored", stacklevel=3)
    sk = sk[~dup & ~unusable].assign(_s=lambda f: f.index.to_numpy())
    tk = tk.assign(_t=np.arange(len(tk)))
    merged = sk.merge(tk, on=_KEYS, how="inner", validate="one_to_one")
    if merged.empty and len(scored):
        raise TruthFileError(
            f"{name}: no row matches the truth in {truth.folder} (satellite, minute and "
            "5-decimal position); is it scored from this simulation's FIRMS files?"
        )
    counts = {
        "scored_rows": len(scored),
        "truth_rows": len(tk),
        "matched": len(merged),
        "scored_not_in_truth": len(scored) - len(merged),
        "truth_not_in_scored": len(tk) - len(merged),
    }
    if counts["scored_not_in_truth"]:
        warnings.warn(
            f"{name}: {counts['scored_not_in_truth']} scored row(s) not in the truth", stacklevel=3
        )
    return merged["_s"].to_numpy(), merged["_t"].to_numpy(), counts


def _by_kind(kinds: pd.Series, predicted: np.ndarray) -> list[dict[str, object]]:
    rows = []
    for kind in sorted(set(kinds.tolist())):
        mine = (kinds == kind).to_numpy()
        flagged = int(predicted[mine].sum())
        rows.append(
            {
                "kind": kind,
                "n": int(mine.sum()),
                "flagged": flagged,
                "share_flagged": ratio(flagged, int(mine.sum())),
            }
        )
    return rows


def _incident_metrics(
    truth: Truth, incidents: gpd.GeoDataFrame, params: EvaluateParams
) -> dict[str, Any]:
    events = truth.events
    match = match_events(events, incidents, params.space_tolerance_km, params.time_tolerance_hours)
    observed = events["observed"].to_numpy(bool)
    everyone = np.ones(len(events), bool)
    groups = {
        "all": summarise_events(everyone, match),
        "observed": summarise_events(observed, match),
        "not_observed": summarise_events(~observed, match),
        "violations": summarise_events(events["violation"].to_numpy(bool), match),
    }
    kinds = {
        k: summarise_events((events["kind"] == k).to_numpy(), match)
        for k in sorted(set(events["kind"]))
    }
    true_inc = int(match.true_incident.sum())
    return {
        "incidents": len(incidents),
        "true_incidents": true_inc,
        "precision": ratio(true_inc, len(incidents)),
        "events": groups,
        "by_kind": kinds,
    }


def evaluate_truth(
    truth: str | PathLike[str] | Truth,
    scored: str | PathLike[str] | pd.DataFrame,
    incidents: str | PathLike[str] | gpd.GeoDataFrame | None = None,
    params: EvaluateParams = EvaluateParams(),
) -> Evaluation:
    """Score ``scored`` (and ``incidents``) against a simulation's truth folder."""
    truth = truth if isinstance(truth, Truth) else read_truth(truth)
    frame, name = _scored_frame(scored, "scored")
    require(frame, (params.prediction_column,), name, "scored")
    s_idx, t_idx, counts = _match_rows(truth, frame, name)
    predicted = parse_bool(frame[params.prediction_column], name, params.prediction_column)[s_idx]
    rows = truth.detections.iloc[t_idx].reset_index(drop=True)
    actual = rows["war_related"].to_numpy(bool)
    by_distance = None
    if "line_distance_km" in rows.columns and rows["line_distance_km"].notna().any():
        bands = distance_band(
            pd.to_numeric(rows["line_distance_km"], errors="coerce"), params.distance_bands_km
        )
        by_distance = confusion_by(
            bands, predicted, actual, "band", band_labels(params.distance_bands_km)
        )
    incident_part = None
    if incidents is not None:
        table = incidents if isinstance(incidents, gpd.GeoDataFrame) else read_incidents(incidents)
        incident_part = _incident_metrics(truth, table, params)
    return Evaluation(
        mode="truth",
        inputs={
            "truth": str(truth.folder),
            "scored": name,
            "incidents": None
            if incidents is None
            else str(incidents)
            if not isinstance(incidents, gpd.GeoDataFrame)
            else "<table>",
        },
        params=params,
        detections=Confusion.of(predicted, actual),
        matching=counts,
        by_kind=_by_kind(
            rows.get("kind", pd.Series(["unknown"] * len(rows))).astype(str), predicted
        ),
        by_month=confusion_by(rows["acq_date"].astype(str).str[:7], predicted, actual, "month"),
        by_distance=by_distance,
        incidents=incident_part,
    )


def _months(frame: pd.DataFrame, name: str) -> pd.Series:
    for column in ("acq_date", "acq_time"):
        if column in frame.columns:
            stamps = pd.to_datetime(frame[column], utc=True, errors="coerce", format="mixed")
            return stamps.dt.strftime("%Y-%m").fillna("unknown")
    raise TruthFileError(f"{name}: needs acq_date or acq_time for the table by month")


def _lonlat(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    for lon, lat in (("lon", "lat"), ("longitude", "latitude")):
        if {lon, lat} <= set(frame.columns):
            return (
                pd.to_numeric(frame[lon], errors="coerce").to_numpy(float),
                pd.to_numeric(frame[lat], errors="coerce").to_numpy(float),
            )
    raise TruthFileError(f"{name}: needs lon/lat (or longitude/latitude) for distances to the line")


def evaluate_labelled(
    table: str | PathLike[str] | pd.DataFrame,
    label_column: str,
    agreement: Agreement | str | PathLike[str] | None = None,
    params: EvaluateParams = EvaluateParams(),
) -> Evaluation:
    """Detection metrics of any labelled table, by month and (with an agreement) by distance."""
    frame, name = _scored_frame(table, "labelled")
    require(frame, (params.prediction_column, label_column), name, "labelled")
    predicted = parse_bool(frame[params.prediction_column], name, params.prediction_column)
    actual = parse_bool(frame[label_column], name, label_column)
    by_distance = None
    if agreement is not None:
        if isinstance(agreement, str | PathLike):
            from truceline.agreement import load_agreement

            agreement = load_agreement(Path(agreement))
        lon, lat = _lonlat(frame, name)
        distance = agreement.locate(lon, lat)["distance_km"].to_numpy(float)
        bands = distance_band(distance, params.distance_bands_km)
        by_distance = confusion_by(
            bands, predicted, actual, "band", band_labels(params.distance_bands_km)
        )
    elif "distance_km" in frame.columns:
        bands = distance_band(
            pd.to_numeric(frame["distance_km"], errors="coerce"), params.distance_bands_km
        )
        by_distance = confusion_by(
            bands, predicted, actual, "band", band_labels(params.distance_bands_km)
        )
    return Evaluation(
        mode="labelled",
        inputs={
            "scored": name,
            "label_column": label_column,
            "agreement": None if agreement is None else str(getattr(agreement, "name", agreement)),
        },
        params=params,
        detections=Confusion.of(predicted, actual),
        matching={"scored_rows": len(frame)},
        by_month=confusion_by(_months(frame, name), predicted, actual, "month"),
        by_distance=by_distance,
    )
