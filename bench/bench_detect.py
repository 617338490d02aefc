"""Benchmark baseline fitting and detection scoring: time and peak memory.

Each case runs in a fresh Python process so that its peak RSS is its own:

* ``fit``: read ``firms_history`` 2012-2021 (7 files, 692k detections) and fit
  the baseline with default parameters (leave-one-year-out null included);
* ``load``: load the fitted baseline and derive its rates;
* ``detect-day`` / ``detect-month`` / ``detect-year`` / ``detect-3years``:
  score one day (2023-08-15), one month (August 2023), one year (2023) and
  three years (2021-2023) of real detections with ``score_detections``
  (baseline load included, input reading excluded), with the March-2023
  agreement's geometry;
* ``cli-year``: the ``truceline detect`` path for 2023 (read with raw rows,
  score, write the row-preserving CSV).

Writes ``bench/results/bench_detect.json`` and ``bench/results/bench_detect.md``.

    .venv/bin/python bench/bench_detect.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
FIT_YEARS = range(2012, 2022)
CASES = ("fit", "load", "detect-day", "detect-month", "detect-year", "detect-3years", "cli-year")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _history(data: Path, years: range | list[int]) -> list[Path]:
    files = [data / "firms_history" / f"ukr_fire_data_{y}.csv.gz" for y in years]
    return [f for f in files if f.exists()]


def _worker(case: str, data: Path, baseline_path: Path) -> dict[str, object]:
    import pandas as pd

    from truceline.agreement import build_agreement
    from truceline.baseline import fit_baseline, load_baseline
    from truceline.detect import format_scores, score_detections, score_files
    from truceline.sensors.firms import load_detections

    warnings.simplefilter("ignore")
    start_rss = _peak_rss_mb()
    if case == "fit":
        t0 = time.perf_counter()
        table = load_detections(_history(data, FIT_YEARS))
        read_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        baseline = fit_baseline(table, years=FIT_YEARS)
        fit_s = time.perf_counter() - t1
        baseline.save(baseline_path)
        return {"rows": table.num_rows, "read_s": read_s, "seconds": fit_s,
                "start_rss_mb": start_rss, "peak_rss_mb": _peak_rss_mb()}  # fmt: skip
    if case == "load":
        t0 = time.perf_counter()
        baseline = load_baseline(baseline_path)
        _ = baseline.neighbourhood_expected, baseline.expected_detections, baseline.expected_blocks
        return {"rows": 0, "seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}
    agreement = build_agreement(
        data / "frontline" / "rus_control_2023" / "rus_control_2023.shp", name="ISW March 2023"
    )
    if case == "cli-year":
        start_rss = _peak_rss_mb()
        t0 = time.perf_counter()
        baseline = load_baseline(baseline_path)
        result = score_files(_history(data, [2023]), baseline, agreement)
        with tempfile.TemporaryDirectory() as tmp:
            format_scores(result.rows).to_csv(Path(tmp) / "out.csv", index=False)
        return {"rows": len(result.rows), "seconds": time.perf_counter() - t0,
                "start_rss_mb": start_rss, "peak_rss_mb": _peak_rss_mb()}  # fmt: skip
    years = [2021, 2022, 2023] if case == "detect-3years" else [2023]
    frame = load_detections(_history(data, years)).to_pandas()
    dates = pd.to_datetime(frame["acq_date"])
    if case == "detect-day":
        frame = frame[dates == pd.Timestamp("2023-08-15")]
    elif case == "detect-month":
        frame = frame[(dates >= pd.Timestamp("2023-08-01")) & (dates < pd.Timestamp("2023-09-01"))]
    start_rss = _peak_rss_mb()
    t0 = time.perf_counter()
    baseline = load_baseline(baseline_path)
    scored = score_detections(frame, baseline, agreement)
    seconds = time.perf_counter() - t0
    return {"rows": len(frame), "seconds": seconds, "flagged": int(scored["war_related"].sum()),
            "start_rss_mb": start_rss, "peak_rss_mb": _peak_rss_mb()}  # fmt: skip


def _run(case: str, data: Path, baseline_path: Path) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            case,
            "--data",
            str(data),
            "--baseline",
            str(baseline_path),
        ],  # fmt: skip
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _markdown(results: dict[str, dict[str, object]], meta: dict[str, object]) -> str:
    lines = [
        "# bench_detect",
        "",
        f"{meta['when']} on {meta['machine']} ({meta['cpus']} CPUs), Python {meta['python']}.",
        "Each case in a fresh process; peak RSS is the process's maximum resident set.",
        "",
        "| case | rows | seconds | rows/s | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for case, r in results.items():
        rows = int(r["rows"])  # type: ignore[call-overload]
        sec = float(r["seconds"])  # type: ignore[arg-type]
        rate = f"{rows / sec:,.0f}" if rows and sec > 0 else ""
        extra = f" (+ read {float(r['read_s']):.1f} s)" if "read_s" in r else ""  # type: ignore[arg-type]
        lines.append(
            f"| {case} | {rows:,} | {sec:.2f}{extra} | {rate} | {float(r['peak_rss_mb']):.0f} |"  # type: ignore[arg-type]
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--worker", choices=CASES)
    ap.add_argument("--baseline", type=Path)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.worker, args.data, args.baseline)))
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-detect-") as tmp:
        baseline_path = Path(tmp) / "baseline.npz"
        for case in CASES:
            results[case] = _run(case, args.data, baseline_path)
            print(case, results[case], file=sys.stderr)
    meta = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    (RESULTS / "bench_detect.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=1)
    )
    (RESULTS / "bench_detect.md").write_text(_markdown(results, meta))
    print(_markdown(results, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
