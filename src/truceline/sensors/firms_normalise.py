"""Validate FIRMS rows (vectorised) and normalise them into DETECTION_SCHEMA.

Every field is checked column-wise with pyarrow compute; a row fails on its
first bad field (in file order of importance: position, date, time, codes,
numbers) and goes to the quarantine with that field's name and value and a
reason from :data:`truceline.sensors.base.QUARANTINE_REASONS`. The good rows
of the same file are normalised: UTC timestamp, canonical satellite,
instrument and product, confidence kept raw plus class and 0-1 scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from truceline.schema import DETECTION_SCHEMA
from truceline.sensors.base import QUARANTINE_REASONS, QUARANTINE_SCHEMA
from truceline.sensors.firms_ids import detection_ids
from truceline.sensors.firms_layouts import Layout
from truceline.sensors.firms_values import (
    Checked,
    by_distinct,
    check_confidence,
    check_date,
    check_number,
    check_satellite,
    check_time,
    check_type,
    check_vocabulary,
    product_of,
)

__all__ = ["FirmsParams", "normalise"]


@dataclass(frozen=True)
class FirmsParams:
    """Tunables of FIRMS normalisation."""

    modis_low_below: float = 30.0
    """MODIS confidence below this is "low" (MODIS C6 user guide: 0-30 % low)."""
    modis_high_from: float = 80.0
    """MODIS confidence at or above this is "high" (user guide: 80-100 % high)."""


@dataclass
class _Verdict:
    """First failing field and reason per row (-1 = row is good so far)."""

    size: int

    def __post_init__(self) -> None:
        self.reason = np.full(self.size, -1, dtype=np.int8)
        self.field = np.full(self.size, -1, dtype=np.int16)
        self.fields: list[str] = []

    def add(self, name: str, checked: Checked) -> None:
        index = len(self.fields)
        self.fields.append(name)
        for code, mask in checked.problems.items():
            hit = mask & (self.reason < 0)
            self.reason[hit] = QUARANTINE_REASONS.index(code)
            self.field[hit] = index

    @property
    def good(self) -> np.ndarray:
        return self.reason < 0


def _quarantine(
    verdict: _Verdict, raw: Mapping[str, pa.Array], lines: np.ndarray, display: str
) -> pa.Table:
    rows = np.flatnonzero(~verdict.good)
    names = [verdict.fields[i] for i in verdict.field[rows]]
    values = [raw[name][int(r)].as_py() for name, r in zip(names, rows, strict=True)]
    return pa.table(
        {
            "file": pa.array([display] * rows.size, pa.string()),
            "line": pa.array(lines[rows], pa.int64()),
            "field": pa.array(names, pa.string()),
            "value": pa.array(values, pa.string()),
            "reason": pa.array([QUARANTINE_REASONS[i] for i in verdict.reason[rows]]),
        },
        schema=QUARANTINE_SCHEMA,
    )


def _nulls(n: int, type_: pa.DataType) -> pa.Array:
    return pa.nulls(n, type_)


def _repeat(text: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(text, pa.string()), n)


def normalise(
    columns: Mapping[str, pa.Array],
    lines: np.ndarray,
    layout: Layout,
    *,
    display: str,
    sha256: str,
    params: FirmsParams = FirmsParams(),
) -> tuple[pa.Table, pa.Table]:
    """Good rows as DETECTION_SCHEMA (input order) and the quarantine of the others.

    ``columns`` maps canonical keys (see :class:`Layout`) to string arrays.
    """
    n = len(lines)
    name = layout.columns  # canonical key -> file column name
    raw = {name[k]: v for k, v in columns.items()}
    verdict = _Verdict(n)
    lat = check_number(columns["latitude"], required=True, low=-90.0, high=90.0)
    verdict.add(name["latitude"], lat)
    lon = check_number(columns["longitude"], required=True, low=-180.0, high=180.0)
    verdict.add(name["longitude"], lon)
    day = by_distinct(check_date, columns["acq_date"])
    verdict.add(name["acq_date"], day)
    seconds = None
    if "acq_time" in columns:
        seconds = by_distinct(check_time, columns["acq_time"])
        verdict.add(name["acq_time"], seconds)
    sat = None
    if "satellite" in columns:
        sat = by_distinct(partial(check_satellite, family=layout.family), columns["satellite"])
        verdict.add(name["satellite"], sat)
    if "instrument" in columns:
        verdict.add(
            name["instrument"],
            check_vocabulary(columns["instrument"], {layout.instrument: layout.instrument}),
        )
    conf = None
    if "confidence" in columns:
        conf = by_distinct(
            partial(check_confidence, family=layout.family, params=params), columns["confidence"]
        )
        verdict.add(name["confidence"], conf)
    daynight = None
    if "daynight" in columns:
        daynight = check_vocabulary(columns["daynight"], {"D": "D", "N": "N"})
        verdict.add(name["daynight"], daynight)
    fire_type = None
    if "type" in columns:
        fire_type = check_type(columns["type"])
        verdict.add(name["type"], fire_type)
    numbers: dict[str, pa.Array] = {}
    for key in ("frp", "bright_mir", "bright_tir", "scan", "track"):
        if key in columns:
            checked = check_number(columns[key], required=False)
            verdict.add(name[key], checked)
            numbers[key] = checked.value
    quarantine = _quarantine(verdict, raw, lines, display)

    date_value = day.value
    if seconds is not None:
        stamp = pc.add(pc.cast(date_value, pa.timestamp("s")), seconds.value.cast(pa.duration("s")))
        acq_time = pc.assume_timezone(stamp, "UTC")
    else:
        acq_time = _nulls(n, pa.timestamp("s", tz="UTC"))
    version = (
        pc.utf8_trim_whitespace(columns["version"].fill_null(""))
        if "version" in columns
        else _nulls(n, pa.string())
    )
    product = product_of(version, layout.product_hint if layout.family != "reduced" else "unknown")
    version = pc.if_else(pc.equal(version, ""), pa.scalar(None, pa.string()), version)
    satellite = sat.value if sat is not None else _repeat("unknown", n)
    full = pa.table(
        {
            "id": _nulls(n, pa.string()),
            "lat": lat.value,
            "lon": lon.value,
            "acq_date": date_value,
            "acq_time": acq_time,
            "time_known": pa.array(np.full(n, seconds is not None)),
            "satellite": satellite,
            "instrument": _repeat(layout.instrument, n),
            "product": product,
            "version": version,
            "confidence_raw": conf.raw if conf is not None else _nulls(n, pa.string()),
            "confidence_class": conf.value if conf is not None else _nulls(n, pa.string()),
            "confidence": conf.scale if conf is not None else _nulls(n, pa.float64()),
            "frp": numbers.get("frp", _nulls(n, pa.float64())),
            "bright_mir": numbers.get("bright_mir", _nulls(n, pa.float64())),
            "bright_tir": numbers.get("bright_tir", _nulls(n, pa.float64())),
            "scan": numbers.get("scan", _nulls(n, pa.float64())),
            "track": numbers.get("track", _nulls(n, pa.float64())),
            "daynight": daynight.value if daynight is not None else _nulls(n, pa.string()),
            "fire_type": fire_type.value if fire_type is not None else _nulls(n, pa.int8()),
            "source_sha256": _repeat(sha256, n),
            "source_file": _repeat(display, n),
            "source_line": pa.array(lines, pa.int64()),
        }
    )
    good = full.filter(pa.array(verdict.good))
    ids = detection_ids(
        good["satellite"],
        good["acq_date"],
        good["acq_time"],
        good["lat"].to_numpy(),
        good["lon"].to_numpy(),
    )
    good = good.set_column(0, "id", ids)
    return good.cast(DETECTION_SCHEMA), quarantine
