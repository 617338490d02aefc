"""Measure detection quality on the real history: the monthly tables of docs/detection.md.

Fits a baseline on peacetime years of ../shared/data/firms_history (default
2012-2020), then scores

* 2021, held out of the fit: the share flagged war-related per month is the
  false-alarm rate (bar: <= 5 %, aim <= 1 %);
* 2022 and 2023: flagged detections per month, 2022 before and after
  24 February, and the share of flagged 2023 detections within 25 km of the
  edge of the March-2023 occupied area (ISW), on either side;
* a geographic sanity check against VIINA 2024 event reports (artillery etc.).

Each year is scored twice: on the baseline alone and with the agreement built
from the March-2023 occupied area (no start: the line as a prior only). 2021 is
also scored under that line as an agreement in force from 1 January 2021, and
the 2025 NRT period with the demo's ceasefire start (ADR 0028). Each year's
scoring gets the previous 31 days as context when that year is present, as the
monitoring pipeline does.

Usage::

    python scripts/evaluate_detection.py [--history DIR] [--fit-years 2012-2020]
        [--baseline FILE] [--markdown OUT.md] [--json OUT.json] [--only-ceasefire]

Distances are measured in truceline.geo.LOCAL_CRS (equidistant conic).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from truceline.agreement import Agreement, build_agreement
from truceline.baseline import Baseline, BaselineParams, fit_baseline, load_baseline
from truceline.detect import DetectParams, score_detections
from truceline.geo import project, to_local
from truceline.grid import cell_center
from truceline.sensors.firms import load_detections

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
INVASION = np.datetime64("2022-02-24")
NEAR_KM = 25.0
DEFAULT_PARAMS = DetectParams()


def parse_years(text: str) -> list[int]:
    """'2012-2020' or '2012,2013,2016' -> list of years."""
    years: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            years.extend(range(int(a), int(b) + 1))
        else:
            years.append(int(part))
    return years


def history_file(history: Path, year: int) -> Path:
    return history / f"ukr_fire_data_{year}.csv.gz"


def load_year(history: Path, year: int) -> pd.DataFrame:
    return load_detections([history_file(history, year)]).to_pandas()


def occupied_edge(shared: Path) -> tuple[shapely.Geometry, shapely.Geometry]:
    """March-2023 occupied area and its edge, in LOCAL_CRS metres."""
    frame = gpd.read_file(shared / "frontline" / "rus_control_2023" / "rus_control_2023.shp")
    area = shapely.make_valid(shapely.union_all(frame.to_crs(4326).geometry.values))
    local = to_local(area)
    return local, local.boundary


def edge_distance_km(frame: pd.DataFrame, edge: shapely.Geometry) -> np.ndarray:
    x, y = project(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    return shapely.distance(shapely.points(x, y), edge) / 1000.0


def score_year(
    history: Path,
    year: int,
    baseline: Baseline,
    params: DetectParams,
    agreement: object | None,
    cache: dict[int, pd.DataFrame],
) -> pd.DataFrame:
    if year not in cache:
        cache[year] = load_year(history, year)
    frame = cache[year]
    context = None
    if history_file(history, year - 1).exists():
        if year - 1 not in cache:
            cache[year - 1] = load_year(history, year - 1)
        prev = cache[year - 1]
        start = np.datetime64(f"{year}-01-01") - np.timedelta64(31, "D")
        dates = pd.to_datetime(prev["acq_date"]).to_numpy().astype("datetime64[D]")
        context = prev[dates >= start]
    return score_detections(frame, baseline, agreement, params, context=context)  # type: ignore[arg-type]


def monthly(scored: pd.DataFrame, near: np.ndarray | None = None) -> pd.DataFrame:
    month = pd.to_datetime(scored["acq_date"]).dt.month.to_numpy()
    flag = scored["war_related"].to_numpy()
    rows = []
    for m in list(range(1, 13)) + [0]:
        sel = month == m if m else np.ones(len(month), bool)
        row = {
            "month": m or "year",
            "detections": int(sel.sum()),
            "flagged": int(flag[sel].sum()),
            "share_flagged": float(flag[sel].mean()) if sel.any() else float("nan"),
        }
        if "burst_score" in scored.columns:  # flags the one-day component decided (ADR 0026)
            by_burst = flag & (
                scored["burst_score"].fillna(0).to_numpy()
                >= scored["persistent_score"].fillna(0).to_numpy()
            )
            row["flagged_by_burst"] = int(by_burst[sel].sum())
        if near is not None:
            f = sel & flag
            row["flagged_within_25km"] = float(near[f].mean()) if f.any() else float("nan")
            row["all_within_25km"] = float(near[sel].mean()) if sel.any() else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def viina_check(shared: Path, scored: pd.DataFrame, radii: tuple[float, ...]) -> dict:
    """Share of flagged and unflagged detections within r km of a 2024 VIINA report."""
    files = sorted((shared / "events").glob("viina_incidents_2024*.csv.gz"))
    if not files:
        return {}
    events = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    kinds = events["event_type"].fillna("")
    out: dict[str, dict[str, float]] = {}
    for label, sel in (
        ("artillery", kinds.str.contains("artillery")),
        ("any", np.ones(len(events), bool)),
    ):
        ev = events[np.asarray(sel)]
        ex, ey = project(ev["lon"].to_numpy(), ev["lat"].to_numpy())
        tree = shapely.STRtree(shapely.points(ex, ey))
        x, y = project(scored["lon"].to_numpy(), scored["lat"].to_numpy())
        _, dist = tree.query_nearest(shapely.points(x, y), return_distance=True, all_matches=False)
        km = dist / 1000.0
        flag = scored["war_related"].to_numpy()
        for r in radii:
            out[f"{label}_within_{int(r)}km"] = {
                "flagged": float((km[flag] <= r).mean()) if flag.any() else float("nan"),
                "unflagged": float((km[~flag] <= r).mean()),
                "events": int(len(ev)),
            }
    return out


def _cell(column: str, value: object) -> str:
    if isinstance(value, bool | np.bool_) or not isinstance(value, float | np.floating):
        return str(value)
    if np.isnan(value):
        return ""
    if "share" in column or "within" in column:
        return f"{100 * value:.2f} %"
    return f"{int(value)}" if float(value).is_integer() else f"{value:.3f}"


def fmt_table(table: pd.DataFrame) -> str:
    cols = list(table.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for record in table.to_dict(orient="records"):
        lines.append("| " + " | ".join(_cell(c, record[c]) for c in cols) + " |")
    return "\n".join(lines)


def evaluate(
    history: Path,
    baseline: Baseline,
    params: DetectParams = DEFAULT_PARAMS,
    shared: Path = SHARED,
    years: tuple[int, ...] = (2021, 2022, 2023),
) -> dict:
    """All tables, with and without the March-2023 agreement."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agreement = build_agreement(
            shared / "frontline" / "rus_control_2023" / "rus_control_2023.shp",
            name="ISW March 2023",
        )
    _, edge = occupied_edge(shared)
    cache: dict[int, pd.DataFrame] = {}
    results: dict = {}
    for label, agr in (("baseline_only", None), ("with_agreement", agreement)):
        block: dict = {}
        for year in years:
            scored = score_year(history, year, baseline, params, agr, cache)
            near = edge_distance_km(scored, edge) <= NEAR_KM
            block[year] = {"monthly": monthly(scored, near)}
            if year == 2022:
                dates = pd.to_datetime(scored["acq_date"]).to_numpy().astype("datetime64[D]")
                flag = scored["war_related"].to_numpy()
                pre, post = dates < INVASION, dates >= INVASION
                block[year]["invasion"] = {
                    "before_24feb_detections": int(pre.sum()),
                    "before_24feb_flagged": int(flag[pre].sum()),
                    "from_24feb_detections": int(post.sum()),
                    "from_24feb_flagged": int(flag[post].sum()),
                    "weekly_flagged_jan_apr": _weekly(dates, flag),
                }
            if year == 2023:
                block[year]["viina_2024"] = viina_check(shared, scored, (5.0, 10.0, 25.0))
        results[label] = block
    return results


