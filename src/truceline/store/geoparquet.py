"""Write detection parts as GeoParquet, atomically (temporary file, fsync, rename).

Each part keeps ``lat``/``lon`` columns (fast numeric filters in DuckDB) and a
WKB point ``geometry`` column described by GeoParquet 1.1 ``geo`` metadata, so
GeoPandas, GDAL and DuckDB spatial read it as points. No ``crs`` is written:
GeoParquet then means OGC:CRS84 (longitude, latitude on WGS 84), which FIRMS is.
The WKB points are laid out with numpy (21 bytes each: little-endian flag, type 1,
x, y), byte for byte what ``shapely.to_wkb`` writes, at a fraction of its cost.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "GEOPARQUET_VERSION",
    "TMP_SUFFIX",
    "atomic_copy",
    "geo_metadata",
    "wkb_points",
    "with_geometry",
    "write_part",
]

GEOPARQUET_VERSION = "1.1.0"
TMP_SUFFIX = ".tmp"
#: Columns with few distinct values, dictionary-encoded in parts. The others (id, lat, lon,
#: FRP, brightness, geometry, source_line) are nearly all distinct: trying a dictionary on
#: them costs ~30 % of the write time and the writer falls back to plain encoding anyway.
DICTIONARY_COLUMNS = (
    "acq_date", "acq_time", "time_known", "satellite", "instrument", "product", "version",
    "confidence_raw", "confidence_class", "confidence", "scan", "track", "daynight",
    "fire_type", "source_sha256", "source_file",
)  # fmt: skip


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


#: One 2-D WKB point: byte order (1 = little-endian), geometry type (1 = Point), x, y.
_WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])
#: Points per Arrow chunk: keeps the int32 byte offsets of a binary array far from overflow.
_WKB_CHUNK = 1 << 24


def _wkb_chunk(lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    n = len(lon)
    record = np.empty(n, dtype=_WKB_POINT)
    record["order"], record["type"] = 1, 1
    record["x"], record["y"] = lon, lat
    offsets = np.arange(0, _WKB_POINT.itemsize * n + 1, _WKB_POINT.itemsize, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(record)]
    )


def wkb_points(lon: np.ndarray, lat: np.ndarray) -> pa.ChunkedArray:
    """WKB points (binary) for coordinate arrays, built in whole buffers (int32 offsets:
    at most ``_WKB_CHUNK`` points per chunk)."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    chunks = [
        _wkb_chunk(lon[i : i + _WKB_CHUNK], lat[i : i + _WKB_CHUNK])
        for i in range(0, len(lon), _WKB_CHUNK)
    ]
    return pa.chunked_array(chunks, pa.binary())


def with_geometry(table: pa.Table) -> pa.Table:
    """``table`` plus a WKB point ``geometry`` column and GeoParquet metadata."""
    wkb = wkb_points(table["lon"].to_numpy(), table["lat"].to_numpy())
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
    dictionary = [c for c in DICTIONARY_COLUMNS if c in table.column_names]
    pq.write_table(with_geometry(table), tmp, compression=compression, use_dictionary=dictionary)
    _publish(tmp, path, fsync)


def atomic_copy(source: Path, path: Path, *, fsync: bool = True) -> None:
    """Copy ``source`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    shutil.copyfile(source, tmp)
    _publish(tmp, path, fsync)
