"""Build the compact peacetime baseline shipped with truceline (src/truceline/data/baseline/).

Fits :func:`truceline.baseline.fit_baseline` with default parameters on every
peacetime year of ../shared/data/firms_history from 2012 on (VIIRS + MODIS
years: 2012, 2013, 2016, 2018, 2019, 2020, 2021; 2014, 2015 and 2017 are not in
the snapshot) and writes ``ukraine_2012_2021.npz`` with the source data's MIT
licence beside it. The years before 2012 are left out: they are MODIS alone, a
different sensor mix (a third of the active cell-days), and the regional scale
would have to bridge a factor of three.

Usage::

    python scripts/build_demo_baseline.py [--history DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from truceline.baseline import fit_baseline
from truceline.sensors.firms import load_detections

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
TARGET = ROOT / "src" / "truceline" / "data" / "baseline"
YEARS = range(2012, 2022)
LICENCE = "LICENSE-GianMan89-war-fire-model.txt"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--history", type=Path, default=SHARED / "firms_history")
    ap.add_argument("--out", type=Path, default=TARGET / "ukraine_2012_2021.npz")
    args = ap.parse_args(argv)
    files = [args.history / f"ukr_fire_data_{y}.csv.gz" for y in YEARS]
    files = [f for f in files if f.exists()]
    t0 = time.time()
    table = load_detections(files)
    baseline = fit_baseline(table, years=[int(f.name[14:18]) for f in files])
    baseline.extra.update(
        {
            "built_by": "scripts/build_demo_baseline.py",
            "source": "GianMan89/war-fire-model data/ukr_fires (NASA FIRMS, reduced form), MIT",
        }
    )
    path = baseline.save(args.out)
    licence = args.history.parent / LICENCE
    if licence.exists():
        shutil.copyfile(licence, path.parent / LICENCE)
    print(
        f"{path}: {path.stat().st_size / 1e6:.2f} MB, years {baseline.fit_years}, "
        f"{baseline.n_detections:,} detections, {time.time() - t0:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
