"""The reader interface every sensor implements, and the quarantine record.

A reader turns files (or folders of files) into reads: canonical rows plus a
quarantine of the rows it could not use. Each new source format is a new
subclass of :class:`SensorReader`; the archive and the CLI only see this
interface.

Quarantine reasons are a small fixed vocabulary (:data:`QUARANTINE_REASONS`) so
that reports can count them and scripts can match them.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

import pyarrow as pa

__all__ = [
    "QUARANTINE_REASONS",
    "QUARANTINE_SCHEMA",
    "PathLike",
    "SensorReader",
    "empty_quarantine",
    "expand_paths",
    "format_quarantine_row",
    "is_companion_file",
]

PathLike = str | os.PathLike[str]

#: Why a row was quarantined (one reason per row: the first failing field).
QUARANTINE_REASONS: tuple[str, ...] = (
    "field_count",  # the row has more or fewer fields than the header
    "missing",  # a required field is empty
    "not_a_number",  # a numeric field does not parse as a number
    "out_of_range",  # a number outside its physical range (latitude 91, confidence 140)
    "bad_date",  # acq_date is not a calendar date YYYY-MM-DD
    "bad_time",  # acq_time is not HHMM or HH:MM[:SS] within a day
    "bad_category",  # a coded field holds an unknown code (satellite, confidence, day/night)
)

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("file", pa.string(), nullable=False),  # as in source_file (zip!member)
        pa.field("line", pa.int64(), nullable=False),  # 1-based line (record for shapefiles)
        pa.field("field", pa.string(), nullable=False),  # column name as in the file
        pa.field("value", pa.string()),  # the offending value, as shipped
        pa.field("reason", pa.string(), nullable=False),  # one of QUARANTINE_REASONS
    ]
)

#: File names skipped when a folder (or a zip) is walked: NASA's readme and
#: shapefile side-cars, which travel with the data but hold no rows.
_SIDECAR_SUFFIXES = {".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".md"}


def empty_quarantine() -> pa.Table:
    """An empty quarantine table."""
    return QUARANTINE_SCHEMA.empty_table()


def format_quarantine_row(row: dict[str, object]) -> str:
    """One quarantine record as ``file:line: field 'x' value 'v': reason``."""
    return (
        f"{row['file']}:{row['line']}: field {row['field']!r} "
        f"value {row['value']!r}: {row['reason']}"
    )


def is_companion_file(path: Path | str) -> bool:
    """True for files that ride along with FIRMS data but hold no rows."""
    name = Path(path).name
    if name.startswith(".") or name.lower().startswith(("readme", "licence", "license")):
        return True
    return Path(name).suffix.lower() in _SIDECAR_SUFFIXES


def expand_paths(paths: Iterable[PathLike]) -> list[Path]:
    """Files named, plus the data files found (recursively, sorted) in folders named.

    Inside folders, readmes, hidden files and shapefile side-cars are skipped;
    a file named explicitly is always kept (so a stray readme is refused
    loudly rather than ignored).
    """
    out: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not is_companion_file(p))
            out.extend(found)
        else:
            out.append(path)
    return out


ReadT = TypeVar("ReadT")


class SensorReader(ABC, Generic[ReadT]):
    """Reads one family of sensor files into canonical reads.

    Subclasses declare :attr:`name` and implement :meth:`read` for one file;
    :meth:`iter_reads` walks files and folders.
    """

    #: Short name of the sensor family (``"firms"``).
    name: ClassVar[str]

    @abstractmethod
    def read(self, path: PathLike) -> Sequence[ReadT]:
        """Read one file; an archive (zip) may yield several reads."""

    def iter_reads(self, paths: Iterable[PathLike]) -> Iterator[ReadT]:
        """Read every file named or found in the folders named, in order."""
        for path in expand_paths(paths):
            yield from self.read(path)
