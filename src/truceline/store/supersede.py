"""Which NRT rows a standard (science-quality) product supersedes.

A standard row supersedes the NRT rows of the same satellite pass: same
satellite, acquisition time within :attr:`ArchiveParams.pass_window_minutes`,
and the NRT point inside the area the standard file covers (its clip, the
world for global files, else its detections' bounding box plus a margin).
The archive is append-only: superseded ids are recorded in the manifest and
filtered at query time, so the NRT rows stay available as evidence. The rule
is symmetric, so ingest order does not matter (NRT after standard is hidden
on arrival).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from truceline.store.manifest import visible_parts
from truceline.store.rows import date_span, product_levels

__all__ = ["NewRows", "find_superseded", "newly_superseded"]

_SQL = """
WITH det AS (
    SELECT id, product, satellite, acq_time, acq_date, lat, lon, source_sha256, source_file
    FROM read_parquet($files)
    WHERE time_known AND acq_date BETWEEN $d0 AND $d1
),
passes AS (
    SELECT DISTINCT d.satellite, d.acq_time, e.west, e.south, e.east, e.north
    FROM det d JOIN extents e
      ON d.source_sha256 = e.sha256 AND d.source_file = e.source_file
    WHERE d.product = 'standard'
)
SELECT DISTINCT n.id, n.acq_date
FROM det n JOIN passes p
  ON n.satellite = p.satellite
 AND n.acq_time BETWEEN p.acq_time - to_seconds($window) AND p.acq_time + to_seconds($window)
WHERE n.product = 'NRT'
  AND n.lat BETWEEN p.south AND p.north
  AND CASE WHEN p.west <= p.east THEN n.lon BETWEEN p.west AND p.east
           ELSE n.lon >= p.west OR n.lon <= p.east END
ORDER BY n.id
"""


def find_superseded(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[str],
    extents: pa.Table,
    start: date,
    end: date,
    window_minutes: float,
) -> pa.Table:
    """Ids (and dates) of NRT rows in ``files`` superseded by standard rows there.

    ``extents`` has columns sha256, source_file, west, south, east, north: the
    area each standard file covers. Only rows dated ``start``..``end`` count.
    """
    if not files:
        return pa.table({"id": pa.array([], pa.string()), "acq_date": pa.array([], pa.date32())})
    con.register("extents", extents)
    try:
        params = {
            "files": list(files),
            "d0": start,
            "d1": end,
            "window": float(window_minutes) * 60.0,
        }
        return con.sql(_SQL, params=params).to_arrow_table()
    finally:
        con.unregister("extents")


@dataclass(frozen=True)
class NewRows:
    """Rows about to be stored, and the area their file covers."""

    table: pa.Table
    sha256: str
    source_file: str
    extent: tuple[float, float, float, float] | None


def _extents(conn: sqlite3.Connection, new: Sequence[NewRows]) -> pa.Table:
    known = conn.execute(
        "SELECT sha256, source_file, min(west), min(south), max(east), max(north) FROM reads "
        "WHERE west IS NOT NULL GROUP BY sha256, source_file"
    ).fetchall()
    known += [(n.sha256, n.source_file, *n.extent) for n in new if n.extent]
    names = ["sha256", "source_file", "west", "south", "east", "north"]
    return pa.table({name: [row[i] for row in known] for i, name in enumerate(names)})


def newly_superseded(
    conn: sqlite3.Connection,
    duck: duckdb.DuckDBPyConnection,
    root: Path,
    new: Sequence[NewRows],
    new_files: Sequence[str],
    window_minutes: float,
) -> pa.Table:
    """NRT rows (ids, dates) that become superseded when ``new`` rows join the archive.

    Looks at the committed parts plus ``new_files`` within a day of the new rows,
    and returns only ids not already recorded as superseded. Skips the query when
    the window holds no NRT/standard pair.
    """
    nothing = find_superseded(duck, [], pa.table({}), date.min, date.max, 0)
    levels = [(n.table, product_levels(n.table)) for n in new if n.table.num_rows]
    spans = [s for table, lv in levels if any(lv) for s in [date_span(table)] if s]
    if not spans:
        return nothing
    start = min(s[0] for s in spans) - timedelta(days=1)
    end = max(s[1] for s in spans) + timedelta(days=1)
    old_nrt, old_std = conn.execute(
        "SELECT coalesce(sum(n_nrt), 0), coalesce(sum(n_standard), 0) FROM parts "
        "WHERE date_max >= ? AND date_min <= ?",
        (start.isoformat(), end.isoformat()),
    ).fetchone()
    new_nrt = sum(lv[0] for _, lv in levels)
    new_std = sum(lv[1] for _, lv in levels)
    if not ((new_std and (new_nrt or old_nrt)) or (new_nrt and old_std)):
        return nothing
    files = visible_parts(conn, root, start, end) + list(new_files)
    found = find_superseded(duck, files, _extents(conn, new), start, end, window_minutes)
    already = conn.execute(
        "SELECT id FROM superseded WHERE acq_date BETWEEN ? AND ?",
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    fresh = ~np.isin(found["id"].to_numpy(zero_copy_only=False), [r[0] for r in already])
    return found.filter(pa.array(fresh))
