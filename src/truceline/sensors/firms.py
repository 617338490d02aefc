"""NASA FIRMS active-fire files -> canonical detections (DETECTION_SCHEMA).

Reads every layout a user meets (see :mod:`truceline.sensors.firms_layouts`):
VIIRS 375 m (S-NPP, NOAA-20, NOAA-21) and MODIS C6.1, NRT and standard, from
the download tool, the area/country API, the global daily text files, zipped
and shapefile downloads, gzip-compressed CSVs, and the reduced
``LATITUDE,LONGITUDE,ACQ_DATE`` form. Bad rows are quarantined with file,
line, field, value and reason while the good rows of the same file are kept;
a file that is not FIRMS at all raises :class:`~truceline.errors.NotFirmsError`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from truceline.schema import DETECTION_SCHEMA
from truceline.sensors.base import PathLike, SensorReader, empty_quarantine
from truceline.sensors.firms_aoi import AOI, aoi_mask, to_aoi
from truceline.sensors.firms_csv import parse_text, read_header
from truceline.sensors.firms_layouts import detect_layout
from truceline.sensors.firms_normalise import FirmsParams, normalise
from truceline.sensors.firms_shp import read_shapefile
from truceline.sensors.firms_sources import Source, open_sources

__all__ = [
    "AOI",
    "FirmsParams",
    "FirmsRead",
    "FirmsReader",
    "iter_firms",
    "load_detections",
    "read_firms",
]


@dataclass
class FirmsRead:
    """One FIRMS file (or zip member) read: good rows, quarantine, provenance."""

    path: Path  # the file as given
    member: str | None  # zip member, or None
    sha256: str  # of the file as shipped (the zip, for members)
    format: str  # e.g. "viirs-nrt-csv", "modis-sp-shp", "reduced-csv"
    table: pa.Table  # DETECTION_SCHEMA, good rows (inside the AOI), input order
    quarantine: pa.Table  # file, line, field, value, reason
    raw: pa.Table | None  # keep_raw: input columns as text + source_line, every parsed row
    rows_read: int  # data records in the file
    display: str = ""  # source_file: the file name, or zip!member
    instrument: str = "unknown"  # VIIRS / MODIS / unknown
    clipped: int = 0  # good rows dropped because they fall outside the AOI
    file_date: date | None = None  # day of a global daily file, from its name
    file_satellites: tuple[str, ...] = ()  # satellites a global daily file covers
    ignored_columns: tuple[str, ...] = field(default=())


def _columns(names: list[str], strings: pa.Table, wanted: dict[str, str]) -> dict[str, pa.Array]:
    position: dict[str, int] = {}
    for index, name in enumerate(names):
        position.setdefault(name.strip().lstrip("\ufeff").strip(), index)
    return {key: strings.column(position[col]).combine_chunks() for key, col in wanted.items()}


def _product_level(table: pa.Table, hint: str) -> str:
    levels = set(pc.unique(table["product"]).to_pylist()) - {"unknown"}
    if not levels:
        return hint
    return levels.pop() if len(levels) == 1 else "mixed"


def _read_source(source: Source, aoi: AOI | None, keep_raw: bool, params: FirmsParams) -> FirmsRead:
    if source.gdal_path is not None:
        names, strings, lines = read_shapefile(source.gdal_path, source.display)
        invalid, rows_read = empty_quarantine(), len(lines)
    else:
        data = source.data or b""
        names = read_header(data, source.display)[0]
        detect_layout(names, source.display)  # refuse a non-FIRMS file before parsing it
        parsed = parse_text(data, source.display)
        names, strings, lines = parsed.names, parsed.table, parsed.lines
        invalid, rows_read = parsed.invalid, parsed.rows_read
    layout = detect_layout(names, source.display, shapefile=source.gdal_path is not None)
    unknown = [c for c in layout.ignored if c.lower() != "country_id" and c]
    if unknown:
        warnings.warn(f"{source.display}: ignored unknown columns {unknown}", stacklevel=3)
    columns = _columns(names, strings, dict(layout.columns))
    table, quarantine = normalise(
        columns, lines, layout, display=source.display, sha256=source.sha256, params=params
    )
    if invalid.num_rows:
        quarantine = pa.concat_tables([invalid, quarantine]).sort_by("line")
    clipped = 0
    if aoi is not None and table.num_rows:
        inside = aoi_mask(aoi, table["lon"].to_numpy(), table["lat"].to_numpy())
        clipped = int((~inside).sum())
        table = table.filter(pa.array(inside))
    raw = None
    if keep_raw:
        source_line = pa.array(lines, pa.int64())
        raw = strings.rename_columns(names).append_column("source_line", source_line)
    return FirmsRead(
        path=source.path,
        member=source.member,
        sha256=source.sha256,
        format=layout.format_name(_product_level(table, layout.product_hint)),
        table=table,
        quarantine=quarantine,
        raw=raw,
        rows_read=rows_read,
        display=source.display,
        instrument=layout.instrument,
        clipped=clipped,
        file_date=layout.file_date,
        file_satellites=layout.file_satellites,
        ignored_columns=layout.ignored,
    )


class FirmsReader(SensorReader[FirmsRead]):
    """Reads FIRMS files of any layout; one read per file (per member for zips)."""

    name = "firms"

    def __init__(
        self,
        *,
        aoi: AOI | None = None,
        keep_raw: bool = False,
        params: FirmsParams | None = None,
    ) -> None:
        self.aoi = to_aoi(aoi) if aoi is not None else None
        self.keep_raw = keep_raw
        self.params = params or FirmsParams()

    def read(self, path: PathLike) -> list[FirmsRead]:
        """Read one shipped file (a zip yields one read per data member)."""
        return [
            _read_source(source, self.aoi, self.keep_raw, self.params)
            for source in open_sources(Path(path))
        ]


def iter_firms(
    paths: Iterable[PathLike], *, aoi: AOI | None = None, keep_raw: bool = False
) -> Iterator[FirmsRead]:
    """Read files or folders (recursive) one by one; raises NotFirmsError on a non-FIRMS file."""
    yield from FirmsReader(aoi=aoi, keep_raw=keep_raw).iter_reads(paths)


def read_firms(
    path: PathLike, *, aoi: AOI | None = None, keep_raw: bool = False
) -> list[FirmsRead]:
    """Read one FIRMS file (a zip gives one read per member)."""
    return FirmsReader(aoi=aoi, keep_raw=keep_raw).read(path)


def load_detections(paths: Iterable[PathLike], *, aoi: AOI | None = None) -> pa.Table:
    """All good rows of all files as one DETECTION_SCHEMA table.

    A detection shipped twice (same id and product) is kept once, first seen
    wins; NRT rows are not superseded here (the archive does that).
    """
    tables = [read.table for read in iter_firms(paths, aoi=aoi)]
    if not tables:
        return DETECTION_SCHEMA.empty_table()
    table = pa.concat_tables(tables)
    keys = pc.binary_join_element_wise(table["id"], table["product"], "|").to_numpy(
        zero_copy_only=False
    )
    _, first = np.unique(keys, return_index=True)
    return table.take(pa.array(np.sort(first)))
