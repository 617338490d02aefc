"""The detection archive: raw files by SHA-256, GeoParquet parts, a SQLite manifest.

Layout of an archive directory::

    manifest.sqlite                       source of truth: what is visible
    raw/ab/<sha256><suffix>               every ingested file, as shipped
    detections/month=YYYY-MM/<...>.parquet  normalised rows (GeoParquet), append-only

Ingest is idempotent (a file already ingested with the same clip is skipped),
never duplicates a detection (rows are keyed by id and product), and records
NRT rows superseded by standard rows instead of deleting them. Queries run in
DuckDB over the parts the manifest lists, so files left by a killed ingest are
never seen; the next ingest removes them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from truceline.errors import ArchiveError
from truceline.sensors.base import PathLike, expand_paths
from truceline.sensors.firms_aoi import AOI, aoi_key, to_aoi
from truceline.store.duck import connect_duckdb
from truceline.store.geoparquet import TMP_SUFFIX
from truceline.store.ingest import IngestContext, ingest_file
from truceline.store.manifest import connect
from truceline.store.params import ArchiveParams
from truceline.store.query import TimeLike, query_detections
from truceline.store.report import FileReport, IngestReport

__all__ = ["Archive", "OnFile"]

#: Called after each shipped file with its path and reports (one per zip member).
OnFile = Callable[[Path, list[FileReport]], None]

_OBSERVATIONS_SQL = """
SELECT o.sha256, r.source_file, o.satellite, o.instrument, o.acq_date, o.daynight,
       o.n_detections, r.west, r.south, r.east, r.north, r.extent_source, r.format
FROM observations o JOIN reads r USING (sha256, member, aoi_key)
WHERE o.acq_date BETWEEN ? AND ?
ORDER BY o.acq_date, o.satellite, o.daynight, r.source_file
"""
_OBSERVATION_COLUMNS = [
    "source_sha256", "source_file", "satellite", "instrument", "acq_date", "daynight",
    "n_detections", "west", "south", "east", "north", "extent_source", "format",
]  # fmt: skip
_FILES_SQL = """
SELECT r.sha256, r.member, r.source_file, r.path, r.format, r.instrument, r.aoi_key,
       r.rows_read, r.accepted, r.quarantined, r.quarantine_reasons, r.clipped, r.duplicates,
       r.stored, r.superseded, r.date_min, r.date_max, r.file_date, r.ingested_at, f.raw_path,
       f.size
