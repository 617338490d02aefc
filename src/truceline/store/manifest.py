"""The archive's manifest: one SQLite file, the source of truth for what is visible.

Parquet parts and raw files become visible only when the transaction that
lists them commits; anything on disk that the manifest does not list is an
orphan of an interrupted ingest, ignored by queries and removed by the next
ingest. SQLite (stdlib) gives atomic commits and snapshot reads (WAL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from truceline.errors import ArchiveError

__all__ = ["MANIFEST_NAME", "SCHEMA_VERSION", "connect", "transaction", "visible_parts"]

MANIFEST_NAME = "manifest.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS raw_files (
    sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, size INTEGER NOT NULL,
    raw_path TEXT NOT NULL, added_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reads (
    sha256 TEXT NOT NULL, member TEXT NOT NULL, aoi_key TEXT NOT NULL,
    source_file TEXT NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL,
    instrument TEXT NOT NULL, rows_read INTEGER NOT NULL, accepted INTEGER NOT NULL,
    quarantined INTEGER NOT NULL, quarantine_reasons TEXT NOT NULL,
    clipped INTEGER NOT NULL, duplicates INTEGER NOT NULL, stored INTEGER NOT NULL,
    superseded INTEGER NOT NULL, date_min TEXT, date_max TEXT, file_date TEXT,
    west REAL, south REAL, east REAL, north REAL, extent_source TEXT,
    ingested_at TEXT NOT NULL,
    PRIMARY KEY (sha256, member, aoi_key));
CREATE TABLE IF NOT EXISTS parts (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, month TEXT NOT NULL,
    n_rows INTEGER NOT NULL, n_nrt INTEGER NOT NULL, n_standard INTEGER NOT NULL,
    date_min TEXT NOT NULL, date_max TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS parts_dates ON parts (date_min, date_max);
CREATE TABLE IF NOT EXISTS superseded (
    id TEXT PRIMARY KEY, acq_date TEXT NOT NULL, by_sha256 TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS superseded_dates ON superseded (acq_date);
CREATE TABLE IF NOT EXISTS observations (
    sha256 TEXT NOT NULL, member TEXT NOT NULL, aoi_key TEXT NOT NULL,
    satellite TEXT NOT NULL, instrument TEXT NOT NULL, acq_date TEXT NOT NULL,
    daynight TEXT, n_detections INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS observations_dates ON observations (acq_date);
CREATE TABLE IF NOT EXISTS quarantine (
    sha256 TEXT NOT NULL, member TEXT NOT NULL, aoi_key TEXT NOT NULL,
    file TEXT NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL, value TEXT,
    reason TEXT NOT NULL);
"""


def connect(root: Path, *, create: bool) -> sqlite3.Connection:
    """Open the manifest of the archive at ``root`` (creating it if asked)."""
    path = root / MANIFEST_NAME
    if not path.exists() and not create:
        raise ArchiveError(f"{root}: no truceline archive here (missing {MANIFEST_NAME})")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=60.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        if create:
            conn.executescript(_SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"{path}: manifest cannot be read ({error})") from error
    if row is None or row[0] != SCHEMA_VERSION:
        found = row[0] if row else None
        raise ArchiveError(
            f"{path}: manifest schema version {found!r}, this truceline reads {SCHEMA_VERSION!r}"
        )
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic write: everything inside commits together or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def visible_parts(
    conn: sqlite3.Connection, root: Path, start: date | None = None, end: date | None = None
) -> list[str]:
    """Absolute paths of the committed parts holding rows dated ``start``..``end``."""
    rows = conn.execute(
        "SELECT path FROM parts WHERE date_max >= ? AND date_min <= ? ORDER BY path",
        ((start or date.min).isoformat(), (end or date.max).isoformat()),
    ).fetchall()
    return [str(root / r[0]) for r in rows]