def _isw_2023(shared: Path) -> Agreement:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_agreement(
            shared / "frontline" / "rus_control_2023" / "rus_control_2023.shp",
            name="ISW March 2023",
        )


def _month(frame: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    dates = pd.to_datetime(frame["acq_date"]).to_numpy()
    return frame[(dates >= np.datetime64(first)) & (dates < np.datetime64(last))]


#: (label, DetectParams overrides) of the ceasefire checks (ADR 0028 and its amendment:
#: windows since the start and the war's prior are the defaults; the ceasefire prior is
#: odds 0.1). Every variant names its settings, so the rows stay right if defaults move.
CEASEFIRE_VARIANTS: tuple[tuple[str, dict], ...] = (
    ("windows as in war, war's prior", {"start_aware": False, "after_start_odds": 1.0}),
    ("windows since the start, war's prior (default)", {"start_aware": True,
                                                        "after_start_odds": 1.0}),
    ("windows as in war, ceasefire prior", {"start_aware": False, "after_start_odds": 0.1}),
    ("windows since the start, ceasefire prior", {"start_aware": True, "after_start_odds": 0.1}),
)  # fmt: skip


def ceasefire_checks(history: Path, baseline: Baseline, shared: Path = SHARED) -> dict:
    """Real-data checks of ADR 0028, with the March-2023 line as the agreement.

    * ``in_force_2021``: 2021 with the agreement in force from 1 January 2021
      (every detection after the start; peace, so every flag is false);
    * ``holds``: a ceasefire that holds: August 2023 (the war) as the days before a
      start on 1 September, then the peacetime fires of September 2021 re-dated
      to September 2023 as what follows; every flag after the start is false;
    * ``fails``: a ceasefire that does not: September 2023 as it was (the war went
      on) after a start on 1 September; how soon and how much is flagged.
    """
    from dataclasses import replace
    from datetime import UTC, datetime

    agreement = _isw_2023(shared)
    in_force = replace(agreement, start=datetime(2021, 1, 1, tzinfo=UTC))
    ceasefire_prior = replace(DEFAULT_PARAMS, after_start_odds=0.1)
    out: dict = {
        "in_force_2021": monthly(score_year(history, 2021, baseline, DEFAULT_PARAMS, in_force, {})),
        "in_force_2021_ceasefire_prior": monthly(
            score_year(history, 2021, baseline, ceasefire_prior, in_force, {})
        ),
    }
    start = replace(agreement, start=datetime(2023, 9, 1, tzinfo=UTC))
    war = load_year(history, 2023)
    august = _month(war, "2023-08-01", "2023-09-01")
    peace = _month(load_year(history, 2021), "2021-09-01", "2021-10-01").copy()
    peace["acq_date"] = (pd.to_datetime(peace["acq_date"]) + pd.DateOffset(years=2)).dt.date
    september = _month(war, "2023-09-01", "2023-10-01")
    near = edge_distance_km(peace, occupied_edge(shared)[1]) <= NEAR_KM
    holds, fails = [], []
    for label, overrides in CEASEFIRE_VARIANTS:
        params = replace(DEFAULT_PARAMS, **overrides)
        false = score_detections(peace, baseline, start, params, context=august)
        flag = false["war_related"].to_numpy()
        days = pd.to_datetime(false.loc[flag, "acq_date"]).dt.day
        holds.append({"variant": label, "detections": len(false), "flagged": int(flag.sum()),
                      "share_flagged": float(flag.mean()),
                      "flagged_within_25km": int(near[flag].sum()),
                      "last_day_flagged": int(days.max()) if len(days) else 0})  # fmt: skip
        real = score_detections(september, baseline, start, params, context=august)
        daily = real.groupby(pd.to_datetime(real["acq_date"]).dt.day)["war_related"].sum()
        busy = daily[daily >= 10]
        fails.append({"variant": label, "detections": len(real), "flagged": int(daily.sum()),
                      "first_day_with_10_flags": int(busy.index[0]) if len(busy) else 0,
                      "flags_days_1_7": int(daily.loc[1:7].sum())})  # fmt: skip
    out["holds"] = pd.DataFrame(holds)
    out["fails"] = pd.DataFrame(fails)
    return out


def ceasefire_markdown(checks: dict) -> str:
    """The ceasefire checks as Markdown."""
    return "\n\n".join(
        [
            "### 2021 under the 2023 line as an agreement in force from 1 January 2021",
            fmt_table(checks["in_force_2021"]),
            "### The same with the ceasefire prior (after_start_odds 0.1)",
            fmt_table(checks["in_force_2021_ceasefire_prior"]),
            "### A ceasefire that holds: August 2023 (war), then September 2021's fires "
            "re-dated to September 2023",
            fmt_table(checks["holds"]),
            "### A ceasefire that fails: September 2023 as it was, start 1 September 2023",
            fmt_table(checks["fails"]),
        ]
    )


def _weekly(dates: np.ndarray, flag: np.ndarray) -> list[tuple[str, int, int]]:
    start = np.datetime64("2022-01-03")
    out = []
    for w in range(17):
        a, b = start + 7 * w, start + 7 * (w + 1)
        sel = (dates >= a) & (dates < b)
        out.append((str(a), int(sel.sum()), int(flag[sel].sum())))
    return out


def loyo(history: Path, years: list[int], params: DetectParams = DEFAULT_PARAMS) -> pd.DataFrame:
    """Leave-one-year-out false alarms: each fit year scored by a baseline of the others."""
    frames = {y: load_year(history, y) for y in years}
    rows = []
    for year in years:
        others = [y for y in years if y != year]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            baseline = fit_baseline(pd.concat([frames[y] for y in others]), years=others)
        scored = score_detections(frames[year], baseline, None, params)
        month = pd.to_datetime(scored["acq_date"]).dt.month
        share = scored.groupby(month)["war_related"].mean()
        row: dict[str, object] = {"held_out": year, "detections": len(scored)}
        row.update({f"m{m}": float(share.get(m, float("nan"))) for m in range(1, 13)})
        row["year_share"] = float(scored["war_related"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def nrt_2025(shared: Path, params: DetectParams = DEFAULT_PARAMS) -> dict:
    """The demo period: all 2025 NRT files, shipped baseline, 2025-08-11 line."""
    from dataclasses import replace

    from truceline.agreement import DEMO_OCCUPIED
    from truceline.baseline import DEFAULT_BASELINE
    from truceline.grid import cell_id, day_of_season
    from truceline.pipeline import DEMO_START

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agreement = build_agreement(DEMO_OCCUPIED, name="DeepStateMap 2025-08-11")
    baseline = load_baseline(DEFAULT_BASELINE)
    frame = load_detections(sorted((shared / "firms_nrt_2025").glob("*.csv"))).to_pandas()
    out: dict = {"detections": len(frame)}
    ceasefire = replace(agreement, start=DEMO_START)  # the demo's: ADR 0028 applies
    variants = (
        ("baseline_only", None, params),
        ("with_agreement", agreement, params),
        ("with_ceasefire_start", ceasefire, params),
        ("with_ceasefire_start_and_prior", ceasefire, replace(params, after_start_odds=0.1)),
    )
    for label, agr, variant_params in variants:
        scored = score_detections(frame, baseline, agr, variant_params)
        distance = agreement.locate(scored["lon"].to_numpy(), scored["lat"].to_numpy())
        near = distance["distance_km"].abs().to_numpy() <= NEAR_KM
        flag = scored["war_related"].to_numpy()
        day = pd.to_datetime(scored["acq_date"]).dt.date.astype(str)
        daily = scored.groupby(day).agg(
            detections=("war_related", "size"),
            flagged=("war_related", "sum"),
            activity_scale=("activity_scale", "median"),
        )
        out[label] = {
            "flagged": int(flag.sum()),
            "share_flagged": float(flag.mean()),
            "flagged_within_25km_of_line": float(near[flag].mean()) if flag.any() else None,
            "all_within_25km_of_line": float(near.mean()),
            "daily": daily.reset_index(names="date"),
        }
    # Sensor mix and activity: far from the front (> 100 km, government side), 11 Aug-15 Sep.
    ids = baseline.box.cell_ids()
    lon, lat = cell_center(ids.ravel(), baseline.box.size_deg)
    far_cell = (agreement.locate(lon, lat)["distance_km"].to_numpy() < -100).reshape(ids.shape)
    season = day_of_season(np.arange(np.datetime64("2019-08-11"), np.datetime64("2019-09-16")))
    usable = far_cell[:, :, None] & ~baseline.persistent[:, :, None]
    expected = float(np.where(usable, baseline.expected_active[:, :, season], 0.0).sum())
    rows = []
    sources = [(y, load_year(shared / "firms_history", y)) for y in range(2012, 2024)
               if history_file(shared / "firms_history", y).exists()]  # fmt: skip
    for year, data in [*sources, (2025, frame)]:
        md = pd.to_datetime(data["acq_date"]).dt.strftime("%m-%d")
        sel = data[(md >= "08-11") & (md <= "09-15")]
        far = agreement.locate(sel["lon"].to_numpy(), sel["lat"].to_numpy())["distance_km"] < -100
        sel = sel[far.to_numpy()]
        cells = cell_id(sel["lon"], sel["lat"], baseline.box.size_deg)
        active = len(set(zip(cells, pd.to_datetime(sel["acq_date"]).dt.date, strict=True)))
        rows.append({"year": year, "detections": len(sel), "active_cell_days": active,
                     "ratio_to_baseline": active / expected})  # fmt: skip
    out["far_from_front"] = pd.DataFrame(rows)
    out["far_expected_active_cell_days"] = expected
    return out


#: The 2025 NRT variants of :func:`nrt_2025`, in the order they are reported.
NRT_VARIANTS = (
    "baseline_only",
    "with_agreement",
    "with_ceasefire_start",
    "with_ceasefire_start_and_prior",
)


def to_markdown(results: dict) -> str:
    parts = []
    for label, block in results.items():
        parts.append(f"### {label.replace('_', ' ')}\n")
        for year, res in block.items():
            parts.append(f"#### {year}\n")
            parts.append(fmt_table(res["monthly"]))
            if "invasion" in res:
                inv = res["invasion"]
                parts.append(
                    f"\nBefore 24 Feb 2022: {inv['before_24feb_flagged']} of "
                    f"{inv['before_24feb_detections']} flagged; from 24 Feb: "
                    f"{inv['from_24feb_flagged']} of {inv['from_24feb_detections']}.\n"
                    "\nWeekly (week starting, detections, flagged): "
                    + ", ".join(f"{d[5:]} {n}/{f}" for d, n, f in inv["weekly_flagged_jan_apr"])
                )
            if res.get("viina_2024"):
                parts.append("\nVIINA 2024 (share within r km of a report):")
                for key, val in res["viina_2024"].items():
                    parts.append(
                        f"- {key}: flagged {100 * val['flagged']:.1f} %, "
                        f"unflagged {100 * val['unflagged']:.1f} % ({val['events']} reports)"
                    )
            parts.append("")
    return "\n".join(parts)


def _jsonable(value: object) -> object:
    if isinstance(value, pd.DataFrame):
        return value.to_dict(orient="records")
    return str(value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--history", type=Path, default=SHARED / "firms_history")
    ap.add_argument("--fit-years", default="2012-2020")
    ap.add_argument("--baseline", type=Path, help="use this baseline instead of fitting")
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-loyo", action="store_true", help="skip leave-one-year-out")
    ap.add_argument("--no-2025", action="store_true", help="skip the 2025 NRT demo period")
    ap.add_argument("--only-ceasefire", action="store_true", help="only the ADR 0028 checks")
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.baseline:
        baseline = load_baseline(args.baseline)
    else:
        years = [y for y in parse_years(args.fit_years) if history_file(args.history, y).exists()]
        table = load_detections([history_file(args.history, y) for y in years])
        baseline = fit_baseline(table, years=years, params=BaselineParams())
    print(f"baseline on {baseline.fit_years} ({time.time() - t0:.0f} s)", file=sys.stderr)
    extras: dict = {}
    checks = ceasefire_checks(args.history, baseline)
    extras.update({f"ceasefire_{k}": v for k, v in checks.items()})
    ceasefire_text = "\n" + ceasefire_markdown(checks) + "\n"
    if args.only_ceasefire:
        print(ceasefire_text)
        if not args.no_2025:
            demo = nrt_2025(SHARED)
            for label in NRT_VARIANTS[1:]:
                d = demo[label]
                daily = d["daily"]["flagged"].tolist()
                print(f"- 2025 {label}: {d['flagged']} flagged; daily {daily}")
        return 0
    results = evaluate(args.history, baseline)
    text = to_markdown(results) + ceasefire_text
    if not args.no_loyo:
        years = [y for y in parse_years(args.fit_years) if history_file(args.history, y).exists()]
        table = loyo(args.history, years)
        extras["loyo"] = table
        text += "\n### leave-one-year-out false alarms (baseline only)\n\n" + fmt_table(
            table.rename(columns={c: f"share_{c}" for c in table.columns if c.startswith("m")})
        )
    if not args.no_2025:
        demo = nrt_2025(SHARED)
        extras["nrt_2025"] = demo
        text += "\n\n### 2025 NRT (shipped baseline, 2025-08-11 line)\n\n"
        for label in NRT_VARIANTS:
            d = demo[label]
            text += (
                f"- {label}: {d['flagged']} of {demo['detections']} flagged "
                f"({100 * d['share_flagged']:.1f} %), "
                f"{100 * (d['flagged_within_25km_of_line'] or 0):.1f} % of them within 25 km "
                f"of the line (all detections: {100 * d['all_within_25km_of_line']:.1f} %)\n"
            )
        text += "\nDaily, baseline only:\n\n" + fmt_table(demo["baseline_only"]["daily"])
        text += "\n\nDaily, with agreement:\n\n" + fmt_table(demo["with_agreement"]["daily"])
        text += "\n\nDaily, with the ceasefire start 2025-08-11:\n\n" + fmt_table(
            demo["with_ceasefire_start"]["daily"]
        )
        text += "\n\nDaily, with the ceasefire start and the ceasefire prior:\n\n" + fmt_table(
            demo["with_ceasefire_start_and_prior"]["daily"]
        )
        text += (
            "\n\nFar from the front (> 100 km, government side), 11 Aug - 15 Sep, "
            f"baseline expects {demo['far_expected_active_cell_days']:.0f} active cell-days:\n\n"
            + fmt_table(demo["far_from_front"])
        )
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    if args.json:
        payload: dict[str, object] = {
            label: {
                str(y): {
                    k: (v.to_dict(orient="records") if isinstance(v, pd.DataFrame) else v)
                    for k, v in res.items()
                }
                for y, res in block.items()
            }
            for label, block in results.items()
        }
        payload["extras"] = {
            k: (v.to_dict(orient="records") if isinstance(v, pd.DataFrame) else v)
            for k, v in extras.items()
        }
        args.json.write_text(json.dumps(payload, indent=1, default=_jsonable))
    return 0


if __name__ == "__main__":
    sys.exit(main())
