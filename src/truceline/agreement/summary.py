"""Human- and machine-readable summaries of an agreement.

:func:`summarise` gives a JSON-ready dict (``truceline agreement show --json``),
:func:`summary_markdown` the same for people (written beside the GeoPackage
on build and printed by ``truceline agreement show``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from truceline.agreement.locate import GOVERNMENT, OCCUPIED
from truceline.agreement.model import FORMAT, format_start
from truceline.agreement.params import ZONES, params_to_dict
from truceline.geo import area_km2, length_km

if TYPE_CHECKING:
    from truceline.agreement.model import Agreement

__all__ = ["summarise", "summary_markdown"]


def summarise(agreement: Agreement) -> dict[str, Any]:
    """Name, version, start, provenance, line length, zone areas by side, sectors."""
    zones = agreement.zones.set_index(["zone", "side"])
    zone_rows = []
    for spec in ZONES:
        zone_rows.append(
            {
                "zone": spec.name,
                "kind": spec.kind,
                "weapons": spec.weapons,
                "width_km": agreement.params.width_km(spec.name),
                "occupied_km2": round(float(zones.loc[(spec.name, OCCUPIED), "area_km2"]), 1),
                "government_km2": round(float(zones.loc[(spec.name, GOVERNMENT), "area_km2"]), 1),
            }
        )
    parts = sorted((length_km(p) for p in agreement.line.geoms), reverse=True)
    return {
        "format": FORMAT,
        "name": agreement.name,
        "version": agreement.version,
        "start": format_start(agreement.start),
        "sources": [asdict(s) for s in agreement.sources],
        "params": params_to_dict(agreement.params, agreement.line_params),
        "line": {
            "length_km": round(agreement.line_length_km, 1),
            "geodesic_length_km": round(agreement.line_geodesic_length_km, 1),
            "parts": len(parts),
            "longest_part_km": round(parts[0], 1),
        },
        "territories": {
            "occupied_km2": round(area_km2(agreement.occupied), 1),
            "government_km2": round(area_km2(agreement.government), 1),
        },
        "zones": zone_rows,
        "sectors": [
            {
                "sector_id": r.sector_id,
                "name": r.name,
                "length_km": round(float(r.length_km), 1),
                "area_km2": round(float(r.area_km2), 1),
            }
            for r in agreement.sectors.itertuples()
        ],
    }


def summary_markdown(agreement: Agreement) -> str:
    """The summary as a Markdown document."""
    s = summarise(agreement)
    line = s["line"]
    out = [
        f"# {s['name']}",
        "",
        f"- version: `{s['version']}`",
        f"- start (UTC): {s['start'] or 'not set'}",
        f"- line of contact: {line['length_km']:,.1f} km in {line['parts']} parts "
        f"(longest {line['longest_part_km']:,.1f} km; "
        f"geodesic {line['geodesic_length_km']:,.1f} km)",
        f"- occupied area {s['territories']['occupied_km2']:,.0f} km², "
        f"government-controlled {s['territories']['government_km2']:,.0f} km²",
        "",
        "## Sources",
        "",
        *[f"- {src['role']}: `{src['name']}` sha256 `{src['sha256']}`" for src in s["sources"]],
        "",
        "## Zones (width from the line, each side; areas inside Ukraine)",
        "",
        "| zone | kind | keeps out | width km | occupied side km² | government side km² |",
        "|---|---|---|---:|---:|---:|",
        *[
            f"| {z['zone']} | {z['kind']} | {z['weapons']} | {z['width_km']:g} | "
            f"{z['occupied_km2']:,.0f} | {z['government_km2']:,.0f} |"
            for z in s["zones"]
        ],
        "",
        f"## Sectors ({len(s['sectors'])})",
        "",
        "| sector | name | line km | area km² |",
        "|---|---|---:|---:|",
        *[
            f"| {r['sector_id']} | {r['name']} | {r['length_km']:,.1f} | {r['area_km2']:,.0f} |"
            for r in s["sectors"]
        ],
        "",
        "## Parameters",
        "",
        *[
            f"- {group}.{k} = {v}"
            for group, values in s["params"].items()
            for k, v in values.items()
        ],
        "",
    ]
    return "\n".join(out)
