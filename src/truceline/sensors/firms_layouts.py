"""FIRMS layouts, recognised from a file's header (and, for hints only, its name).

NASA ships active-fire detections in a handful of column layouts (FIRMS
attribute lists for MODIS C6.1 and VIIRS 375 m):

* VIIRS: ``latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,
  [instrument,]confidence,version,bright_ti5,frp,daynight[,type]``
* MODIS: the same with ``brightness`` and ``bright_t31`` for the two brightness
  temperatures, and a 0-100 confidence;
* the country API adds a leading ``country_id``; standard (archive) files add
  ``type``; the global daily NRT text files have no ``instrument``; shapefile
  downloads carry the same fields in upper case;
* the reduced ``LATITUDE,LONGITUDE,ACQ_DATE[,ACQ_TIME]`` form.

The header decides the layout; the file name only adds what the rows cannot
say (the day of a global daily file, even when the clip left it empty).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from truceline.errors import NotFirmsError

__all__ = ["Layout", "detect_layout", "global_file_info", "product_hint"]

#: Column name in a FIRMS file (lower-cased) -> canonical key used internally.
_ALIASES: dict[str, str] = {
    "latitude": "latitude",
    "longitude": "longitude",
    "bright_ti4": "bright_mir",
    "brightness": "bright_mir",
    "bright_ti5": "bright_tir",
    "bright_t31": "bright_tir",
    "scan": "scan",
    "track": "track",
    "acq_date": "acq_date",
    "acq_time": "acq_time",
    "satellite": "satellite",
    "instrument": "instrument",
    "confidence": "confidence",
    "version": "version",
    "frp": "frp",
    "daynight": "daynight",
    "type": "type",
    "country_id": "country_id",
}

_CORE = ("latitude", "longitude", "acq_date")
_FULL = ("scan", "track", "acq_time", "satellite", "confidence", "version", "frp", "daynight")
_REQUIRED = {
    "viirs": (*_CORE, "bright_ti4", "bright_ti5", *_FULL),
    "modis": (*_CORE, "brightness", "bright_t31", *_FULL),
}

_EXPECTED = (
    "a FIRMS active-fire header: VIIRS 'latitude,longitude,bright_ti4,scan,track,acq_date,"
    "acq_time,satellite,[instrument,]confidence,version,bright_ti5,frp,daynight[,type]', "
    "MODIS the same with 'brightness'/'bright_t31', optionally led by 'country_id', "
    "or the reduced 'LATITUDE,LONGITUDE,ACQ_DATE[,ACQ_TIME]'"
)

#: ``*_Global_*_NRT_YYYYDDD.txt`` (also ``.txt.csv``/``.txt.gz`` after renaming).
_GLOBAL_RE = re.compile(
    r"^(?P<prefix>[A-Za-z0-9_]+?)_Global_\w*?_NRT_(?P<y>\d{4})(?P<d>\d{3})\.txt"
)

#: Prefix of a global daily file name -> satellites whose passes it holds.
_GLOBAL_SATELLITES: dict[str, tuple[str, ...]] = {
    "SUOMI_VIIRS": ("S-NPP",),
    "J1_VIIRS": ("NOAA-20",),
    "J2_VIIRS": ("NOAA-21",),
    "MODIS": ("Terra", "Aqua"),
}


@dataclass(frozen=True)
class Layout:
    """What a FIRMS file's columns are and what its name tells."""

    family: str  # "viirs", "modis" or "reduced"
    container: str  # "csv", "country-csv", "global-txt" or "shp"
    columns: Mapping[str, str]  # canonical key -> column name as written in the file
    file_date: date | None = None  # the day of a global daily file
    file_satellites: tuple[str, ...] = ()  # satellites a global daily file covers
    product_hint: str = "unknown"  # NRT / standard / unknown, from the name
    ignored: tuple[str, ...] = field(default=())  # columns present but not used

    @property
    def instrument(self) -> str:
        """VIIRS, MODIS, or unknown (reduced form)."""
        return {"viirs": "VIIRS", "modis": "MODIS"}.get(self.family, "unknown")

    @property
    def has_time(self) -> bool:
        """Whether rows carry an acquisition time."""
        return "acq_time" in self.columns

    def format_name(self, product: str) -> str:
        """Short format label, e.g. ``viirs-nrt-global-txt`` or ``reduced-csv``."""
        if self.family == "reduced":
            return f"reduced-{self.container}"
        level = {"NRT": "nrt", "standard": "sp", "mixed": "mixed"}.get(product, "unknown")
        return f"{self.family}-{level}-{self.container}"


