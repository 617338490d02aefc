"""Which satellites a set of detections comes from, as one label.

The expected level of fire activity depends on how many satellites looked:
the shared history (2012-2021) is S-NPP VIIRS plus Terra/Aqua MODIS, the
2023 history and the 2025 NRT files are NOAA-20 VIIRS alone. The label lets
the detector rescale a baseline fitted on one mix to data from another
(factors in :class:`truceline.detect.DetectParams`).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MIX_LABELS", "MODIS_SATELLITES", "VIIRS_SATELLITES", "sensor_mix"]

VIIRS_SATELLITES = frozenset({"S-NPP", "NOAA-20", "NOAA-21"})
MODIS_SATELLITES = frozenset({"Terra", "Aqua"})

#: Labels: "unknown" (satellite not recorded, as in the reduced history form),
#: "viirs-single", "viirs-multi", "modis", "mixed" (VIIRS and MODIS).
MIX_LABELS = ("unknown", "viirs-single", "viirs-multi", "modis", "mixed")


def sensor_mix(satellites: Iterable[str | None]) -> str:
    """Label of the satellite mix; any unknown satellite makes the mix "unknown"."""
    seen = {s if s else "unknown" for s in satellites}
    if not seen or not seen <= (VIIRS_SATELLITES | MODIS_SATELLITES):
        return "unknown"
    viirs = seen & VIIRS_SATELLITES
    modis = seen & MODIS_SATELLITES
    if viirs and modis:
        return "mixed"
    if modis:
        return "modis"
    return "viirs-single" if len(viirs) == 1 else "viirs-multi"
