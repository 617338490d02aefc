"""One shipped file into the archive, as one transaction.

Order of work: read and validate in memory; copy the raw file and write the
new Parquet parts through temporary files and renames; decide supersession;
then commit the manifest rows that make all of it visible, in one SQLite
transaction. A crash before the commit leaves only orphans (ignored, then
removed); a failure inside this process removes what it wrote.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from truceline.errors import NotFirmsError
from truceline.sensors.firms import FirmsRead, FirmsReader
from truceline.sensors.firms_aoi import AOI, aoi_bounds
from truceline.sensors.firms_sources import file_sha256
from truceline.store.geoparquet import atomic_copy, write_part
from truceline.store.manifest import transaction, visible_parts
from truceline.store.params import ArchiveParams
from truceline.store.report import FileReport
from truceline.store.rows import date_span, product_levels
from truceline.store.supersede import NewRows, newly_superseded

__all__ = ["IngestContext", "ingest_file"]

WORLD = (-180.0, -90.0, 180.0, 90.0)
_SORT = [("acq_date", "ascending"), ("acq_time", "ascending"), ("id", "ascending")]


@dataclass(frozen=True)
class IngestContext:
    """Where and how to ingest."""

    root: Path
    conn: sqlite3.Connection
    duck: duckdb.DuckDBPyConnection  # one in-memory DuckDB for the whole ingest call
    aoi: AOI | None
    aoi_key: str
    params: ArchiveParams


@dataclass
class _Plan:
    """One read's rows and what will be written for them."""

    read: FirmsRead
    new: pa.Table
    duplicates: int
    extent: tuple[float, float, float, float] | None
    extent_source: str | None
    parts: list[tuple[str, pa.Table]] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_KEEP_SQL = """
SELECT min(n.i) AS i FROM new n
ANTI JOIN ({old}) o ON n.id = o.id AND n.product = o.product
GROUP BY n.id, n.product
"""
_OLD_SQL = "SELECT id, product FROM read_parquet($files) WHERE acq_date BETWEEN $d0 AND $d1"
_EARLIER_SQL = "SELECT id, product FROM earlier"


def _dedupe(ctx: IngestContext, table: pa.Table, seen: list[pa.Table]) -> tuple[pa.Table, int]:
    """Rows not yet in the archive nor earlier in this file (first occurrence wins).

    One DuckDB query: the first row of each (id, product) key, less the keys the
    committed parts of the same dates (or earlier reads of the same file) hold.
    """
    if table.num_rows == 0:
        return table, 0
    span = date_span(table)
    files = visible_parts(ctx.conn, ctx.root, *span) if span else []
    olds, params = [], {}
    if files and span:
        olds.append(_OLD_SQL)
        params = {"files": files, "d0": span[0], "d1": span[1]}
    if seen:
        olds.append(_EARLIER_SQL)
    old = " UNION ALL ".join(olds) or "SELECT id, product FROM new WHERE false"
    new = pa.table({"id": table["id"], "product": table["product"], "i": np.arange(table.num_rows)})
    ctx.duck.register("new", new)
    if seen:
        ctx.duck.register("earlier", pa.concat_tables(seen))
    try:
        keep = ctx.duck.sql(_KEEP_SQL.format(old=old), params=params).fetchnumpy()["i"]
    finally:
        ctx.duck.unregister("new")
        if seen:
            ctx.duck.unregister("earlier")
    if len(keep) == table.num_rows:
        kept = table
    else:
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[np.asarray(keep, dtype=np.int64)] = True
        kept = table.filter(pa.array(mask))
    seen.append(kept.select(["id", "product"]))
    return kept, int(table.num_rows - kept.num_rows)


def _extent(
    read: FirmsRead, ctx: IngestContext
) -> tuple[tuple[float, float, float, float] | None, str | None]:
    """The area a read covers: what a standard file can supersede, what coverage may assume."""
    if read.file_date is not None:
        if ctx.aoi is None:
            return WORLD, "global-file"
        return aoi_bounds(ctx.aoi), "global-file+clip"
    if ctx.aoi is not None:
        return aoi_bounds(ctx.aoi), "clip"
    if read.table.num_rows == 0:
        return None, None
    margin = ctx.params.extent_margin_deg
    lon, lat = read.table["lon"], read.table["lat"]
    return (
        max(-180.0, pc.min(lon).as_py() - margin),
        max(-90.0, pc.min(lat).as_py() - margin),
        min(180.0, pc.max(lon).as_py() + margin),
        min(90.0, pc.max(lat).as_py() + margin),
    ), "detections"


