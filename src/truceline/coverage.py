"""Which sectors could be seen on which days: coverage, so that silence is never mistaken for peace.

For every sector of the agreement and every UTC day, coverage says whether a
satellite pass reached the sector (the archive's observations: which
satellite-days arrived and the extent they cover), how cloudy it was where
known, and what was found. States, in order of precedence:

``violations``    at least one incident judged a violation (a detection is proof of a look)
``activity``      incidents, none judged a violation (weak, or before the ceasefire start)
``not_observed``  no pass reached the sector, or the day's cloud cover made the pass unusable
``partial``       a pass reached it but cloud hid part of the sector: no finding is weak evidence
``unverified``    a pass reached it and nothing was found, but cloud cover is unknown
``quiet``         a usable pass reached it under known, mostly clear skies, and nothing was found

``quiet`` requires a pass and a known cloud cover: a sector-day with no usable
observation is never quiet. Where cloud cover is unknown (the per-oblast tables
end in 2024; give ``clouds`` for later days), a pass that found nothing is
``unverified``: the pass arrived, but whether it could see the ground is not known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = [
    "COVERAGE_COLUMNS",
    "COVERAGE_STATES",
    "CoverageParams",
    "incident_days",
    "observation_extents",
    "sector_days",
]

#: Coverage states, from the most to the least informative finding.
COVERAGE_STATES: tuple[str, ...] = (
    "violations",
    "activity",
    "not_observed",
    "partial",
    "unverified",
    "quiet",
)

#: Columns of the coverage table.
COVERAGE_COLUMNS: tuple[str, ...] = (
    "sector",
    "date",
    "n_passes",
    "satellites",
    "cloud_cover",
    "usable",
    "n_incidents",
    "n_violations",
    "max_probability",
    "state",
    "reason",
)

_EXTENT_NAMES = (
    ("west", "south", "east", "north"),
    ("bbox_west", "bbox_south", "bbox_east", "bbox_north"),
    ("min_lon", "min_lat", "max_lon", "max_lat"),
    ("lon_min", "lat_min", "lon_max", "lat_max"),
    ("minx", "miny", "maxx", "maxy"),
    ("xmin", "ymin", "xmax", "ymax"),
)


@dataclass(frozen=True)
class CoverageParams:
    """Thresholds that turn passes and cloud cover into coverage states."""

    cloudy_pct: float = 80.0
    """Daily mean cloud cover (percent) at or above which a pass is not usable: under
    overcast skies VIIRS flags most pixels as cloud and fires go unseen."""

    partial_pct: float = 50.0
    """Cloud cover at or above which (and below ``cloudy_pct``) a sector is only partly
    observed: a daily mean of 50% leaves large parts of a sector hidden on a pass."""


def observation_extents(observations: pd.DataFrame) -> pd.DataFrame:
    """Observations with their extent as one ``extent`` polygon column (EPSG:4326).

    Accepts the extent as four bbox columns under the usual names (west/south/
    east/north, min_lon/..., minx/...), a ``bbox`` column of 4-sequences, or a
    ``geometry`` column; a row with no extent covers the world (a global file).
    """
    out = observations.copy()
    world = shapely.box(-180.0, -90.0, 180.0, 90.0)
    for names in _EXTENT_NAMES:
        if all(n in out.columns for n in names):
            bounds = out[list(names)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
            boxes = shapely.box(*bounds.T)
            out["extent"] = np.where(np.isnan(bounds).any(axis=1), world, boxes)
            return out
    if "bbox" in out.columns:
        out["extent"] = [
            shapely.box(*map(float, b)) if b is not None and len(b) == 4 else world
            for b in out["bbox"]
        ]
    elif "geometry" in out.columns:
        geoms = out["geometry"]
        if len(geoms) and isinstance(geoms.iloc[0], bytes | bytearray):
            geoms = shapely.from_wkb(geoms.to_numpy())
        out["extent"] = [world if g is None or g.is_empty else g for g in geoms]
    else:
        out["extent"] = world
    return out


def incident_days(incidents: pd.DataFrame, detections: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per incident and UTC day on which a member was detected.

    With ``detections`` (``id`` and ``acq_date``), the days are the members' dates;
    without, every day of the incident's span. Columns: ``incident_id``,
    ``sector``, ``date``, ``is_violation``, ``probability``.
    """
    cols = ["incident_id", "sector", "is_violation", "probability"]
    if incidents.empty:
        return pd.DataFrame({c: [] for c in [*cols, "date"]})
    if detections is not None and len(detections):
        members = incidents[[*cols, "detection_ids"]].explode("detection_ids")
        dates = pd.DataFrame(
            {"detection_ids": detections["id"].astype(str), "date": _dates(detections["acq_date"])}
        ).drop_duplicates("detection_ids")
        days = members.merge(dates, on="detection_ids", how="inner").drop(columns="detection_ids")
    else:
        spans = [
            list(pd.date_range(a.floor("D"), b.floor("D"), freq="D").date)
            for a, b in zip(
                pd.to_datetime(incidents["t_start"], utc=True),
                pd.to_datetime(incidents["t_end"], utc=True),
                strict=True,
            )
        ]
        days = incidents[cols].assign(date=pd.Series(spans, index=incidents.index)).explode("date")
    return days.drop_duplicates(["incident_id", "date"]).reset_index(drop=True)


