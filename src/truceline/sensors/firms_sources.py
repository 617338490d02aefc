"""Open what NASA ships: plain or gzip text, zip downloads, shapefiles.

A file is recognised by its first bytes (gzip, zip, shapefile magic numbers),
not by its name. Each yields one or more :class:`Source` entries: decoded
text bytes for CSV-like members, or a GDAL path for shapefiles. The SHA-256
is always that of the file as shipped (the zip, for its members).
"""

from __future__ import annotations

import gzip
import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from truceline.errors import NotFirmsError
from truceline.sensors.base import is_companion_file

__all__ = ["Source", "file_sha256", "open_sources"]

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_SHP_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """One readable unit of a shipped file."""

    path: Path  # the file as given
    member: str | None  # zip member name, or None
    sha256: str  # of the file as shipped
    display: str  # file name for messages and source_file (zip!member)
    data: bytes | None = None  # decompressed text, for CSV-like sources
    gdal_path: str | None = None  # GDAL path, for shapefiles


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _gunzip(data: bytes, display: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise NotFirmsError(f"{display}: gzip stream is corrupt or truncated ({error})") from error


def _zip_sources(path: Path, sha: str) -> Iterator[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise NotFirmsError(f"{path.name}: not a readable zip file ({error})") from error
    with archive:
        names = sorted(n for n in archive.namelist() if not n.endswith("/"))
        found = False
        for name in names:
            if is_companion_file(PurePosixPath(name).name):
                continue
            display = f"{path.name}!{name}"
            found = True
            if name.lower().endswith(".shp"):
                yield Source(path, name, sha, display, gdal_path=f"/vsizip/{path.resolve()}/{name}")
                continue
            try:
                data = archive.read(name)
            except (zipfile.BadZipFile, zlib.error, OSError) as error:
                raise NotFirmsError(f"{display}: zip member cannot be read ({error})") from error
            if data.startswith(_GZIP_MAGIC):
                data = _gunzip(data, display)
            yield Source(path, name, sha, display, data=data)
        if not found:
            raise NotFirmsError(
                f"{path.name}: zip holds no FIRMS data member; expected fire_nrt_*/fire_archive_* "
                f"CSV or shapefile members; found {names}"
            )


def open_sources(path: Path) -> Iterator[Source]:
    """The readable units of one shipped file, recognised by their magic bytes."""
    if not path.is_file():
        raise NotFirmsError(f"{path}: no such file")
    with path.open("rb") as handle:
        head = handle.read(4)
    sha = file_sha256(path)
    if head.startswith(_ZIP_MAGIC):
        yield from _zip_sources(path, sha)
    elif head == _SHP_MAGIC:
        yield Source(path, None, sha, path.name, gdal_path=str(path.resolve()))
    elif head.startswith(_GZIP_MAGIC):
        yield Source(path, None, sha, path.name, data=_gunzip(path.read_bytes(), path.name))
    else:
        yield Source(path, None, sha, path.name, data=path.read_bytes())
