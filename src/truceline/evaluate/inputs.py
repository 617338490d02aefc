"""Read what the evaluator compares: truth folders, scored or labelled tables, incidents.

Rows of a scored table are matched to truth rows by what FIRMS printed: the
satellite, the acquisition minute and the position to 5 decimals (FIRMS's own
precision). Scored tables may carry the canonical detection columns
(``lat``, ``lon``, ``acq_time``, ``satellite``, as ``truceline detect`` writes)
or raw FIRMS columns (``latitude``, ``longitude``, ``acq_date``, ``acq_time``
as ``HHMM``, FIRMS satellite codes). Every problem is a
:class:`~truceline.errors.TruthFileError` naming the file and the column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from truceline.errors import TruthFileError

__all__ = [
    "FIRMS_SATELLITE_CODES",
    "Truth",
    "detection_keys",
    "parse_bool",
    "parse_times",
    "read_incidents",
    "read_table",
    "read_truth",
    "require",
]

#: FIRMS ``satellite`` codes -> canonical names (truceline.schema.SATELLITES).
FIRMS_SATELLITE_CODES = {
    "N": "S-NPP",
    "NPP": "S-NPP",
    "N20": "NOAA-20",
    "1": "NOAA-20",
    "N21": "NOAA-21",
    "2": "NOAA-21",
    "T": "Terra",
    "A": "Aqua",
    "Terra": "Terra",
    "Aqua": "Aqua",
}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


def read_table(path: str | PathLike[str], role: str) -> pd.DataFrame:
    """A CSV (strings kept as text) or Parquet table; ``role`` names it in messages."""
    file = Path(path)
    if not file.is_file():
        raise TruthFileError(f"{file}: {role} file not found")
    try:
        if file.suffix.lower() in (".parquet", ".geoparquet", ".pq"):
            frame = pd.read_parquet(file)
            if "geometry" in frame.columns:
                frame = frame.drop(columns="geometry")
            return frame
        return pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise TruthFileError(f"{file}: cannot read the {role} file ({error})") from error


def require(frame: pd.DataFrame, columns: Iterable[str], file: object, role: str) -> None:
    """Raise :class:`TruthFileError` naming the columns ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TruthFileError(
            f"{file}: the {role} file lacks column(s) {missing}; found {list(frame.columns)}"
        )


def parse_bool(values: pd.Series, file: object, column: str) -> np.ndarray:
    """Booleans from bool, 0/1 or true/false/yes/no text; names the first bad value."""
    if values.dtype == bool:
        return values.to_numpy(dtype=bool)
    text = values.astype(str).str.strip().str.lower()
    good = text.isin(_TRUE | _FALSE).to_numpy()
    if not good.all():
        first = int(np.flatnonzero(~good)[0])
        raise TruthFileError(
            f"{file}: column '{column}' row {first + 1}: {values.iloc[first]!r} is not a "
            "boolean (use true/false or 1/0)"
        )
    return text.isin(_TRUE).to_numpy()


def parse_times(values: pd.Series, file: object, column: str) -> pd.Series:
    """UTC timestamps from ISO text or datetimes; names the first unreadable value."""
    parsed = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    bad = parsed.isna() & values.notna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise TruthFileError(
            f"{file}: column '{column}' row {first + 1}: {values.iloc[first]!r} is not a time"
        )
    return parsed


