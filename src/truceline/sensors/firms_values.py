"""Column checks for FIRMS fields: parse text into values and flag bad rows.

Each check takes a string column and returns a :class:`Checked`: the parsed
values (null where empty or bad) and, per quarantine reason, a boolean mask of
the rows that fail. Empty optional fields are null, not errors.

A check's verdict depends on the value alone, so :func:`by_distinct` runs it
once per distinct value (a file holds a few hundred dates and pass times, five
satellite codes) and spreads the result back to the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from truceline.schema import CONFIDENCE_SCALE

if TYPE_CHECKING:
    from truceline.sensors.firms_normalise import FirmsParams

__all__ = [
    "SATELLITE_CODES",
    "Checked",
    "by_distinct",
    "check_confidence",
    "check_date",
    "check_number",
    "check_satellite",
    "check_time",
    "check_type",
    "check_vocabulary",
    "product_of",
]

_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_HHMM = r"^\d{1,4}$"
_CLOCK = r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$"

#: FIRMS satellite codes (upper-cased) -> canonical name, per instrument family.
SATELLITE_CODES: dict[str, dict[str, str]] = {
    "viirs": {
        **dict.fromkeys(("N", "NPP", "SNPP", "S-NPP", "SUOMI-NPP", "SUOMI NPP"), "S-NPP"),
        **dict.fromkeys(("N20", "1", "J1", "NOAA-20", "NOAA20", "JPSS-1"), "NOAA-20"),
        **dict.fromkeys(("N21", "J2", "NOAA-21", "NOAA21", "JPSS-2"), "NOAA-21"),
    },
    "modis": {"T": "Terra", "TERRA": "Terra", "A": "Aqua", "AQUA": "Aqua"},
}

_VIIRS_CLASSES = dict.fromkeys(("L", "LOW"), "low")
_VIIRS_CLASSES |= dict.fromkeys(("N", "NOMINAL"), "nominal")
_VIIRS_CLASSES |= dict.fromkeys(("H", "HIGH"), "high")

#: Fire types of the standard products: 0 vegetation, 1 volcano, 2 static land source, 3 offshore.
_FIRE_TYPES = (0, 1, 2, 3)


@dataclass
class Checked:
    """Parsed values of one column and the rows that fail, by reason."""

    value: pa.Array
    problems: dict[str, np.ndarray] = field(default_factory=dict)
    raw: pa.Array | None = None  # trimmed text, null when empty
    scale: pa.Array | None = None  # confidence on the 0-1 scale


#: by_distinct checks the distinct values only when they are fewer than this share of the rows.
_DISTINCT_SHARE = 0.5


def by_distinct(check: Callable[[pa.Array], Checked], column: pa.Array) -> Checked:
    """``check(column)``, evaluated once per distinct value when values repeat."""
    text = column.fill_null("")
    encoded = pc.dictionary_encode(text)
    if len(encoded.dictionary) >= _DISTINCT_SHARE * len(text):
        return check(column)
    checked = check(encoded.dictionary)
    rows = encoded.indices
    at = np.asarray(rows.to_numpy(zero_copy_only=False))

    def spread(values: pa.Array | None) -> pa.Array | None:
        return None if values is None else pc.take(values, rows)

    return Checked(
        pc.take(checked.value, rows),
        {reason: mask[at] for reason, mask in checked.problems.items()},
        spread(checked.raw),
        spread(checked.scale),
    )


def _text(column: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(column.fill_null(""))


def _mask(values: pa.Array) -> np.ndarray:
    return np.asarray(values.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _null_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.scalar(None, values.type), values)


def check_number(
    column: pa.Array, *, required: bool, low: float | None = None, high: float | None = None
) -> Checked:
    """A decimal number; ``missing`` if required and empty; optional range check."""
    text = _text(column)
    empty = _mask(pc.equal(text, ""))
    ok = _mask(pc.match_substring_regex(text, _NUMBER))
    value = pc.cast(pc.if_else(pa.array(ok), text, pa.scalar(None, pa.string())), pa.float64())
    problems = {"missing": empty} if required else {}
    problems["not_a_number"] = ~ok & ~empty
    if low is not None and high is not None:
        outside = _mask(pc.or_(pc.less(value, low), pc.greater(value, high)))
        problems["out_of_range"] = outside
        value = _null_where(value, outside)
    return Checked(value, problems)


def check_date(column: pa.Array) -> Checked:
    """``YYYY-MM-DD`` calendar date (required)."""
    text = _text(column)
    empty = _mask(pc.equal(text, ""))
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls impossible days over (2025-02-30 -> 03-02): require a round trip
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text)
    bad = ~_mask(same) & ~empty
    parsed = _null_where(parsed, bad)
    return Checked(pc.cast(parsed, pa.date32()), {"missing": empty, "bad_date": bad})


def _int_field(struct: pa.Array, name: str) -> np.ndarray:
    part = pc.struct_field(struct, name)
    part = pc.if_else(pc.equal(part, ""), "0", part)
    return np.asarray(pc.cast(part, pa.int64()).to_numpy(zero_copy_only=False))


def check_time(column: pa.Array) -> Checked:
    """Seconds after midnight UTC from ``HHMM`` (any leading zeros) or ``HH:MM[:SS]``."""
    text = _text(column)
    empty = _mask(pc.equal(text, ""))
    digits = _mask(pc.match_substring_regex(text, _HHMM))
    clock = _mask(pc.match_substring_regex(text, _CLOCK))
    hhmm = np.asarray(
        pc.cast(pc.if_else(pa.array(digits), text, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    )
    parts = pc.extract_regex(pc.if_else(pa.array(clock), text, "0:00"), _CLOCK)
    hours = np.where(clock, _int_field(parts, "h"), hhmm // 100)
    minutes = np.where(clock, _int_field(parts, "m"), hhmm % 100)
    secs = np.where(clock, _int_field(parts, "s"), 0)
    valid = (digits | clock) & (hours < 24) & (minutes < 60) & (secs < 60)
    seconds = pa.array(hours * 3600 + minutes * 60 + secs, mask=~valid)
    return Checked(seconds, {"missing": empty, "bad_time": ~valid & ~empty})


def _lookup(text: pa.Array, mapping: dict[str, str]) -> tuple[pa.Array, np.ndarray]:
    keys = pa.array(list(mapping), pa.string())
    index = pc.index_in(pc.utf8_upper(text), value_set=keys)
    value = pc.take(pa.array(list(mapping.values()), pa.string()), index)
    return value, _mask(pc.is_valid(index))


def check_satellite(column: pa.Array, family: str) -> Checked:
    """A satellite code of the file's instrument family (required)."""
    text = _text(column)
    empty = _mask(pc.equal(text, ""))
    value, known = _lookup(text, SATELLITE_CODES[family])
    return Checked(value, {"missing": empty, "bad_category": ~known & ~empty})


