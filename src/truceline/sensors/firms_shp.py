"""Read FIRMS shapefile downloads (plain or inside the DL_FIRE_* zip) through GDAL.

NASA's shapefiles carry the CSV fields in upper case as DBF attributes:
``ACQ_DATE`` is a DBF date, ``ACQ_TIME`` a string (``"0045"``), numbers are
reals, MODIS ``CONFIDENCE`` an integer. Every attribute is turned back into
its text form so that one validation path serves CSV and shapefile alike; the
record number (1-based) stands in for the line.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import pyogrio.raw
from pyogrio.errors import DataLayerError, DataSourceError

from truceline.errors import NotFirmsError

__all__ = ["read_shapefile"]


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_timestamp(column.type):
        return pc.strftime(column, format="%Y-%m-%d")
    return column.cast(pa.string())


def read_shapefile(gdal_path: str, display: str) -> tuple[list[str], pa.Table, np.ndarray]:
    """Attribute names, attributes as text (positional c0, c1, ...) and record numbers."""
    try:
        _meta, table = pyogrio.raw.read_arrow(gdal_path, read_geometry=False)
    except (DataSourceError, DataLayerError, OSError) as error:
        raise NotFirmsError(f"{display}: GDAL cannot read this shapefile ({error})") from error
    names = list(table.column_names)
    text = pa.table({f"c{i}": _as_text(table.column(i)) for i in range(table.num_columns)})
    lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return names, text, lines