def _minutes(stamps: pd.Series) -> np.ndarray:
    delta = (stamps - _EPOCH) // pd.Timedelta(minutes=1)
    return pd.to_numeric(delta, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def detection_keys(frame: pd.DataFrame, file: object) -> pd.DataFrame:
    """Match keys: ``sat`` (canonical), ``minute`` (since 1970), ``lat5``/``lon5`` (1e-5 deg)."""
    if {"lat", "lon", "acq_time", "satellite"} <= set(frame.columns):
        lat, lon = frame["lat"], frame["lon"]
        sat = frame["satellite"].astype(str)
        minute = _minutes(parse_times(frame["acq_time"], file, "acq_time").dt.floor("min"))
    elif {"latitude", "longitude", "acq_date", "acq_time", "satellite"} <= set(frame.columns):
        lat, lon = frame["latitude"], frame["longitude"]
        sat = frame.get("satellite_name", frame["satellite"].astype(str).map(FIRMS_SATELLITE_CODES))
        hhmm = frame["acq_time"].astype(str).str.strip().str.replace(":", "").str.zfill(4).str[:4]
        stamps = pd.to_datetime(
            frame["acq_date"].astype(str) + " " + hhmm,
            format="%Y-%m-%d %H%M",
            utc=True,
            errors="coerce",
        )
        minute = _minutes(stamps)
    else:
        raise TruthFileError(
            f"{file}: cannot match rows: need lat, lon, acq_time, satellite (detect output) or "
            "latitude, longitude, acq_date, acq_time, satellite (FIRMS); "
            f"found {list(frame.columns)}"
        )
    lat5 = np.rint(pd.to_numeric(lat, errors="coerce").to_numpy(float) * 1e5)
    lon5 = np.rint(pd.to_numeric(lon, errors="coerce").to_numpy(float) * 1e5)
    return pd.DataFrame(
        {"sat": sat.astype(str).to_numpy(), "minute": minute, "lat5": lat5, "lon5": lon5},
        index=frame.index,
    )


@dataclass(frozen=True)
class Truth:
    """A simulation's truth folder, read."""

    folder: Path
    detections: pd.DataFrame  # as written, strings; war_related as bool
    events: gpd.GeoDataFrame  # t_start/t_end UTC, observed/violation bool, footprint geometry
    manifest: dict[str, Any]


def _truth_folder(path: Path) -> Path:
    if path.is_dir():
        return path
    if path.is_file() and path.name in ("manifest.json", "detections.csv", "events.csv"):
        return path.parent
    raise TruthFileError(f"{path}: not a truth folder (expected a folder with manifest.json)")


def read_truth(path: str | PathLike[str]) -> Truth:
    """Read a truth folder written by ``truceline simulate`` (or its manifest.json)."""
    folder = _truth_folder(Path(path))
    manifest_file = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TruthFileError(
            f"{manifest_file}: cannot read the truth manifest ({error})"
        ) from error
    detections = read_table(folder / "detections.csv", "truth detections")
    require(
        detections,
        ("latitude", "longitude", "acq_date", "acq_time", "satellite", "war_related"),
        folder / "detections.csv",
        "truth detections",
    )
    detections["war_related"] = parse_bool(
        detections["war_related"], folder / "detections.csv", "war_related"
    )
    events_file = folder / "events.csv"
    raw = read_table(events_file, "truth events")
    require(
        raw,
        ("event_id", "kind", "t_start", "t_end", "observed", "footprint"),
        events_file,
        "truth events",
    )
    try:
        geometry = shapely.from_wkt(raw["footprint"].fillna("").to_numpy(dtype=object))
    except shapely.errors.GEOSException as error:
        raise TruthFileError(
            f"{events_file}: column 'footprint' holds bad WKT ({error})"
        ) from error
    events = gpd.GeoDataFrame(
        {
            "event_id": raw["event_id"].to_numpy(),
            "kind": raw["kind"].to_numpy(),
            "t_start": parse_times(raw["t_start"], events_file, "t_start"),
            "t_end": parse_times(raw["t_end"], events_file, "t_end"),
            "observed": parse_bool(raw["observed"], events_file, "observed"),
            "violation": parse_bool(
                raw.get("violation", pd.Series(["false"] * len(raw))), events_file, "violation"
            ),
        },
        geometry=geometry,
        crs="EPSG:4326",
    )
    return Truth(folder, detections, events, manifest)


def read_incidents(path: str | PathLike[str]) -> gpd.GeoDataFrame:
    """Incidents (GeoJSON, GeoParquet, GeoPackage, or CSV with WKT ``geometry``), in WGS84."""
    file = Path(path)
    if not file.is_file():
        raise TruthFileError(f"{file}: incidents file not found")
    try:
        suffix = file.suffix.lower()
        if suffix == ".csv":
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
            require(raw, ("geometry",), file, "incidents")
            frame = gpd.GeoDataFrame(
                raw.drop(columns="geometry"),
                geometry=shapely.from_wkt(raw["geometry"].fillna("").to_numpy(dtype=object)),
                crs="EPSG:4326",
            )
        elif suffix in (".parquet", ".geoparquet"):
            frame = gpd.read_parquet(file)
        else:
            frame = gpd.read_file(file)
    except (OSError, ValueError, shapely.errors.GEOSException) as error:
        raise TruthFileError(f"{file}: cannot read the incidents file ({error})") from error
    except Exception as error:  # pyogrio's DataSourceError and friends
        raise TruthFileError(f"{file}: cannot read the incidents file ({error})") from error
    if frame.empty:  # an empty GeoJSON carries no columns at all: no incidents, not an error
        for column in ("t_start", "t_end"):
            if column not in frame.columns:
                frame[column] = pd.Series([], dtype="datetime64[ns, UTC]")
    require(frame, ("t_start", "t_end"), file, "incidents")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    frame["t_start"] = parse_times(frame["t_start"], file, "t_start")
    frame["t_end"] = parse_times(frame["t_end"], file, "t_end")
    return frame