FROM reads r JOIN raw_files f USING (sha256)
ORDER BY r.ingested_at, r.source_file
"""


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class Archive:
    """An append-only archive of FIRMS detections under ``root``."""

    def __init__(self, root: PathLike, params: ArchiveParams | None = None) -> None:
        self.root = Path(root)
        self.params = params or ArchiveParams()

    def __repr__(self) -> str:
        return f"Archive({str(self.root)!r})"

    # -- plumbing -------------------------------------------------------------------------
    def _connect(self, *, create: bool = False) -> sqlite3.Connection:
        if not create and not self.root.is_dir():
            raise ArchiveError(f"{self.root}: archive directory does not exist")
        return connect(self.root, create=create)

    @contextmanager
    def _writer(self, *, clean: bool = True) -> Iterator[sqlite3.Connection]:
        """Exclusive write access: one ingest at a time per archive (POSIX advisory lock)."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = (self.root / ".lock").open("a+")
        try:
            try:
                import fcntl

                fcntl.flock(lock, fcntl.LOCK_EX)
            except ImportError:  # pragma: no cover - non-POSIX: no inter-process lock
                pass
            conn = self._connect(create=True)
            try:
                if clean:
                    self._clean(conn)
                yield conn
            finally:
                conn.close()
        finally:
            lock.close()

    def _clean(self, conn: sqlite3.Connection) -> int:
        """Remove files the manifest does not list (left by an interrupted ingest)."""
        listed = {r[0] for r in conn.execute("SELECT path FROM parts")}
        listed |= {r[0] for r in conn.execute("SELECT raw_path FROM raw_files")}
        removed = 0
        for folder in ("detections", "raw"):
            for path in sorted((self.root / folder).rglob("*")):
                rel = path.relative_to(self.root).as_posix()
                if path.is_file() and (path.name.endswith(TMP_SUFFIX) or rel not in listed):
                    path.unlink()
                    removed += 1
        return removed

    def clean(self) -> int:
        """Remove orphan files of interrupted ingests; returns how many were removed."""
        if not (self.root / "manifest.sqlite").exists():
            return 0
        with self._writer(clean=False) as conn:
            return self._clean(conn)

    # -- writing --------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[PathLike],
        *,
        aoi: AOI | Sequence[float] | None = None,
        on_file: OnFile | None = None,
    ) -> IngestReport:
        """Ingest FIRMS files or folders; one transaction per shipped file.

        Files that are not FIRMS are refused (reported, not raised) and the
        others are still ingested. ``aoi`` (bbox W,S,E,N or polygon) clips rows.
        """
        clip = to_aoi(aoi) if aoi is not None else None
        report = IngestReport()
        quarantines: list[pa.Table] = []
        with self._writer() as conn, closing(connect_duckdb()) as duck:
            ctx = IngestContext(self.root, conn, duck, clip, aoi_key(clip), self.params)
            for path in expand_paths(paths):
                reports, reads = ingest_file(ctx, path)
                report.files.extend(reports)
                quarantines.extend(r.quarantine for r in reads if r.quarantine.num_rows)
                if on_file is not None:
                    on_file(path, reports)
        if quarantines:
            report.quarantine = pa.concat_tables(quarantines)
        return report

    # -- reading --------------------------------------------------------------------------
    def query(
        self,
        start: TimeLike = None,
        end: TimeLike = None,
        bbox: Sequence[float] | None = None,
        polygon: Any = None,
        columns: Sequence[str] | None = None,
        include_superseded: bool = False,
    ) -> pa.Table:
        """Visible detections in a time window and area (DETECTION_SCHEMA + WKB geometry).

        Dates are inclusive at both ends; datetimes select ``start <= acq_time < end``
        (rows without a time are kept by their date). Superseded NRT rows are left
        out unless ``include_superseded``.
        """
        conn = self._connect()
        try:
            return query_detections(
                conn, self.root, start, end, bbox, polygon, columns, include_superseded
            )
        finally:
            conn.close()

    def observations(self, start: TimeLike = None, end: TimeLike = None) -> pd.DataFrame:
        """What arrived: detections per file, satellite, instrument, day and day/night.

        Each row also carries the area the file covers (W,S,E,N and how it is
        known: ``global-file`` = the world, ``clip``, or ``detections`` = the
        detections' bounding box). Global daily files list their day (from the
        name) for day and night passes even when the clip left no row.
        """
        lo = (_as_date(start) or date.min).isoformat()
        hi = (_as_date(end) or date.max).isoformat()
        conn = self._connect()
        try:
            rows = conn.execute(_OBSERVATIONS_SQL, (lo, hi)).fetchall()
        finally:
            conn.close()
        frame = pd.DataFrame(rows, columns=_OBSERVATION_COLUMNS)
        frame["acq_date"] = [date.fromisoformat(d) for d in frame["acq_date"]]
        return frame

    def files(self) -> pd.DataFrame:
        """The manifest of ingested files (one row per file or zip member and clip)."""
        conn = self._connect()
        try:
            cursor = conn.execute(_FILES_SQL)
            names = [c[0] for c in cursor.description]
            return pd.DataFrame(cursor.fetchall(), columns=names)
        finally:
            conn.close()

    def quarantine(self) -> pd.DataFrame:
        """Every quarantined row recorded in the archive (file, line, field, value, reason)."""
        conn = self._connect()
        try:
            rows = conn.execute(
                "SELECT sha256, file, line, field, value, reason FROM quarantine "
                "ORDER BY file, line"
            ).fetchall()
        finally:
            conn.close()
        return pd.DataFrame(rows, columns=["sha256", "file", "line", "field", "value", "reason"])

    def info(self) -> dict[str, Any]:
        """Summary: files, parts, visible and superseded detections, date span, disk use."""
        conn = self._connect()
        try:
            one = conn.execute
            n_raw, raw_bytes = one(
                "SELECT count(*), coalesce(sum(size), 0) FROM raw_files"
            ).fetchone()
            n_parts, n_rows, d0, d1 = one(
                "SELECT count(*), coalesce(sum(n_rows), 0), min(date_min), max(date_max) FROM parts"
            ).fetchone()
            n_sup = one("SELECT count(*) FROM superseded").fetchone()[0]
            n_q = one("SELECT count(*) FROM quarantine").fetchone()[0]
            formats = dict(one("SELECT format, count(*) FROM reads GROUP BY format").fetchall())
        finally:
            conn.close()
        part_bytes = sum(p.stat().st_size for p in (self.root / "detections").rglob("*.parquet"))
        return {
            "root": str(self.root),
            "raw_files": n_raw,
            "raw_bytes": raw_bytes,
            "parts": n_parts,
            "part_bytes": part_bytes,
            "stored_rows": n_rows,
            "superseded_rows": n_sup,
            "visible_rows": n_rows - n_sup,
            "quarantined_rows": n_q,
            "date_min": d0,
            "date_max": d1,
            "formats": formats,
        }