def _observations(read: FirmsRead) -> dict[tuple[str, str, str, str | None], int]:
    """Detections per (satellite, instrument, day, day/night); global files list every day."""
    out: dict[tuple[str, str, str, str | None], int] = {}
    if read.table.num_rows:
        groups = read.table.group_by(
            ["satellite", "instrument", "acq_date", "daynight"], use_threads=False
        ).aggregate([("id", "count")])
        for row in groups.to_pylist():
            day = row["acq_date"].isoformat()
            out[(row["satellite"], row["instrument"], day, row["daynight"])] = row["id_count"]
    if read.file_date is not None:
        for satellite in read.file_satellites:
            for daynight in ("D", "N"):
                key = (satellite, read.instrument, read.file_date.isoformat(), daynight)
                out.setdefault(key, 0)
    return out


def _raw_name(path: Path, sha: str) -> str:
    suffix = "".join(path.suffixes[-2:])
    suffix = suffix if re.fullmatch(r"[A-Za-z0-9.]{1,16}", suffix) else ""
    return f"raw/{sha[:2]}/{sha}{suffix}"


def _month_runs(table: pa.Table) -> list[tuple[str, int, int]]:
    """(YYYY-MM, start, stop) of each month in a table sorted by ``acq_date``."""
    days = table["acq_date"].to_numpy().astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    cuts = np.flatnonzero(months[1:] != months[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    stops = np.concatenate((cuts, [len(months)]))
    return [(str(months[a]), int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def _write_parts(ctx: IngestContext, plan: _Plan, sha: str, written: list[Path]) -> None:
    """One part per month of the new rows, each sorted by date, time and id."""
    if plan.new.num_rows == 0:
        return
    ordered = plan.new.sort_by(_SORT)
    for month, start, stop in _month_runs(ordered):
        rows = ordered.slice(start, stop - start)
        rel = f"detections/month={month}/{sha[:16]}-{uuid.uuid4().hex[:12]}.parquet"
        path = ctx.root / rel
        written.append(path)
        write_part(rows, path, compression=ctx.params.compression, fsync=ctx.params.fsync)
        plan.parts.append((rel, rows))


def _superseded(ctx: IngestContext, plans: list[_Plan]) -> pa.Table:
    new = [NewRows(p.new, p.read.sha256, p.read.display, p.extent) for p in plans]
    files = [str(ctx.root / rel) for p in plans for rel, _ in p.parts]
    window = ctx.params.pass_window_minutes
    return newly_superseded(ctx.conn, ctx.duck, ctx.root, new, files, window)


def _unchanged(ctx: IngestContext, path: Path, sha: str) -> list[FileReport] | None:
    rows = ctx.conn.execute(
        "SELECT source_file, format, ingested_at FROM reads WHERE sha256 = ? AND aoi_key = ? "
        "ORDER BY source_file",
        (sha, ctx.aoi_key),
    ).fetchall()
    if not rows:
        return None
    return [
        FileReport(path, name, "unchanged", sha, fmt, message=f"already in the archive ({at})")
        for name, fmt, at in rows
    ]


def _report(plan: _Plan, sha: str, n_superseded: int) -> FileReport:
    read = plan.read
    reasons = read.quarantine["reason"].to_pylist()
    span = date_span(read.table)
    if span is None and read.file_date is not None:
        span = (read.file_date, read.file_date)
    return FileReport(
        path=read.path,
        source_file=read.display,
        status="ingested",
        sha256=sha,
        format=read.format,
        rows_read=read.rows_read,
        accepted=read.table.num_rows,
        quarantined=len(reasons),
        quarantine_reasons={r: reasons.count(r) for r in sorted(set(reasons))},
        clipped=read.clipped,
        duplicates=plan.duplicates,
        stored=plan.new.num_rows,
        superseded=n_superseded,
        date_min=span[0] if span else None,
        date_max=span[1] if span else None,
    )


def _attribute(plans: list[_Plan], superseded: pa.Table) -> list[int]:
    """Newly superseded rows per read: its own NRT rows, the rest to its standard reads."""
    if superseded.num_rows == 0:
        return [0] * len(plans)
    ids = pc.unique(superseded["id"])
    counts = [
        pc.count_distinct(p.new["id"].filter(pc.is_in(p.new["id"], value_set=ids))).as_py()
        for p in plans
    ]
    rest = len(ids) - sum(counts)
    for i, plan in enumerate(plans):
        if rest and plan.new.num_rows and "standard" in set(plan.new["product"].to_pylist()):
            counts[i] += rest
            break
    return counts


def _commit(
    ctx: IngestContext, path: Path, sha: str, raw_rel: str, plans: list[_Plan], superseded: pa.Table
) -> list[FileReport]:
    now = _now()
    reports = [
        _report(plan, sha, n) for plan, n in zip(plans, _attribute(plans, superseded), strict=True)
    ]
    with transaction(ctx.conn) as conn:
        conn.execute(
            "INSERT OR IGNORE INTO raw_files VALUES (?, ?, ?, ?, ?)",
            (sha, path.name, path.stat().st_size, raw_rel, now),
        )
        for plan, rep in zip(plans, reports, strict=True):
            read, member = plan.read, plan.read.member or ""
            conn.execute(
                "INSERT INTO reads VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (sha, member, ctx.aoi_key, read.display, str(path), read.format,
                 read.instrument, rep.rows_read, rep.accepted, rep.quarantined,
                 json.dumps(rep.quarantine_reasons), rep.clipped, rep.duplicates, rep.stored,
                 rep.superseded, rep.date_min and rep.date_min.isoformat(),
                 rep.date_max and rep.date_max.isoformat(),
                 read.file_date and read.file_date.isoformat(),
                 *(plan.extent or (None,) * 4), plan.extent_source, now),
            )  # fmt: skip
            for rel, rows in plan.parts:
                lo, hi = date_span(rows) or (date.min, date.max)
                conn.execute(
                    "INSERT INTO parts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (rel, sha, rel.split("month=")[1][:7], rows.num_rows, *product_levels(rows),
                     lo.isoformat(), hi.isoformat(), now),
                )  # fmt: skip
            conn.executemany(
                "INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(sha, member, ctx.aoi_key, *key, n) for key, n in _observations(read).items()],
            )
            conn.executemany(
                "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(sha, member, ctx.aoi_key, q["file"], q["line"], q["field"], q["value"],
                  q["reason"]) for q in read.quarantine.to_pylist()],
            )  # fmt: skip
        conn.executemany(
            "INSERT OR IGNORE INTO superseded VALUES (?, ?, ?, ?)",
            [(r["id"], r["acq_date"].isoformat(), sha, now) for r in superseded.to_pylist()],
        )
    return reports


