"""Write detections exactly as FIRMS ships NRT CSV downloads, one file per product and day.

Columns, in NASA's order (FIRMS download and area API, NRT):

* VIIRS: ``latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,
  instrument,confidence,version,bright_ti5,frp,daynight``; satellite ``N``
  (S-NPP), ``N20``, ``N21``; confidence ``l``/``n``/``h``; version ``2.0NRT``.
* MODIS: the same with ``brightness`` and ``bright_t31``; satellite ``Terra``
  or ``Aqua`` (both in one file, as FIRMS ships MODIS); confidence 0-100;
  version ``6.1NRT``.

Values as FIRMS prints them: coordinates to 5 decimals, temperatures, scan,
track and FRP to 2, trailing zeros dropped (``0.4``, ``367``); ``acq_date``
``YYYY-MM-DD``; ``acq_time`` ``HHMM`` UTC, zero-padded; no quoting; ``\\n``
line ends. File names follow FIRMS downloads, ``fire_nrt_<product>_<id>.csv``
(products ``SV-C2``, ``J1V-C2``, ``J2V-C2``, ``M-C61``), the request id being the
day as ``YYYYDDD``. Formatting goes through pyarrow (shortest round-trip
decimal of the rounded value), so the bytes are the same on every run.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from truceline.simulate.observe import Detections
from truceline.simulate.passes import SATELLITES

__all__ = [
    "MODIS_COLUMNS",
    "VIIRS_COLUMNS",
    "WrittenFile",
    "acq_dates",
    "firms_file_name",
    "format_firms",
    "hhmm",
    "text",
    "write_csv_rows",
    "write_firms_file",
]

VIIRS_COLUMNS = (
    "latitude",
    "longitude",
    "bright_ti4",
    "scan",
    "track",
    "acq_date",
    "acq_time",
    "satellite",
    "instrument",
    "confidence",
    "version",
    "bright_ti5",
    "frp",
    "daynight",
)
MODIS_COLUMNS = tuple(
    {"bright_ti4": "brightness", "bright_ti5": "bright_t31"}.get(c, c) for c in VIIRS_COLUMNS
)
_WRITE = pacsv.WriteOptions(include_header=False, quoting_style="none")


@dataclass(frozen=True)
class WrittenFile:
    """One FIRMS file written."""

    name: str
    product: str
    day: date
    rows: int
    bytes: int
    sha256: str


def firms_file_name(product: str, day: date) -> str:
    """``fire_nrt_<product>_<YYYYDDD>.csv``, as FIRMS names NRT CSV downloads."""
    return f"fire_nrt_{product}_{day:%Y%j}.csv"


def _decimals(values: NDArray[np.float64], digits: int) -> pa.Array:
    rounded = pc.round(pa.array(np.asarray(values, float)), ndigits=digits)
    return pc.cast(rounded, pa.string())


def hhmm(t: NDArray[np.float64]) -> pa.Array:
    """``HHMM`` (UTC, zero-padded) of Unix seconds ``t``."""
    minutes = (np.asarray(t, np.int64) % 86400) // 60
    return pc.utf8_lpad(
        pc.cast(pa.array((minutes // 60) * 100 + minutes % 60), pa.string()), 4, "0"
    )


def acq_dates(t: NDArray[np.float64]) -> pa.Array:
    """``YYYY-MM-DD`` (UTC) of Unix seconds ``t``."""
    days = np.asarray(t, np.int64).astype("datetime64[s]").astype("datetime64[D]")
    return pa.array(days.astype(str))


def _map(names: NDArray[np.str_], attr: str) -> pa.Array:
    unique, inverse = np.unique(names, return_inverse=True)
    values = np.array([getattr(SATELLITES[n], attr) for n in unique.tolist()], dtype=object)
    return pa.array(values[inverse] if len(names) else [], pa.string())


def text(values: NDArray[np.generic]) -> pa.Array:
    """Strings of a numpy array (str, bool as True/False, numbers as printed by pyarrow)."""
    array = np.asarray(values)
    if array.dtype == bool:
        return pa.array(np.where(array, "True", "False").astype(object), pa.string())
    if array.dtype.kind in "iuf":
        return pc.cast(pa.array(array), pa.string())
    return pa.array(array.astype(object), pa.string())


def format_firms(rows: Detections, instrument: str) -> pa.Table:
    """The FIRMS columns of ``rows`` as strings, in NASA's order."""
    columns = VIIRS_COLUMNS if instrument == "VIIRS" else MODIS_COLUMNS
    n = len(rows)
    arrays = [
        _decimals(rows.lat, 5),
        _decimals(rows.lon, 5),
        _decimals(rows.mir, 2),
        _decimals(rows.scan, 2),
        _decimals(rows.track, 2),
        acq_dates(rows.t),
        hhmm(rows.t),
        _map(rows.satellite, "code"),
        pa.array(np.full(n, instrument, dtype=object), pa.string()),
        text(rows.confidence),
        _map(rows.satellite, "version"),
        _decimals(rows.tir, 2),
        _decimals(rows.frp, 2),
        text(rows.daynight),
    ]
    return pa.table(arrays, names=list(columns))


def write_csv_rows(table: pa.Table, sink: IO[bytes]) -> None:
    """Append ``table``'s rows to ``sink``: plain CSV, no quotes, no header."""
    if table.num_rows:
        pacsv.write_csv(table, sink, _WRITE)


def write_firms_file(folder: Path, product: str, day: date, table: pa.Table) -> WrittenFile:
    """Write one FIRMS file (header plus ``table``) and return its name, size and SHA-256."""
    buffer = io.BytesIO()
    buffer.write((",".join(table.column_names) + "\n").encode("ascii"))
    write_csv_rows(table, buffer)
    data = buffer.getvalue()
    name = firms_file_name(product, day)
    (folder / name).write_bytes(data)
    return WrittenFile(
        name, product, day, table.num_rows, len(data), hashlib.sha256(data).hexdigest()
    )
