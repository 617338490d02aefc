"""Write detection parts as GeoParquet, atomically (temporary file, fsync, rename).

Each part keeps ``lat``/``lon`` columns (fast numeric filters in DuckDB) and a
WKB point ``geometry`` column described by GeoParquet 1.1 ``geo`` metadata, so
GeoPandas, GDAL and DuckDB spatial read it as points. No ``crs`` is written:
GeoParquet then means OGC:CRS84 (longitude, latitude on WGS 84), which FIRMS is.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import shapely

__all__ = [
    "GEOPARQUET_VERSION",
    "TMP_SUFFIX",
    "atomic_copy",
    "geo_metadata",
    "with_geometry",
    "write_part",
]

GEOPARQUET_VERSION = "1.1.0"
TMP_SUFFIX = ".tmp"


def geo_metadata(table: pa.Table) -> dict[str, object]:
    """GeoParquet ``geo`` metadata for a table of points with ``lon``/``lat`` columns."""
    column: dict[str, object] = {"encoding": "WKB", "geometry_types": ["Point"]}
    if table.num_rows:
        lon, lat = pc.min_max(table["lon"]).as_py(), pc.min_max(table["lat"]).as_py()
        column["bbox"] = [lon["min"], lat["min"], lon["max"], lat["max"]]
    return {
        "version": GEOPARQUET_VERSION,
        "primary_column": "geometry",
        "columns": {"geometry": column},
    }


def with_geometry(table: pa.Table) -> pa.Table:
    """``table`` plus a WKB point ``geometry`` column and GeoParquet metadata."""
    points = shapely.points(table["lon"].to_numpy(), table["lat"].to_numpy())
    wkb = pa.array(shapely.to_wkb(points), pa.binary())
    out = table.append_column(pa.field("geometry", pa.binary()), wkb)
    meta = dict(out.schema.metadata or {})
    meta[b"geo"] = json.dumps(geo_metadata(table)).encode()
    return out.replace_schema_metadata(meta)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp: Path, path: Path, fsync: bool) -> None:
    if fsync:
        _fsync(tmp)
    os.replace(tmp, path)
    if fsync:
        _fsync(path.parent)


def write_part(
    table: pa.Table, path: Path, *, compression: str = "zstd", fsync: bool = True
) -> None:
    """Write ``table`` (DETECTION_SCHEMA rows) as one GeoParquet file, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    pq.write_table(with_geometry(table), tmp, compression=compression)
    _publish(tmp, path, fsync)


def atomic_copy(source: Path, path: Path, *, fsync: bool = True) -> None:
    """Copy ``source`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    shutil.copyfile(source, tmp)
    _publish(tmp, path, fsync)
