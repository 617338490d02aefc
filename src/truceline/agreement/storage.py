"""Save and load an agreement as one GeoPackage.

Layers (all EPSG:4326):

============  =============================================================
metadata      one row, no geometry: format, name, start, version, params
              (JSON), sources (JSON: role, file name, SHA-256), line length
line          the line of contact, one row per part (part, length_km)
zones         zone, kind, side, width_km, weapons, area_km2
sectors       sector_id, name, oblast, town, length_km, area_km2 (area polygon)
sector_lines  sector_id, length_km (the sector's share of the line)
territories   kind (occupied / government / boundary), area_km2
============  =============================================================

Writing goes to a temporary file beside the target and is renamed into
place, so a killed process never leaves a half-written agreement.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from shapely.geometry import MultiLineString, MultiPolygon

from truceline import __version__
from truceline.agreement.model import FORMAT, Agreement, format_start
from truceline.agreement.params import params_from_dict, params_to_dict
from truceline.errors import AgreementError
from truceline.geo import area_km2, length_km
from truceline.vector import SourceRef

__all__ = ["LAYERS", "load_agreement", "save_agreement"]

LAYERS = ("metadata", "line", "zones", "sectors", "sector_lines", "territories")


def _metadata(agreement: Agreement) -> pd.DataFrame:
    sources = [{"role": s.role, "name": s.name, "sha256": s.sha256} for s in agreement.sources]
    return pd.DataFrame(
        {
            "format": [FORMAT],
            "name": [agreement.name],
            "start": [format_start(agreement.start) or ""],
            "version": [agreement.version],
            "params": [json.dumps(params_to_dict(agreement.params, agreement.line_params))],
            "sources": [json.dumps(sources)],
            "line_length_km": [round(agreement.line_length_km, 3)],
            "created_with": [f"truceline {__version__}"],
        }
    )


def _territories(agreement: Agreement) -> gpd.GeoDataFrame:
    rows = [
        ("occupied", agreement.occupied),
        ("government", agreement.government),
        ("boundary", agreement.boundary),
    ]
    return gpd.GeoDataFrame(
        {
            "kind": [k for k, _ in rows],
            "area_km2": [round(area_km2(g), 3) for _, g in rows],
        },
        geometry=[g for _, g in rows],
        crs="EPSG:4326",
    )


def _line(agreement: Agreement) -> gpd.GeoDataFrame:
    parts = list(agreement.line.geoms)
    return gpd.GeoDataFrame(
        {
            "part": list(range(1, len(parts) + 1)),
            "length_km": [round(length_km(p), 3) for p in parts],
        },
        geometry=parts,
        crs="EPSG:4326",
    )


def save_agreement(agreement: Agreement, path: str | os.PathLike[str]) -> Path:
    """Write ``agreement`` to ``path`` (a .gpkg), replacing any file there."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".gpkg", dir=target.parent
    )
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()
    try:
        pyogrio.write_dataframe(_metadata(agreement), temp, layer="metadata", driver="GPKG")
        layers = {
            "line": _line(agreement),
            "zones": agreement.zones,
            "sectors": agreement.sectors,
            "sector_lines": agreement.sector_lines,
            "territories": _territories(agreement),
        }
        for layer, frame in layers.items():
            pyogrio.write_dataframe(frame, temp, layer=layer, driver="GPKG", append=True)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target


def _read(path: Path, layer: str) -> Any:
    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise AgreementError(f"{path}: cannot read layer {layer!r} ({error})") from error


def _multi(geom: shapely.Geometry, kind: type) -> Any:
    if isinstance(geom, kind):
        return geom
    return kind(list(shapely.get_parts(geom)))


def _sources(text: str, path: Path) -> tuple[SourceRef, ...]:
    try:
        return tuple(SourceRef(s["role"], s["name"], s["sha256"]) for s in json.loads(text))
    except (ValueError, KeyError, TypeError) as error:
        raise AgreementError(f"{path}: metadata field 'sources' is not valid ({error})") from error


def load_agreement(path: str | os.PathLike[str]) -> Agreement:
    """Load an agreement saved by :meth:`Agreement.save`.

    Raises :class:`AgreementError` naming the file for a missing file, a file
    that is not a GeoPackage, or one that lacks the agreement's layers. A
    version recorded in the file that no longer matches its content (the
    file was edited) is a warning; the loaded agreement carries the version
    of what it now holds.
    """
    source = Path(path)
    if not source.is_file():
        raise AgreementError(f"{source}: no such agreement file")
    try:
        present = {str(name) for name, _ in pyogrio.list_layers(source)}
    except pyogrio.errors.DataSourceError as error:
        raise AgreementError(f"{source}: not a GeoPackage GDAL can read ({error})") from error
    missing = [layer for layer in LAYERS if layer not in present]
    if missing:
        raise AgreementError(
            f"{source}: not a truceline agreement (missing layers: {', '.join(missing)})"
        )
    meta = _read(source, "metadata")
    if len(meta) != 1 or meta["format"].iloc[0] != FORMAT:
        found = meta["format"].iloc[0] if len(meta) else "nothing"
        raise AgreementError(f"{source}: metadata format is {found!r}, expected {FORMAT!r}")
    row = meta.iloc[0]
    try:
        params, line_params = params_from_dict(json.loads(row["params"]))
    except ValueError as error:
        raise AgreementError(f"{source}: metadata field 'params' is not JSON ({error})") from error
    line = _read(source, "line").sort_values("part")
    territories = _read(source, "territories").set_index("kind")
    agreement = Agreement(
        name=str(row["name"]),
        start=row["start"] or None,
        line=MultiLineString(list(line.geometry)),
        occupied=_multi(territories.geometry["occupied"], MultiPolygon),
        government=_multi(territories.geometry["government"], MultiPolygon),
        boundary=_multi(territories.geometry["boundary"], MultiPolygon),
        zones=_read(source, "zones"),
        sectors=_read(source, "sectors"),
        sector_lines=_read(source, "sector_lines"),
        params=params,
        line_params=line_params,
        sources=_sources(row["sources"], source),
    )
    if agreement.version != row["version"]:
        warnings.warn(
            f"{source}: content does not match the version recorded in it "
            f"({str(row['version'])[:12]} recorded, {agreement.short_version} found); "
            "was it edited after it was built?",
            stacklevel=2,
        )
    return agreement
