"""Daily cloud cover per oblast, and per agreement sector.

FIRMS cannot see fires under thick cloud, so a clear-sky day with no fire
means something that a cloudy day does not. The cloud tables are Open-Meteo
daily means per oblast (``ukr_weather_data_YYYY.csv.gz``, 2015-2024, column
``CLOUD_COVER (%)``). A sector is mapped to oblasts through the 0.1 degree
("10 km") oblast grid bundled under ``truceline/data/context``: the sector's
cloud cover is the mean over the oblasts it overlaps, weighted by the number
of grid points of each oblast inside the sector.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from truceline.errors import InputError

__all__ = [
    "CLOUD_COLUMN",
    "load_oblast_grid",
    "read_cloud_cover",
    "sector_cloud_cover",
    "sector_oblast_weights",
]

#: The cloud column of the Open-Meteo per-oblast tables.
CLOUD_COLUMN = "CLOUD_COVER (%)"
_NEEDED = ("OBLAST_ID", "ACQ_DATE", CLOUD_COLUMN)


def load_oblast_grid(path: str | PathLike[str] | None = None) -> pd.DataFrame:
    """The 0.1 degree oblast grid: columns ``lat``, ``lon``, ``oblast_id``.

    Without ``path``, the copy bundled with the package (GianMan89/war-fire-model, MIT).
    """
    if path is None:
        ref = resources.files("truceline") / "data" / "context" / "ukr_oblasts_10km.csv.gz"
        with resources.as_file(ref) as real:
            table = pd.read_csv(real)
    else:
        table = pd.read_csv(path)
    missing = {"LATITUDE", "LONGITUDE", "OBLAST_ID"} - set(table.columns)
    if missing:
        raise InputError(f"{path or 'bundled oblast grid'}: missing column(s) {sorted(missing)}")
    return pd.DataFrame(
        {
            "lat": table["LATITUDE"].to_numpy(dtype=float),
            "lon": table["LONGITUDE"].to_numpy(dtype=float),
            "oblast_id": table["OBLAST_ID"].astype(str).to_numpy(),
        }
    )


def _cloud_files(paths: Iterable[str | PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("ukr_weather_data_*.csv*")))
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{path}: cloud table not found")
    return files


def read_cloud_cover(paths: Iterable[str | PathLike[str]]) -> pd.DataFrame:
    """Read per-oblast daily cloud tables (files or folders of ``ukr_weather_data_*.csv.gz``).

    Returns columns ``oblast_id``, ``date`` (``datetime.date``), ``cloud_cover``
    (percent, 0-100). Rows with a missing or out-of-range cloud value are dropped
    with a warning naming the file and the first bad line.
    """
    frames = []
    for file in _cloud_files(paths):
        try:
            table = pd.read_csv(file, usecols=lambda c: c in _NEEDED)
        except (ValueError, OSError, UnicodeDecodeError) as error:
            raise InputError(f"{file}: not a readable cloud table ({error})") from error
        missing = [c for c in _NEEDED if c not in table.columns]
        if missing:
            raise InputError(f"{file}: missing column(s) {missing}; need {list(_NEEDED)}")
        cloud = pd.to_numeric(table[CLOUD_COLUMN], errors="coerce")
        day = pd.to_datetime(table["ACQ_DATE"], errors="coerce", format="%Y-%m-%d")
        bad = cloud.isna() | (cloud < 0) | (cloud > 100) | day.isna()
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            warnings.warn(
                f"{file}: {int(bad.sum())} row(s) without a usable date or cloud cover dropped "
                f"(first at line {first + 2}: {table[CLOUD_COLUMN].iloc[first]!r})",
                stacklevel=2,
            )
        keep = ~bad.to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "oblast_id": table["OBLAST_ID"].astype(str).to_numpy()[keep],
                    "date": day.dt.date.to_numpy()[keep],
                    "cloud_cover": cloud.to_numpy(dtype=float)[keep],
                }
            )
        )
    if not frames:
        return pd.DataFrame({"oblast_id": [], "date": [], "cloud_cover": []})
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates(["oblast_id", "date"], keep="last").reset_index(drop=True)


def sector_oblast_weights(
    sectors: gpd.GeoDataFrame, grid: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of each sector's grid points per oblast: columns ``sector``, ``oblast_id``, ``weight``.

    ``sectors`` needs ``sector_id`` and a polygon ``geometry`` in EPSG:4326. A sector
    too narrow to hold a grid point takes the oblast of the grid point nearest
    its representative point (weight 1).
    """
    grid = load_oblast_grid() if grid is None else grid
    lon = grid["lon"].to_numpy(dtype=float)
    lat = grid["lat"].to_numpy(dtype=float)
    rows: list[tuple[str, str, float]] = []
    for sector_id, geom in zip(sectors["sector_id"], sectors.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        inside = shapely.contains_xy(geom, lon, lat)
        if inside.any():
            counts = grid.loc[inside, "oblast_id"].value_counts()
            total = float(counts.sum())
            rows.extend((str(sector_id), str(o), float(n) / total) for o, n in counts.items())
        else:
            point = geom.representative_point()
            nearest = int(np.argmin((lon - point.x) ** 2 + (lat - point.y) ** 2))
            rows.append((str(sector_id), str(grid["oblast_id"].iloc[nearest]), 1.0))
    return pd.DataFrame(rows, columns=["sector", "oblast_id", "weight"])


def sector_cloud_cover(
    weights: pd.DataFrame, clouds: pd.DataFrame, dates: Sequence[object] | None = None
) -> pd.DataFrame:
    """Cloud cover per sector and day: columns ``sector``, ``date``, ``cloud_cover``.

    The weighted mean over the sector's oblasts that have a value that day (weights
    renormalised); a sector-day with no value at all is absent, i.e. unknown.
    ``dates`` limits the output to those days.
    """
    if dates is not None:
        clouds = clouds[clouds["date"].isin(set(dates))]
    merged = weights.merge(clouds, on="oblast_id", how="inner")
    if merged.empty:
        return pd.DataFrame({"sector": [], "date": [], "cloud_cover": []})
    merged = merged.assign(weighted=merged["weight"] * merged["cloud_cover"])
    grouped = merged.groupby(["sector", "date"], sort=True)[["weighted", "weight"]].sum()
    grouped["cloud_cover"] = grouped["weighted"] / grouped["weight"]
    return grouped[["cloud_cover"]].reset_index()
