"""What a fire looks like to VIIRS and MODIS: detection odds, position noise, radiometry.

A fire is detected with a probability that rises with its power per unit of
pixel area (a log-logistic curve: pixels grow towards the swath edge, so the
same fire is harder to see there). The reported position is the centre of the
pixel holding the fire, so it is off by up to half a pixel along scan and
along track (rotated to the ground track's heading), plus a small geolocation
error. Brightness temperatures follow a straight line in log(FRP per km²)
fitted to the real VIIRS NRT detections over Ukraine shipped with the shared
data (Aug-Sep 2025, 15,271 rows); MODIS uses the same shape with its own,
hand-set, coefficients. VIIRS's I4 band saturates at 367 K, which FIRMS
reports as "high" confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MODIS_RESPONSE",
    "VIIRS_RESPONSE",
    "Radiometry",
    "SensorResponse",
    "detection_probability",
    "pixel_offsets",
    "radiometry",
]

F64 = NDArray[np.float64]
_KM_PER_DEG = 111.32


@dataclass(frozen=True)
class SensorResponse:
    """How one instrument turns a fire into a FIRMS row (per-field reasons below)."""

    f50_day_mw_km2: float
    """FRP per km² of pixel with even odds of detection by day (sunlight hides small fires)."""
    f50_night_mw_km2: float
    """The same at night, when the contextual test is more sensitive."""
    slope: float
    """Width of the log-logistic detection curve, in natural-log units of FRP."""
    frp_noise_sigma: float
    """Log-normal error of the retrieved FRP (about 30 % for both sensors)."""
    geolocation_km: float
    """Standard deviation of the geolocation error, km."""
    mir_day: tuple[float, float, float]
    """MIR brightness by day: intercept K, slope K per ln(MW/km²), residual sd K."""
    mir_night: tuple[float, float, float]
    tir_day: tuple[float, float, float]
    """TIR brightness by day: intercept, slope, residual sd."""
    tir_night: tuple[float, float, float]
    mir_saturation_k: float
    """MIR brightness reported when the band saturates."""
    low_confidence_day: float
    """VIIRS: share of daytime detections flagged low (sun-glint, weak contrast)."""


#: VIIRS I-band: coefficients fitted to the shared NRT sample; 50 % odds at about 0.2 MW
#: for a 0.14 km² nadir pixel by night and 0.6 MW by day (the sample's 5 % FRP quantile is 0.6).
VIIRS_RESPONSE = SensorResponse(
    f50_day_mw_km2=4.0,
    f50_night_mw_km2=1.5,
    slope=0.5,
    frp_noise_sigma=0.3,
    geolocation_km=0.07,
    mir_day=(328.1, 3.6, 7.4),
    mir_night=(287.8, 11.2, 7.5),
    tir_day=(295.1, 2.8, 5.4),
    tir_night=(282.7, 1.8, 3.9),
    mir_saturation_k=367.0,
    low_confidence_day=0.17,
)

#: MODIS 1 km: 50 % odds near 10 MW by day and 5 MW by night at nadir (MOD14 literature).
MODIS_RESPONSE = SensorResponse(
    f50_day_mw_km2=10.0,
    f50_night_mw_km2=5.0,
    slope=0.5,
    frp_noise_sigma=0.3,
    geolocation_km=0.05,
    mir_day=(318.0, 6.0, 8.0),
    mir_night=(298.0, 9.0, 8.0),
    tir_day=(296.0, 2.0, 5.0),
    tir_night=(281.0, 1.5, 4.0),
    mir_saturation_k=500.0,
    low_confidence_day=0.0,
)


def detection_probability(
    frp_mw: F64, area_km2: F64, day: NDArray[np.bool_], response: SensorResponse
) -> F64:
    """Odds that a pixel holding a fire of ``frp_mw`` is flagged (log-logistic in FRP/area)."""
    f50 = np.where(day, response.f50_day_mw_km2, response.f50_night_mw_km2) * area_km2
    z = (np.log(np.maximum(frp_mw, 1e-6)) - np.log(f50)) / response.slope
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def pixel_offsets(
    rng: np.random.Generator,
    scan_km: F64,
    track_km: F64,
    heading_deg: F64,
    lat: F64,
    response: SensorResponse,
) -> tuple[F64, F64]:
    """Degrees to add to a fire's lon/lat to get its pixel centre (half-pixel + geolocation)."""
    n = len(scan_km)
    along_scan = rng.uniform(-0.5, 0.5, n) * scan_km + rng.normal(0, response.geolocation_km, n)
    along_track = rng.uniform(-0.5, 0.5, n) * track_km + rng.normal(0, response.geolocation_km, n)
    heading = np.radians(heading_deg)
    east = along_track * np.sin(heading) + along_scan * np.cos(heading)
    north = along_track * np.cos(heading) - along_scan * np.sin(heading)
    dlat = north / _KM_PER_DEG
    dlon = east / (_KM_PER_DEG * np.cos(np.radians(lat)))
    return dlon, dlat


@dataclass(frozen=True)
class Radiometry:
    """Per-detection FIRMS values."""

    frp: F64
    mir: F64  # bright_ti4 / brightness, K
    tir: F64  # bright_ti5 / bright_t31, K
    confidence: NDArray[np.str_]  # VIIRS l/n/h, or MODIS 0-100 as text


def _line(coef: tuple[float, float, float], x: F64, noise: F64) -> F64:
    return coef[0] + coef[1] * x + coef[2] * noise


def radiometry(
    rng: np.random.Generator,
    frp_mw: F64,
    area_km2: F64,
    day: NDArray[np.bool_],
    response: SensorResponse,
    instrument: str,
) -> Radiometry:
    """Retrieved FRP, brightness temperatures and confidence for detected pixels."""
    n = len(frp_mw)
    frp = frp_mw * np.exp(rng.normal(0, response.frp_noise_sigma, n))
    x = np.log(np.maximum(frp, 1e-3) / area_km2)
    mir = np.where(
        day,
        _line(response.mir_day, x, rng.normal(0, 1, n)),
        _line(response.mir_night, x, rng.normal(0, 1, n)),
    )
    tir = np.where(
        day,
        _line(response.tir_day, x, rng.normal(0, 1, n)),
        _line(response.tir_night, x, rng.normal(0, 1, n)),
    )
    tir = np.minimum(tir, mir - 1.0)
    saturated = mir >= response.mir_saturation_k
    mir = np.where(saturated, response.mir_saturation_k, mir)
    if instrument == "VIIRS":
        low = day & (rng.uniform(0, 1, n) < response.low_confidence_day)
        confidence = np.where(saturated, "h", np.where(low, "l", "n"))
    else:
        score = np.clip(np.rint(20.0 + 1.2 * (mir - tir) + rng.normal(0, 10.0, n)), 0, 100)
        confidence = score.astype(np.int64).astype(str)
    return Radiometry(frp, mir, tir, np.asarray(confidence))
