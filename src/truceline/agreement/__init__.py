"""The ceasefire agreement as geometry: line of contact, zones, sectors, start time.

Build one from an occupied-territory polygon and Ukraine's national boundary
(:func:`build_agreement`), save it as one GeoPackage (:meth:`Agreement.save`)
and load it back (:func:`load_agreement`); :meth:`Agreement.locate` places
any points (zone, side, sector, signed distance to the line in km).
"""

from __future__ import annotations

from truceline.agreement.build import build_agreement
from truceline.agreement.locate import GOVERNMENT, OCCUPIED, OUTSIDE, zone_column
from truceline.agreement.model import FORMAT, Agreement, parse_start
from truceline.agreement.params import ZONES, LineParams, ZoneParams, ZoneSpec
from truceline.agreement.places import DEFAULT_BOUNDARY, DEMO_OCCUPIED
from truceline.agreement.storage import load_agreement
from truceline.vector import SourceRef

__all__ = [
    "DEFAULT_BOUNDARY",
    "DEMO_OCCUPIED",
    "FORMAT",
    "GOVERNMENT",
    "OCCUPIED",
    "OUTSIDE",
    "ZONES",
    "Agreement",
    "LineParams",
    "SourceRef",
    "ZoneParams",
    "ZoneSpec",
    "build_agreement",
    "load_agreement",
    "parse_start",
    "zone_column",
]
