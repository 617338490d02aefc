"""All 2025 NRT files -> incidents against the 2025-08-11 agreement: figures and a map.

Reads every real VIIRS NOAA-20 NRT file in ``../shared/data/firms_nrt_2025``
(2025-08-11 .. 2025-09-15), builds the agreement on the DeepStateMap line of
2025-08-11 with the ceasefire starting 2025-08-11 00:00 UTC, scores the
detections with the baseline shipped in the package, builds incidents, and
reports: incidents by likelihood word and sector, the share of incidents within
25 km of the line, and a PNG map (docs/img/incidents-2025.png).

    .venv/bin/python scripts/incidents_2025.py [--data DIR] [--baseline FILE]
        [--png docs/img/incidents-2025.png] [--json FIGURES.json] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from truceline.agreement import DEMO_OCCUPIED, Agreement, build_agreement
from truceline.baseline import load_baseline
from truceline.detect import score_detections
from truceline.export import write_incidents
from truceline.geo import to_local
from truceline.incidents import build_incidents
from truceline.likelihood import ICD203_WORDS, NOT_APPLICABLE
from truceline.pipeline import default_baseline
from truceline.sensors import load_detections

ROOT = Path(__file__).resolve().parents[1]
NEAR_KM = 25.0
COLOURS = dict(
    zip(
        ICD203_WORDS,
        ["#bdbdbd", "#969696", "#fed976", "#feb24c", "#fd8d3c", "#e31a1c", "#800026"],
        strict=True,
    )
) | {NOT_APPLICABLE: "#3182bd"}


def figures(incidents: pd.DataFrame, scored: pd.DataFrame, seconds: float) -> dict[str, Any]:
    """The closing-note figures."""
    sector = incidents["sector"].fillna("outside sectors").astype(str)
    table = pd.crosstab(sector, incidents["likelihood"])
    table = table.reindex(columns=[w for w in reversed(ICD203_WORDS) if w in table.columns])
    near = incidents["distance_km"].abs() <= NEAR_KM
    violations = incidents["is_violation"].astype(bool)
    return {
        "detections": len(scored),
        "war_related": int(scored["war_related"].sum()),
        "incidents": len(incidents),
        "violations": int(violations.sum()),
        "single_detection_incidents": int((incidents["n_detections"] == 1).sum()),
        "by_likelihood": {
            w: int((incidents["likelihood"] == w).sum()) for w in reversed(ICD203_WORDS)
        },
        "by_sector_and_likelihood": table.to_dict(orient="index"),
        "share_within_25km": float(near.mean()) if len(incidents) else float("nan"),
        "share_of_violations_within_25km": float(near[violations].mean())
        if violations.any()
        else float("nan"),
        "share_of_war_related_detections_within_25km": float(
            (scored.loc[scored["war_related"], "distance_km"].abs() <= NEAR_KM).mean()
        ),
        "share_of_all_detections_within_25km": float(
            (scored["distance_km"].abs() <= NEAR_KM).mean()
        ),
        "seconds": round(seconds, 1),
    }


def _draw(ax: plt.Axes, geom: shapely.Geometry, **style: Any) -> None:
    for part in shapely.get_parts(to_local(geom)):
        if part.geom_type == "Polygon":
            x, y = np.asarray(part.exterior.coords).T / 1000.0
            ax.fill(x, y, **style)
        elif part.geom_type in ("LineString", "LinearRing"):
            x, y = np.asarray(part.coords).T / 1000.0
            ax.plot(x, y, **style)


def draw_map(agreement: Agreement, incidents: pd.DataFrame, path: Path) -> Path:
    """Incidents (coloured by likelihood, sized by detections) over line, zones and sectors."""
    fig, ax = plt.subplots(figsize=(14, 9.5))
    _draw(ax, agreement.boundary, facecolor="#f7f7f7", edgecolor="black", lw=0.6)
    _draw(ax, agreement.occupied, facecolor="#f2d7d5", edgecolor="none")
    buffer = agreement.zones[agreement.zones["zone"] == "buffer"]
    for geom in buffer.geometry:
        _draw(ax, geom, facecolor="#fff3b0", edgecolor="none", alpha=0.8)
    for geom in agreement.sectors.geometry:
        _draw(ax, geom.boundary, color="#6a51a3", lw=0.5, alpha=0.7)
    label = {"facecolor": "white", "edgecolor": "#6a51a3", "alpha": 0.85, "pad": 1.5}
    for sector_id, line in zip(
        agreement.sector_lines["sector_id"], agreement.sector_lines.geometry, strict=True
    ):
        mid = to_local(line.interpolate(0.5, normalized=True))  # label on the sector's line
        ax.text(mid.x / 1000, mid.y / 1000, sector_id, fontsize=7, color="#54278f", zorder=7,
                ha="center", va="center", bbox=label)  # fmt: skip
    _draw(ax, agreement.line, color="black", lw=1.3)
    centres = to_local(shapely.centroid(incidents.geometry.to_numpy()))
    x, y = shapely.get_x(centres) / 1000.0, shapely.get_y(centres) / 1000.0
    order = np.argsort(incidents["probability"].fillna(-1).to_numpy())
    colours = incidents["likelihood"].map(COLOURS).to_numpy()
    sizes = 6 + 10 * np.sqrt(incidents["n_detections"].to_numpy(dtype=float))
    ax.scatter(x[order], y[order], s=sizes[order], c=colours[order], edgecolors="black",
               linewidths=0.2, zorder=5)  # fmt: skip
    present = [w for w in reversed(ICD203_WORDS) if (incidents["likelihood"] == w).any()]
    counts = incidents["likelihood"].value_counts()
    handles: list[Artist] = [
        Line2D([], [], marker="o", ls="", color=COLOURS[w], mec="black", mew=0.3,
               label=f"{w} ({counts[w]})")
        for w in present
    ]  # fmt: skip
    handles += [
        Line2D([], [], color="black", lw=1.3, label="line of contact 2025-08-11"),
        Patch(color="#fff3b0", label=f"buffer zone ({agreement.params.buffer_km:.0f} km per side)"),
        Patch(color="#f2d7d5", label="occupied area"),
        Line2D([], [], color="#6a51a3", lw=0.8, label="sectors"),
    ]
    ax.legend(
        handles=handles, loc="upper left", fontsize=8, title="Incident: likelihood of violation"
    )
    west, south, east, north = (v / 1000.0 for v in to_local(agreement.line).bounds)
    ax.set_xlim(west - 120, east + 60)
    ax.set_ylim(south - 60, north + 40)
    ax.set_aspect("equal")
    ax.set_axis_off()
    first, last = incidents["t_start"].min(), incidents["t_end"].max()
    ax.set_title(
        f"truceline incidents, VIIRS NOAA-20 NRT {first:%Y-%m-%d} .. {last:%Y-%m-%d}, "
        f"ceasefire assumed from 2025-08-11 00:00 UTC\n{len(incidents)} incidents; marker size ~ "
        "sqrt(detections)",
        fontsize=11,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def markdown(result: dict[str, Any]) -> str:
    """The figures as the Markdown block of docs/incidents.md."""
    by_sector = pd.DataFrame(result["by_sector_and_likelihood"]).T.fillna(0).astype(int)
    by_sector = by_sector.reindex(columns=[w for w in reversed(ICD203_WORDS) if w in by_sector])
    by_sector["total"] = by_sector.sum(axis=1)
    header = "| sector | " + " | ".join(by_sector.columns) + " |"
    lines = [header, "|---" * (len(by_sector.columns) + 1) + "|"]
    lines += [
        f"| {s} | " + " | ".join(str(v) for v in row) + " |" for s, row in by_sector.iterrows()
    ]
    totals = " | ".join(f"{w}: {n}" for w, n in result["by_likelihood"].items())
    return "\n".join(
        [
            f"Baseline `{result['baseline']['file']}` (fit years "
            f"{', '.join(map(str, result['baseline']['years']))}, "
            f"data SHA-256 {result['baseline']['data_sha256'][:12]}), detector defaults.",
            "",
            f"{result['detections']:,} detections, {result['war_related']:,} war-related; "
            f"**{result['incidents']:,} incidents** ({result['violations']:,} judged violations, "
            f"{result['single_detection_incidents']:,} single-detection).",
            "",
            f"By likelihood: {totals}.",
            "",
            f"Share of incidents within {NEAR_KM:.0f} km of the line: "
            f"**{100 * float(result['share_within_25km']):.1f} %** (violations: "
            f"{100 * float(result['share_of_violations_within_25km']):.1f} %; all detections: "
            f"{100 * float(result['share_of_all_detections_within_25km']):.1f} %).",
            "",
            *lines,
        ]
    )


def demo_block(baseline: Path | None) -> str:
    """Run the demo into a temporary folder; return the head of its summary.txt."""
    import tempfile

    from truceline.pipeline import demo

    with tempfile.TemporaryDirectory() as tmp:
        text = demo(Path(tmp) / "demo", baseline=baseline).files["summary.txt"].read_text()
    head = text.split("\nPer sector and day:")[0].rstrip()
    return "```text\n" + head + "\n...\n```"


def update_docs(path: Path, blocks: dict[str, str]) -> None:
    """Replace each ``<!-- name:start -->`` .. ``<!-- name:end -->`` block of ``path``."""
    text = path.read_text()
    for name, body in blocks.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = f"{before}{start}\n{body}\n{end}{after}"
    path.write_text(text)


def main() -> None:
    """Run the analysis and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/firms_nrt_2025")
    parser.add_argument("--baseline", type=Path, default=None, help="Default: the shipped one.")
    parser.add_argument("--png", type=Path, default=ROOT / "docs/img/incidents-2025.png")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    parser.add_argument("--out-dir", type=Path, default=None, help="Also write the incidents.")
    parser.add_argument(
        "--update-docs", action="store_true",
        help="Rewrite the figures and demo blocks of docs/incidents.md (runs the demo too).",
    )  # fmt: skip
    args = parser.parse_args()

    t0 = time.perf_counter()
    agreement = build_agreement(
        DEMO_OCCUPIED, start="2025-08-11T00:00:00Z", name="2025-08-11 line, ceasefire 2025-08-11"
    )
    detections = load_detections(sorted(args.data.glob("*.csv"))).to_pandas()
    baseline = load_baseline(args.baseline or default_baseline())
    scored = score_detections(detections, baseline, agreement)
    incidents = build_incidents(scored, agreement)
    where = agreement.locate(scored["lon"].to_numpy(), scored["lat"].to_numpy())
    scored["distance_km"] = where["distance_km"].to_numpy()
    result = figures(incidents, scored, time.perf_counter() - t0)
    result["baseline"] = {
        "file": (args.baseline or default_baseline()).name,
        "years": [y.year for y in baseline.years],
        "data_sha256": baseline.data_sha256,
    }
    draw_map(agreement, incidents, args.png)
    if args.out_dir is not None:
        write_incidents(incidents, args.out_dir / "incidents-2025.geojson")
    if args.update_docs:
        blocks = {"incidents-2025": markdown(result), "demo": demo_block(args.baseline)}
        update_docs(ROOT / "docs" / "incidents.md", blocks)
    text = json.dumps(result, indent=2, default=str)
    if args.json is not None:
        args.json.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