def ingest_file(ctx: IngestContext, path: Path) -> tuple[list[FileReport], list[FirmsRead]]:
    """Ingest one shipped file; returns its reports and reads (empty when unchanged/refused)."""
    sha = file_sha256(path) if path.is_file() else ""
    unchanged = _unchanged(ctx, path, sha) if sha else None
    if unchanged is not None:
        return unchanged, []
    try:
        reads = FirmsReader(aoi=ctx.aoi).read(path)
    except NotFirmsError as error:
        return [FileReport(path, path.name, "refused", sha or None, message=str(error))], []
    written: list[Path] = []
    try:
        raw_rel = _raw_name(path, sha)
        if not (ctx.root / raw_rel).exists():
            written.append(ctx.root / raw_rel)
            atomic_copy(path, ctx.root / raw_rel, fsync=ctx.params.fsync)
        seen: list[pa.Table] = []
        plans = []
        for read in reads:
            new, duplicates = _dedupe(ctx, read.table, seen)
            plan = _Plan(read, new, duplicates, *_extent(read, ctx))
            _write_parts(ctx, plan, sha, written)
            plans.append(plan)
        reports = _commit(ctx, path, sha, raw_rel, plans, _superseded(ctx, plans))
    except BaseException:
        for item in written:
            item.unlink(missing_ok=True)
            item.with_name(item.name + ".tmp").unlink(missing_ok=True)
        raise
    return reports, reads
