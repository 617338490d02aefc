"""The canonical detection record shared by every stage.

One FIRMS row, normalised. Sensors write it, the archive stores it as
GeoParquet (plus a WKB ``geometry`` point), and baseline, detection and
incidents read it. Columns that a source does not carry are null, never
invented: the reduced ``LATITUDE,LONGITUDE,ACQ_DATE`` form has no time, so
``acq_time`` is null and ``time_known`` is false.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "CONFIDENCE_SCALE",
    "DETECTION_COLUMNS",
    "DETECTION_SCHEMA",
    "PRODUCTS",
    "SATELLITES",
]

#: Canonical satellite names (FIRMS codes are mapped onto these).
SATELLITES = ("S-NPP", "NOAA-20", "NOAA-21", "Terra", "Aqua", "unknown")

#: Product levels: near-real-time, standard (science quality), or unknown.
PRODUCTS = ("NRT", "standard", "unknown")

#: VIIRS confidence classes mapped onto the 0-1 scale at the middle of the
#: matching MODIS class (low 0-30, nominal 30-80, high 80-100; MODIS user guide).
CONFIDENCE_SCALE = {"low": 0.15, "nominal": 0.55, "high": 0.90}

DETECTION_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),  # hash of satellite, time, lat, lon
        pa.field("lat", pa.float64(), nullable=False),
        pa.field("lon", pa.float64(), nullable=False),
        pa.field("acq_date", pa.date32(), nullable=False),  # UTC date of the pass
        pa.field("acq_time", pa.timestamp("s", tz="UTC")),  # null when the source has no time
        pa.field("time_known", pa.bool_(), nullable=False),
        pa.field("satellite", pa.string(), nullable=False),  # one of SATELLITES
        pa.field("instrument", pa.string(), nullable=False),  # VIIRS / MODIS / unknown
        pa.field("product", pa.string(), nullable=False),  # one of PRODUCTS
        pa.field("version", pa.string()),  # FIRMS collection/version, as shipped
        pa.field("confidence_raw", pa.string()),  # as shipped: l/n/h, low/.., or 0-100
        pa.field("confidence_class", pa.string()),  # low / nominal / high
        pa.field("confidence", pa.float64()),  # 0-1 on the MODIS scale
        pa.field("frp", pa.float64()),  # fire radiative power, MW
        pa.field("bright_mir", pa.float64()),  # K: VIIRS I4 or MODIS band 21/22
        pa.field("bright_tir", pa.float64()),  # K: VIIRS I5 or MODIS band 31
        pa.field("scan", pa.float64()),  # pixel size along scan, km
        pa.field("track", pa.float64()),  # pixel size along track, km
        pa.field("daynight", pa.string()),  # D / N
        pa.field("fire_type", pa.int8()),  # 0 vegetation, 1 volcano, 2 static source, 3 offshore
        pa.field("source_sha256", pa.string(), nullable=False),  # of the file NASA shipped
        pa.field("source_file", pa.string(), nullable=False),  # name (zip members as zip!member)
        pa.field("source_line", pa.int64(), nullable=False),  # 1-based line (record for shapefiles)
    ]
)

DETECTION_COLUMNS: tuple[str, ...] = tuple(DETECTION_SCHEMA.names)