def _dates(values: Iterable[object]) -> list[date]:
    return list(pd.to_datetime(pd.Series(list(values))).dt.date)


def _passes(observations: pd.DataFrame, sectors: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per sector and day: number of passes (satellite, day/night) whose extent reaches it."""
    if observations.empty:
        return pd.DataFrame({"sector": [], "date": [], "n_passes": [], "satellites": []})
    obs = observation_extents(observations)
    obs["date"] = _dates(obs["acq_date"])
    obs["satellite"] = obs["satellite"].astype(str) if "satellite" in obs else "unknown"
    obs["daynight"] = obs["daynight"].fillna("?").astype(str) if "daynight" in obs else "?"
    tree = shapely.STRtree(np.asarray(obs["extent"].to_numpy()))
    rows = []
    for sector_id, geom in zip(sectors["sector_id"], sectors.geometry, strict=True):
        hit = tree.query(geom, predicate="intersects")
        for (day, sat), group in obs.iloc[hit].groupby(["date", "satellite"], sort=True):
            rows.append((str(sector_id), day, sat, group["daynight"].nunique()))
    if not rows:
        return pd.DataFrame({"sector": [], "date": [], "n_passes": [], "satellites": []})
    table = pd.DataFrame(rows, columns=["sector", "date", "satellite", "n"])
    return (
        table.groupby(["sector", "date"], sort=True)
        .agg(n_passes=("n", "sum"), satellites=("satellite", lambda s: sorted(set(s))))
        .reset_index()
    )


def _state(row: pd.Series, params: CoverageParams) -> tuple[str, str, bool]:
    cloud = row["cloud_cover"]
    observed = row["n_passes"] > 0
    cloudy = bool(observed and not np.isnan(cloud) and cloud >= params.cloudy_pct)
    usable = bool(observed and not cloudy)
    if row["n_violations"] > 0:
        return "violations", f"{row['n_violations']} violation incident(s)", usable
    if row["n_incidents"] > 0:
        return "activity", f"{row['n_incidents']} incident(s), none a violation", usable
    if not observed:
        return "not_observed", "no satellite pass", False
    if cloudy:
        return "not_observed", f"cloud {cloud:.0f}% >= {params.cloudy_pct:.0f}%", False
    if np.isnan(cloud):
        return "unverified", "pass, nothing found, cloud unknown", True
    if cloud >= params.partial_pct:
        return "partial", f"cloud {cloud:.0f}%", True
    return "quiet", f"usable pass, cloud {cloud:.0f}%", True


def sector_days(
    sectors: gpd.GeoDataFrame,
    days: Iterable[date],
    observations: pd.DataFrame,
    incidents: pd.DataFrame,
    *,
    detections: pd.DataFrame | None = None,
    clouds: pd.DataFrame | None = None,
    params: CoverageParams = CoverageParams(),
) -> pd.DataFrame:
    """The coverage table: one row per sector and day, with :data:`COVERAGE_COLUMNS`.

    ``sectors``: ``sector_id`` and polygon ``geometry`` (EPSG:4326), e.g.
    ``Agreement.sectors``; ``observations``: ``Archive.observations()`` (``acq_date``,
    ``satellite``, ``daynight`` and an extent); ``incidents``: the output of
    :func:`truceline.incidents.build_incidents`; ``detections``: the scored
    detections, to date incidents by their members; ``clouds``: ``sector``,
    ``date``, ``cloud_cover`` from :func:`truceline.clouds.sector_cloud_cover`.
    """
    grid = pd.MultiIndex.from_product(
        [[str(s) for s in sectors["sector_id"]], sorted(set(days))], names=["sector", "date"]
    ).to_frame(index=False)
    table = grid.merge(_passes(observations, sectors), on=["sector", "date"], how="left")
    table["n_passes"] = table["n_passes"].fillna(0).astype(int)
    table["satellites"] = table["satellites"].map(lambda v: v if isinstance(v, list) else [])
    cloud = (
        clouds
        if clouds is not None
        else pd.DataFrame({"sector": [], "date": [], "cloud_cover": []})
    )
    table = table.merge(cloud.astype({"sector": str}), on=["sector", "date"], how="left")
    table["cloud_cover"] = pd.to_numeric(table["cloud_cover"], errors="coerce").astype(float)
    found = incident_days(incidents, detections)
    found = found[found["sector"].notna()].astype({"sector": str})
    counts = found.groupby(["sector", "date"]).agg(
        n_incidents=("incident_id", "nunique"),
        n_violations=("is_violation", "sum"),
        max_probability=("probability", "max"),
    )
    table = table.merge(counts.reset_index(), on=["sector", "date"], how="left")
    table["n_incidents"] = table["n_incidents"].fillna(0).astype(int)
    table["n_violations"] = table["n_violations"].fillna(0).astype(int)
    table["max_probability"] = pd.to_numeric(table["max_probability"], errors="coerce")
    states = [_state(row, params) for _, row in table.iterrows()]
    table["state"] = [s for s, _, _ in states]
    table["reason"] = [r for _, r, _ in states]
    table["usable"] = [u for _, _, u in states]
    return table[list(COVERAGE_COLUMNS)]
