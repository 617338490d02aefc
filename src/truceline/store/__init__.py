"""The detection archive: raw files by SHA-256, date-partitioned GeoParquet, a manifest.

See :class:`Archive` and docs/ingest.md.
"""

from __future__ import annotations

from truceline.store.archive import Archive, OnFile
from truceline.store.params import ArchiveParams
from truceline.store.query import ARCHIVE_SCHEMA
from truceline.store.report import FileReport, IngestReport

__all__ = ["ARCHIVE_SCHEMA", "Archive", "ArchiveParams", "FileReport", "IngestReport", "OnFile"]
