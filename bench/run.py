"""Run the truceline benchmark suite: throughput and peak memory at growing sizes.

Every case runs in a fresh Python process; this script measures each one from
outside (wall time, CPU time = user + system, peak RSS, all from ``wait4``) and
the case reports its own figures from inside (rows, seconds of the measured
work, stage times). Results: ``bench/results/summary.json`` and ``summary.md``
(``summary-quick.*`` for ``--quick``; a ``--cases`` selection updates those
cases in the existing summary). See ``bench/README.md``.

    .venv/bin/python bench/run.py                  # the whole suite (~15 min on 2 cores)
    .venv/bin/python bench/run.py --quick          # smoke run (~1 min)
    .venv/bin/python bench/run.py --cases 'detect/*,parse/history'
    .venv/bin/python bench/run.py --list
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import suite  # noqa: E402  (bench/ is not a package)
from tables import markdown  # noqa: E402

RESULTS = suite.HERE / "results"
FULL_PLAN_SIZES = "10x10,20x20,35x30"
QUICK_PLAN_SIZES = "10x10"


def _machine() -> dict[str, Any]:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(suite.ROOT), "describe", "--always", "--dirty"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _spawn(cmd: list[str]) -> tuple[dict[str, Any], str, str]:
    """Run ``cmd``; its wall/CPU time and peak RSS from ``wait4``, its stdout and stderr."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=suite.ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    measured = {
        "exit_code": child.returncode,
        "process_wall_s": round(wall, 3),
        "process_cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "process_peak_rss_mb": round(usage.ru_maxrss / 1024.0, 1),  # KiB on Linux
    }
    return measured, stdout, stderr


def _parse(stdout: str) -> Any:
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        return json.loads(stdout.strip().splitlines()[-1])


def _command(case: suite.Case, shared: Path | None, scratch: Path) -> list[str]:
    if case.command:
        cmd = [sys.executable, str(suite.HERE / case.command[0]), *case.command[1:]]
        if case.name.startswith("fit/"):
            assert shared is not None
            cmd += ["--data", str(shared), "--baseline", str(scratch / "baseline.npz")]
        return cmd
    cmd = [sys.executable, str(suite.HERE / "suite.py"), "--case", case.name]
    cmd += ["--args", json.dumps(case.args)]
    return cmd + (["--data", str(shared)] if shared is not None else [])


def run_one(case: suite.Case, shared: Path | None, log: Any) -> dict[str, Any]:
    """Prepare a case's inputs, run it in a fresh process, and return its record."""
    record: dict[str, Any] = {"case": case.name, "what": case.what}
    for need in case.needs:
        reason = suite.prepare(need, shared, log)
        if reason:
            log(f"{case.name}: skipped ({reason})")
            return {**record, "skipped": reason}
    record["load_before"] = [round(v, 2) for v in os.getloadavg()]
    record["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    record["commit"] = _commit()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        measured, stdout, stderr = _spawn(_command(case, shared, Path(scratch)))
    record.update(measured)
    record["load_after"] = [round(v, 2) for v in os.getloadavg()]
    if measured["exit_code"] != 0:
        record["error"] = stderr.strip().splitlines()[-12:]
        log(f"{case.name}: FAILED (exit {measured['exit_code']})\n" + "\n".join(record["error"]))
        return record
    record["result"] = _parse(stdout)
    log(f"{case.name}: {measured['process_wall_s']} s, {measured['process_peak_rss_mb']} MB")
    return record


def _select(cases: list[suite.Case], patterns: str | None, quick: bool) -> list[suite.Case]:
    if quick:
        return [c for c in cases if c.quick]
    if not patterns:
        return cases
    wanted = [p.strip() for p in patterns.split(",") if p.strip()]
    chosen = [c for c in cases if any(fnmatch.fnmatch(c.name, p) for p in wanted)]
    if not chosen:
        raise SystemExit(f"no case matches {patterns!r}; see --list")
    return chosen


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Run the selected cases and write the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--cases", help="comma-separated names or globs, e.g. 'detect/*'")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--data", type=Path, help="shared data folder (default: as tests find it)")
    args = parser.parse_args(argv)
    cases = suite.catalogue(QUICK_PLAN_SIZES if args.quick else FULL_PLAN_SIZES)
    if args.list:
        for case in cases:
            flag = " [quick]" if case.quick else ""
            print(f"{case.name:<22} {case.what}{flag}")
        return 0
    shared = args.data or suite.find_shared()
    suite.CACHE.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    selected = _select(cases, args.cases, args.quick)
    name = "summary-quick" if args.quick else "summary"
    target = RESULTS / f"{name}.json"
    previous: dict[str, Any] = {}
    if args.cases and target.exists():
        previous = json.loads(target.read_text()).get("cases", {})
    records = dict(previous)
    for case in selected:
        records[case.name] = run_one(case, shared, log)
    order = [c.name for c in cases if c.name in records]
    meta = {
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "commit": _commit(),
        "shared_data": str(shared) if shared else None,
        "quick": args.quick,
    }
    summary = {"meta": meta, "cases": {n: records[n] for n in order}}
    _write(target, json.dumps(summary, indent=1) + "\n")
    _write(RESULTS / f"{name}.md", markdown(summary))
    print(markdown(summary))
    failed = [n for n in order if "error" in records[n]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
