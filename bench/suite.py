"""The benchmark cases, their inputs, and the code each runs in its own fresh process.

``bench/run.py`` is the entry point; it starts one child process per case
(``python bench/suite.py --case NAME ...``), which prints one JSON line with its
own figures (rows, seconds of the measured work, stage times). Inputs:

* real data from ``../shared/data`` (``firms_nrt_2025``, ``firms_history``);
* simulated Ukraine-sized data: ``truceline simulate scenarios/busy_front.yaml``
  over 2025 at volume factor 1 and 10, cached under ``bench/.cache/`` with the
  archives built from them (delete the folder to rebuild).

Ingest and parse cases reuse ``bench_ingest.py``'s workers; the baseline fit is
``bench_detect.py --worker fit``; the force plan is ``bench_plan.py --json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
SCENARIO = ROOT / "scenarios" / "busy_front.yaml"
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
#: Detection periods of the simulated year (a summer day and month: the busy season).
PERIODS = {
    "day": (date(2025, 8, 15), date(2025, 8, 15)),
    "month": (date(2025, 8, 1), date(2025, 8, 31)),
    "year": YEAR,
}


@dataclass(frozen=True)
class Case:
    """One benchmark case: what it measures, what it needs, how its child process runs."""

    name: str
    what: str
    needs: tuple[str, ...] = ()  # prepared inputs: "shared", "sim-x1", "archive-sim-x1", ...
    quick: bool = False  # part of the --quick smoke run
    command: tuple[str, ...] = ()  # external command (else this module's --case NAME)
    args: dict[str, Any] = field(default_factory=dict)


def find_shared() -> Path | None:
    """``TRUCELINE_SHARED_DATA``, else ``shared/data`` beside a parent folder (as tests do)."""
    env = os.environ.get("TRUCELINE_SHARED_DATA")
    if env:
        return Path(env) if Path(env).exists() else None
    for parent in HERE.parents:
        for candidate in (parent / "shared" / "data", parent.parent / "shared" / "data"):
            if (candidate / "PROVENANCE.md").exists():
                return candidate
    return None


def _sim_key(factor: int, first: date, last: date) -> str:
    digest = hashlib.sha256(SCENARIO.read_bytes()).hexdigest()[:10]
    return f"sim-{SCENARIO.stem}-{first:%Y%m%d}-{last:%Y%m%d}-x{factor}-{digest}"


def sim_dir(factor: int, first: date = YEAR[0], last: date = YEAR[1]) -> Path:
    """Cache folder of a simulated run (``firms/`` and ``truth/``)."""
    return CACHE / _sim_key(factor, first, last)


def archive_dir(name: str) -> Path:
    """Cache folder of a prepared archive."""
    return CACHE / f"archive-{name}"


def catalogue(plan_sizes: str) -> list[Case]:
    """Every case, in the order the suite runs them."""
    cases = []
    inputs = [
        ("nrt-2025", "real VIIRS NOAA-20 NRT global daily files, 36 days", ("shared",), True),
        ("history", "real FIRMS history over Ukraine 2000-2023 (reduced form), 21 files",
         ("shared",), False),
        ("sim-year", "simulated busy front, all Ukraine, 2025, 5 satellites (1,460 files)",
         ("sim-x1",), False),
        ("sim-10x-year", "the same year at volume factor 10", ("sim-x10",), False),
    ]  # fmt: skip
    for key, what, needs, quick in inputs:
        cases.append(Case(f"ingest/{key}", f"ingest into an empty archive: {what}", needs, quick,
                          args={"files": key}))  # fmt: skip
        cases.append(Case(f"parse/{key}", f"pyarrow.csv.read_csv of the same files: {what}",
                          needs, quick, args={"files": key}))  # fmt: skip
    cases.append(
        Case("fit/2012-2021", "baseline fit on the real history 2012-2021 (bench_detect fit)",
             ("shared",), command=("bench_detect.py", "--worker", "fit"))
    )  # fmt: skip
    for size, archive in (("day", "sim-x1"), ("month", "sim-x1"), ("year", "sim-x1"),
                          ("10x-year", "sim-x10")):  # fmt: skip
        period = PERIODS.get(size, YEAR)
        cases.append(
            Case(f"detect/{size}", f"query + score + incidents, simulated {size} "
                 f"({period[0]}..{period[1]}, shipped baseline, 2025-08-11 line)",
                 (f"archive-{archive}",), size in ("day", "month"),
                 args={"archive": archive, "first": str(period[0]), "last": str(period[1]),
                       "agreement": "demo"})
        )  # fmt: skip
    cases.append(
        Case("detect/real-2023", "query + score + incidents, real history 2023 (reduced form), "
             "ISW March-2023 line", ("archive-history",),
             args={"archive": "history", "first": "2023-01-01", "last": "2023-12-31",
                   "agreement": "isw-2023"})
    )  # fmt: skip
    cases.append(
        Case("dask/year", "scale.score_archive on the simulated year: in-process vs "
             "LocalCluster(2 worker processes x 1 thread)", ("archive-sim-x1",),
             args={"archive": "sim-x1", "first": str(YEAR[0]), "last": str(YEAR[1])})
    )  # fmt: skip
    cases.append(
        Case("chunks/10x-year", "scale.score_and_cluster in-process (month chunks + incidents) "
             "on the 10x year: compare with detect/10x-year (whole period)",
             ("archive-sim-x10",),
             args={"archive": "sim-x10", "first": str(YEAR[0]), "last": str(YEAR[1])})
    )  # fmt: skip
    cases.append(
        Case("plan/solve", "force-plan MILP solve, default scenario and stress sizes "
             "(bench_plan.py)", (), True,
             command=("bench_plan.py", "--json", "--repeat", "1", "--sizes", plan_sizes))
    )  # fmt: skip
    return cases


# -- inputs ----------------------------------------------------------------------------------


def files_of(key: str, shared: Path | None) -> list[Path]:
    """The input files of an ingest/parse case."""
    if key in ("nrt-2025", "history"):
        assert shared is not None
        folder, pattern = {"nrt-2025": ("firms_nrt_2025", "*.csv"),
                           "history": ("firms_history", "*.csv.gz")}[key]  # fmt: skip
        return sorted((shared / folder).glob(pattern))
    factor = 10 if key == "sim-10x-year" else 1
    return sorted((sim_dir(factor) / "firms").glob("*.csv"))


def _done(folder: Path) -> bool:
    return (folder / ".complete").exists()


def _mark(folder: Path) -> None:
    (folder / ".complete").write_text(time.strftime("%Y-%m-%dT%H:%M:%S"))


def prepare(need: str, shared: Path | None, log: Any) -> str | None:
    """Make one prepared input (cached); returns why it cannot be made, or None."""
    if need == "shared" or need == "archive-history":
        if shared is None:
            return "needs ../shared/data (not found; set TRUCELINE_SHARED_DATA)"
    if need.startswith("sim-x"):
        folder = sim_dir(int(need[5:]))
        if not _done(folder):
            log(f"simulating {need} into {folder} (cached) ...")
            cmd = [sys.executable, "-m", "truceline.cli", "simulate", str(SCENARIO),
                   "--start", str(YEAR[0]), "--end", str(YEAR[1]), "--volume-factor",
                   need[5:], "--out", str(folder), "--overwrite", "--quiet"]  # fmt: skip
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            _mark(folder)
    if need.startswith("archive-"):
        name = need[len("archive-") :]
        if name.startswith("sim-"):
            reason = prepare(name, shared, log)
            if reason:
                return reason
        folder = archive_dir(name)
        if not _done(folder):
            log(f"building archive {name} into {folder} (cached) ...")
            cmd = [sys.executable, __file__, "--prepare-archive", name]
            if shared is not None:
                cmd += ["--data", str(shared)]
            subprocess.run(cmd, check=True)
            _mark(folder)
    return None


def _build_archive(name: str, shared: Path | None) -> None:
    import shutil

    from truceline.store import Archive

    folder = archive_dir(name)
    shutil.rmtree(folder, ignore_errors=True)
    if name == "history":
        paths = files_of("history", shared)
    else:
        paths = [sim_dir(int(name[len("sim-x") :])) / "firms"]
    warnings.simplefilter("ignore")
    Archive(folder).ingest(paths)


def _agreement(kind: str, shared: Path | None) -> Any:
    from truceline.agreement import DEMO_OCCUPIED, build_agreement, load_agreement

    cached = CACHE / f"agreement-{kind}.gpkg"
    if cached.exists():
        return load_agreement(cached)
    if kind == "demo":
        agreement = build_agreement(DEMO_OCCUPIED, name="2025-08-11 line (DeepStateMap)")
    else:
        assert shared is not None
        source = shared / "frontline" / "rus_control_2023" / "rus_control_2023.shp"
        agreement = build_agreement(source, name="ISW March 2023")
    agreement.save(cached)
    return agreement


# -- child processes -------------------------------------------------------------------------


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _query(archive: Any, first: date, last: date, agreement: Any) -> Any:
    if last < first:
        return None
    table = archive.query(start=first, end=last, bbox=agreement.boundary.bounds)
    return table.drop_columns(["geometry"]).to_pandas() if table.num_rows else None


def _detect(args: dict[str, Any], shared: Path | None) -> dict[str, Any]:
    """Stages of ``truceline run`` after ingest: query, score (whole period), incidents."""
    from truceline.baseline import load_baseline
    from truceline.detect import score_detections
    from truceline.incidents import build_incidents
    from truceline.pipeline import default_baseline
    from truceline.store import Archive

    agreement = _agreement(args["agreement"], shared)
    archive = Archive(archive_dir(args["archive"]))
    first, last = date.fromisoformat(args["first"]), date.fromisoformat(args["last"])
    setup_rss = _rss_mb()
    stages: dict[str, float] = {}
    t0, c0 = time.perf_counter(), _cpu_s()
    baseline = load_baseline(default_baseline())
    _ = baseline.neighbourhood_expected, baseline.expected_detections, baseline.expected_blocks
    stages["load_baseline"] = time.perf_counter() - t0
    t = time.perf_counter()
    detections = _query(archive, first, last, agreement)
    before = baseline.params.window_before_days
    context = _query(archive, first - timedelta(days=before), first - timedelta(days=1), agreement)
    stages["query"] = time.perf_counter() - t
    t = time.perf_counter()
    scored = score_detections(detections, baseline, agreement, context=context)
    stages["score"] = time.perf_counter() - t
    t = time.perf_counter()
    incidents = build_incidents(scored, agreement)
    stages["incidents"] = time.perf_counter() - t
    return {
        "rows": len(scored),
        "context_rows": 0 if context is None else len(context),
        "seconds": time.perf_counter() - t0,
        "cpu_s": _cpu_s() - c0,
        "stages": stages,
        "war_related": int(scored["war_related"].sum()),
        "incidents": len(incidents),
        "setup_rss_mb": setup_rss,
        "peak_rss_mb": _rss_mb(),
    }


def _dask(args: dict[str, Any], shared: Path | None) -> dict[str, Any]:
    """The same month chunks in this process, then on a 2-worker LocalCluster."""
    import pandas as pd
    from distributed import Client, LocalCluster

    from truceline.baseline import load_baseline
    from truceline.pipeline import default_baseline
    from truceline.scale import score_archive
    from truceline.store import Archive

    agreement = _agreement("demo", shared)
    archive = Archive(archive_dir(args["archive"]))
    first, last = date.fromisoformat(args["first"]), date.fromisoformat(args["last"])
    baseline = load_baseline(default_baseline())
    local_runs = []
    for _ in range(2):  # the first run also fills the baseline's lazy caches
        t = time.perf_counter()
        local = score_archive(archive, first, last, baseline, agreement)
        local_runs.append(time.perf_counter() - t)
    in_process = local_runs[1]
    t = time.perf_counter()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        startup = time.perf_counter() - t
        runs = []
        for _ in range(2):  # the first run also ships the baseline to the workers
            t = time.perf_counter()
            remote = score_archive(archive, first, last, baseline, agreement, client=client)
            runs.append(time.perf_counter() - t)
        worker_rss = client.run(_rss_mb)
    try:
        pd.testing.assert_frame_equal(remote, local)
        equal = True
    except AssertionError:
        equal = False
    return {
        "rows": len(local),
        "seconds": in_process,
        "in_process_first_s": local_runs[0],
        "in_process_s": in_process,
        "cluster_start_s": startup,
        "dask_first_s": runs[0],
        "dask_s": runs[1],
        "speedup": in_process / runs[1],
        "equal_row_for_row": equal,
        "chunks": len(pd.date_range(first, last, freq="MS")),
        "peak_rss_mb": _rss_mb(),
        "worker_peak_rss_mb": sorted(worker_rss.values()),
    }


def _chunks(args: dict[str, Any], shared: Path | None) -> dict[str, Any]:
    """Month chunks in this process, then incidents: the scale-out path without a cluster."""
    from truceline.baseline import load_baseline
    from truceline.pipeline import default_baseline
    from truceline.scale import score_and_cluster
    from truceline.store import Archive

    agreement = _agreement("demo", shared)
    archive = Archive(archive_dir(args["archive"]))
    first, last = date.fromisoformat(args["first"]), date.fromisoformat(args["last"])
    setup_rss = _rss_mb()
    t0, c0 = time.perf_counter(), _cpu_s()
    baseline = load_baseline(default_baseline())
    scored, incidents = score_and_cluster(archive, first, last, baseline, agreement)
    return {
        "rows": len(scored),
        "seconds": time.perf_counter() - t0,
        "cpu_s": _cpu_s() - c0,
        "war_related": int(scored["war_related"].sum()),
        "incidents": len(incidents),
        "setup_rss_mb": setup_rss,
        "peak_rss_mb": _rss_mb(),
    }


def run_case(name: str, args: dict[str, Any], shared: Path | None) -> dict[str, Any]:
    """Run one case in this (fresh) process and return its figures."""
    warnings.simplefilter("ignore")
    kind = name.split("/")[0]
    if kind in ("ingest", "parse"):
        sys.path.insert(0, str(HERE))
        import bench_ingest

        paths = [str(p) for p in files_of(args["files"], shared)]
        worker = bench_ingest._worker_ingest if kind == "ingest" else bench_ingest._worker_parse
        return dict(worker(paths))
    if kind == "detect":
        return _detect(args, shared)
    if kind == "dask":
        return _dask(args, shared)
    if kind == "chunks":
        return _chunks(args, shared)
    raise SystemExit(f"unknown case {name}")


def main() -> None:
    """Child entry point: ``--case NAME --args JSON`` or ``--prepare-archive NAME``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case")
    parser.add_argument("--args", default="{}")
    parser.add_argument("--prepare-archive")
    parser.add_argument("--data", type=Path)
    ns = parser.parse_args()
    if ns.prepare_archive:
        _build_archive(ns.prepare_archive, ns.data)
        return
    print(json.dumps(run_case(ns.case, json.loads(ns.args), ns.data)))


if __name__ == "__main__":
    main()
