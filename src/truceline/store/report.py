"""What an ingest did, per file: the numbers ``truceline ingest --report`` prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from truceline.sensors.base import empty_quarantine

__all__ = ["FileReport", "IngestReport"]

_COUNTS = ("rows_read", "accepted", "quarantined", "clipped", "duplicates", "stored", "superseded")


@dataclass
class FileReport:
    """One file (or zip member) through the ingest.

    ``status`` is ``ingested``, ``unchanged`` (this file, with this clip, is
    already in the archive: nothing was read or written) or ``refused`` (not
    FIRMS; ``message`` says why).
    """

    path: Path
    source_file: str  # file name, or zip!member
    status: str
    sha256: str | None = None
    format: str | None = None
    rows_read: int = 0
    accepted: int = 0  # valid rows inside the clip
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    clipped: int = 0  # valid rows outside the clip
    duplicates: int = 0  # accepted rows already in the archive (same id and product)
    stored: int = 0  # rows written: accepted - duplicates
    superseded: int = 0  # NRT rows hidden by standard rows because of this file
    date_min: date | None = None
    date_max: date | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        out = asdict(self)
        out["path"] = str(self.path)
        for key in ("date_min", "date_max"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass
class IngestReport:
    """The reports of one ``Archive.ingest`` call, plus the quarantined rows."""

    files: list[FileReport] = field(default_factory=list)
    quarantine: pa.Table = field(default_factory=empty_quarantine)

    @property
    def refused(self) -> list[FileReport]:
        """Files refused as not FIRMS."""
        return [f for f in self.files if f.status == "refused"]

    @property
    def n_quarantined(self) -> int:
        """Rows quarantined across files."""
        return sum(f.quarantined for f in self.files)

    def totals(self) -> dict[str, int]:
        """Sums over files of every count."""
        out = {k: sum(getattr(f, k) for f in self.files) for k in _COUNTS}
        out["files"] = len(self.files)
        out["refused"] = len(self.refused)
        return out

    def quarantine_reasons(self) -> dict[str, int]:
        """Quarantined rows by reason, across files."""
        out: dict[str, int] = {}
        for report in self.files:
            for reason, count in report.quarantine_reasons.items():
                out[reason] = out.get(reason, 0) + count
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (without the quarantined rows themselves)."""
        return {
            "files": [f.to_dict() for f in self.files],
            "totals": self.totals(),
            "quarantine_reasons": self.quarantine_reasons(),
        }