def global_file_info(name: str) -> tuple[date, tuple[str, ...]] | None:
    """Day and satellites of a global daily NRT file name, or None."""
    match = _GLOBAL_RE.match(name)
    if match is None:
        return None
    prefix = match["prefix"].upper()
    sats = next((v for k, v in _GLOBAL_SATELLITES.items() if prefix.startswith(k)), ())
    year, doy = int(match["y"]), int(match["d"])
    if not 1 <= doy <= 366:
        return None
    return date(year, 1, 1) + timedelta(days=doy - 1), sats


def product_hint(name: str) -> str:
    """NRT / standard / unknown from a FIRMS file name (fire_nrt_*, fire_archive_*, *_NRT_*)."""
    lowered = name.lower()
    if "fire_archive" in lowered or re.search(r"(^|[_-])sp([_.-]|$)", lowered):
        return "standard"
    if "fire_nrt" in lowered or re.search(r"(^|[_-])nrt([_.-]|$)", lowered):
        return "NRT"
    return "unknown"


def _family(lowered: set[str], display: str, header: str) -> str:
    if "bright_ti4" in lowered or "bright_ti5" in lowered:
        family = "viirs"
    elif "brightness" in lowered or "bright_t31" in lowered:
        family = "modis"
    else:
        return "reduced"
    missing = [c for c in _REQUIRED[family] if c not in lowered]
    if missing:
        raise NotFirmsError(
            f"{display}: header looks like FIRMS {family.upper()} but lacks "
            f"{', '.join(missing)}; expected {_EXPECTED}; found header: {header!r}"
        )
    return family


def detect_layout(names: Sequence[str], display: str, *, shapefile: bool = False) -> Layout:
    """Recognise the FIRMS layout of a file from its column names.

    ``display`` names the file in messages (``zip!member`` for members).
    Raises :class:`NotFirmsError` when the header is not a FIRMS layout.
    """
    header = ",".join(names)[:300]
    clean = [n.strip().lstrip("\ufeff").strip() for n in names]
    lowered = {n.lower() for n in clean}
    if not set(_CORE) <= lowered:
        lacking = ", ".join(c for c in _CORE if c not in lowered)
        raise NotFirmsError(
            f"{display}: not a FIRMS active-fire file (no {lacking} column); "
            f"expected {_EXPECTED}; found header: {header!r}"
        )
    family = _family(lowered, display, header)
    columns: dict[str, str] = {}
    ignored: list[str] = []
    usable = set(_ALIASES) if family != "reduced" else {*_CORE, "acq_time"}
    for name in clean:
        key = name.lower()
        if key in usable and _ALIASES[key] not in columns:
            columns[_ALIASES[key]] = name
        else:
            ignored.append(name)
    base = display.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    info = global_file_info(base)
    if shapefile:
        container = "shp"
    elif info is not None:
        container = "global-txt"
    elif "country_id" in columns:
        container = "country-csv"
    else:
        container = "csv"
    return Layout(
        family=family,
        container=container,
        columns=columns,
        file_date=info[0] if info else None,
        file_satellites=info[1] if info else (),
        product_hint="NRT" if info else product_hint(base),
        ignored=tuple(ignored),
    )
