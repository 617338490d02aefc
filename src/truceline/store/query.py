"""Time-window and area queries over the archive's visible Parquet parts (DuckDB).

The manifest names the parts that overlap the window (monthly partitions plus
per-part date spans prune most files); DuckDB filters rows by date, time and
bounding box; a polygon is applied exactly afterwards with shapely. NRT rows
superseded by standard rows are removed with an anti-join on their ids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from truceline.errors import InputError
from truceline.schema import DETECTION_SCHEMA
from truceline.sensors.firms_aoi import aoi_bounds, aoi_mask, to_aoi
from truceline.store.duck import connect_duckdb
from truceline.store.manifest import visible_parts

__all__ = ["ARCHIVE_SCHEMA", "TimeLike", "parse_time", "query_detections"]

TimeLike = date | datetime | str | None

#: What queries return: the canonical detection record plus its WKB point.
ARCHIVE_SCHEMA = DETECTION_SCHEMA.append(pa.field("geometry", pa.binary()))


def parse_time(value: TimeLike, name: str = "time") -> date | datetime | None:
    """A date, or a UTC datetime, from a date/datetime/ISO-8601 string."""
    if value is None or isinstance(value, date | datetime):
        parsed = value
    else:
        text = str(value).strip()
        try:
            parsed = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError as error:
            raise InputError(f"{name} {value!r}: expected YYYY-MM-DD or ISO-8601") from error
    if isinstance(parsed, datetime):
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _where(
    start: date | datetime | None,
    end: date | datetime | None,
    box: tuple[float, float, float, float] | None,
) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if start is not None:
        where.append("acq_date >= $d0")
        params["d0"] = _day(start)
        if isinstance(start, datetime):
            where.append("(NOT time_known OR acq_time >= $t0)")
            params["t0"] = start
    if end is not None:
        where.append("acq_date <= $d1")
        params["d1"] = _day(end)
        if isinstance(end, datetime):
            where.append("(NOT time_known OR acq_time < $t1)")
            params["t1"] = end
    if box is not None:
        west, south, east, north = box
        params |= {"west": west, "south": south, "east": east, "north": north}
        where.append("lat BETWEEN $south AND $north")
        joint = "AND" if west <= east else "OR"
        where.append(f"(lon >= $west {joint} lon <= $east)")
    return where, params


def _superseded(conn: sqlite3.Connection, start: date | None, end: date | None) -> pa.Table:
    rows = conn.execute(
        "SELECT id FROM superseded WHERE acq_date BETWEEN ? AND ?",
        ((start or date.min).isoformat(), (end or date.max).isoformat()),
    ).fetchall()
    return pa.table({"id": pa.array([r[0] for r in rows], pa.string())})


def query_detections(
    conn: sqlite3.Connection,
    root: Path,
    start: TimeLike,
    end: TimeLike,
    bbox: Sequence[float] | None,
    polygon: Any,
    columns: Sequence[str] | None,
    include_superseded: bool,
) -> pa.Table:
    """Visible detections as ARCHIVE_SCHEMA (or the ``columns`` asked for), sorted by time."""
    wanted = list(columns) if columns is not None else ARCHIVE_SCHEMA.names
    unknown = [c for c in wanted if c not in ARCHIVE_SCHEMA.names]
    if unknown:
        known = ", ".join(ARCHIVE_SCHEMA.names)
        raise InputError(f"columns {unknown}: not archive columns ({known})")
    t0, t1 = parse_time(start, "start"), parse_time(end, "end")
    area = to_aoi(polygon) if polygon is not None else None
    box = to_aoi(bbox) if bbox is not None else None
    files = visible_parts(conn, root, _day(t0), _day(t1))
    if not files:
        return ARCHIVE_SCHEMA.empty_table().select(wanted)
    where, params = _where(t0, t1, aoi_bounds(area) if area is not None else box)
    params["files"] = files
    con = connect_duckdb()
    try:
        if not include_superseded:
            sup = _superseded(conn, _day(t0), _day(t1))
            if sup.num_rows:
                con.register("sup", sup)
                where.append("NOT (product = 'NRT' AND id IN (SELECT id FROM sup))")
        needed = list(dict.fromkeys([*wanted, *(("lon", "lat") if area is not None else ())]))
        sql = (
            f"SELECT {', '.join(needed)} FROM read_parquet($files) "
            f"WHERE {' AND '.join(where) or 'TRUE'} "
            "ORDER BY acq_date, acq_time NULLS FIRST, id"
        )
        table = con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()
    table = table.cast(pa.schema([ARCHIVE_SCHEMA.field(name) for name in needed]))
    for shape in (s for s in (box if area is not None else None, area) if s is not None):
        inside = aoi_mask(shape, table["lon"].to_numpy(), table["lat"].to_numpy())
        table = table.filter(pa.array(inside))
    return table.select(wanted)
