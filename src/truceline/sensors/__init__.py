"""Sensor readers: files as shipped -> canonical detection rows.

One reader interface (:class:`~truceline.sensors.base.SensorReader`); FIRMS
active-fire files are read by :mod:`truceline.sensors.firms`.
"""

from __future__ import annotations

from truceline.sensors.base import (
    QUARANTINE_REASONS,
    QUARANTINE_SCHEMA,
    SensorReader,
    expand_paths,
)
from truceline.sensors.firms import (
    AOI,
    FirmsParams,
    FirmsRead,
    FirmsReader,
    iter_firms,
    load_detections,
    read_firms,
)
from truceline.sensors.firms_aoi import parse_bbox, read_clip
from truceline.sensors.firms_ids import detection_id

__all__ = [
    "AOI",
    "QUARANTINE_REASONS",
    "QUARANTINE_SCHEMA",
    "FirmsParams",
    "FirmsRead",
    "FirmsReader",
    "SensorReader",
    "detection_id",
    "expand_paths",
    "iter_firms",
    "load_detections",
    "parse_bbox",
    "read_clip",
    "read_firms",
]