def check_vocabulary(column: pa.Array, mapping: dict[str, str]) -> Checked:
    """An optional coded field (case-insensitive keys, upper-case in ``mapping``)."""
    text = _text(column)
    empty = _mask(pc.equal(text, ""))
    value, known = _lookup(text, mapping)
    return Checked(value, {"bad_category": ~known & ~empty})


def check_confidence(column: pa.Array, family: str, params: FirmsParams) -> Checked:
    """VIIRS ``l/n/h`` (or ``low/nominal/high``), MODIS 0-100; optional."""
    text = _text(column)
    raw = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if family == "viirs":
        checked = check_vocabulary(column, _VIIRS_CLASSES)
        classes = list(CONFIDENCE_SCALE)
        index = pc.index_in(checked.value, value_set=pa.array(classes, pa.string()))
        scale = pc.take(pa.array([CONFIDENCE_SCALE[c] for c in classes], pa.float64()), index)
        return Checked(checked.value, checked.problems, raw, scale)
    checked = check_number(column, required=False, low=0.0, high=100.0)
    percent = checked.value
    band = pc.if_else(
        pc.less(percent, params.modis_low_below),
        "low",
        pc.if_else(pc.greater_equal(percent, params.modis_high_from), "high", "nominal"),
    )
    return Checked(band, checked.problems, raw, pc.divide(percent, 100.0))


def check_type(column: pa.Array) -> Checked:
    """Standard-product fire type 0-3; optional."""
    checked = check_number(column, required=False)
    value = checked.value
    known = _mask(pc.is_in(value, value_set=pa.array(_FIRE_TYPES, pa.float64())))
    outside = _mask(pc.is_valid(value)) & ~known
    checked.problems["out_of_range"] = outside
    return Checked(pc.cast(_null_where(value, outside), pa.int8()), checked.problems)


def product_of(version: pa.Array, hint: str) -> pa.Array:
    """NRT when the version ends in NRT/RT/URT, standard when it is a bare number."""
    encoded = pc.dictionary_encode(version)  # a file holds one or two versions
    distinct = encoded.dictionary
    upper = pc.utf8_upper(distinct)
    nrt = pc.match_substring_regex(upper, r"(NRT|URT|RT)$").fill_null(False)
    std = pc.match_substring_regex(distinct, r"^\d+(\.\d+)*$").fill_null(False)
    product = pc.if_else(nrt, "NRT", pc.if_else(std, "standard", hint))
    return pc.take(product, encoded.indices).fill_null(hint)
