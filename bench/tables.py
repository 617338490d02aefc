"""Markdown tables of a benchmark summary (``bench/results/summary.md``)."""

from __future__ import annotations

from typing import Any

__all__ = ["markdown"]


def _n(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return str(value)


def _commits(cases: dict[str, dict[str, Any]]) -> str:
    found = sorted({str(rec.get("commit")) for rec in cases.values() if rec.get("commit")})
    return ", ".join(f"`{c}`" for c in found) or "(unknown)"


def _load(rec: dict[str, Any]) -> str:
    before, after = rec.get("load_before"), rec.get("load_after")
    return f"{before[0]:.2f} / {after[0]:.2f}" if before and after else ""


def _overview(cases: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| case | rows | work s | rows/s | process wall s | process CPU s | peak RSS MB | "
        "load 1 min (before / after) |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, rec in cases.items():
        if "skipped" in rec or "error" in rec:
            why = rec.get("skipped") or "FAILED: " + " ".join(rec["error"][-1:])
            lines.append(f"| {name} | {why} | | | | | | |")
            continue
        res = rec["result"]
        if isinstance(res, list):  # bench_plan: one row per scenario
            rows, seconds = "", sum(r["plan_s"] for r in res)
        else:
            rows, seconds = res.get("rows", res.get("rows_read")), res.get("seconds")
        rate = rows / seconds if rows and seconds else None
        lines.append(
            f"| {name} | {_n(rows)} | {_n(seconds, 2)} | {_n(rate)} | "
            f"{_n(rec['process_wall_s'], 2)} | {_n(rec['process_cpu_s'], 2)} | "
            f"{_n(rec['process_peak_rss_mb'])} | {_load(rec)} |"
        )
    return lines


def _ingest(cases: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| input | files | rows | ingest s | ingest rows/s | ingest rows/CPU s | parse s | "
        "parse rows/s | ingest / parse | ingest peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rec in cases.items():
        if not name.startswith("ingest/") or "result" not in rec:
            continue
        key = name.split("/", 1)[1]
        ing, par = rec["result"], cases.get(f"parse/{key}", {}).get("result") or {}
        ratio = ing["rows_per_s"] / par["rows_per_s"] if par.get("rows_per_s") else None
        lines.append(
            f"| {key} | {ing['files']} | {_n(ing['rows_read'])} | {_n(ing['seconds'], 2)} | "
            f"{_n(ing['rows_per_s'])} | {_n(ing['rows_per_cpu_s'])} | "
            f"{_n(par.get('seconds'), 3)} | {_n(par.get('rows_per_s'))} | "
            f"{'' if ratio is None else f'{ratio:.1%}'} | {_n(ing['peak_rss_mb'])} |"
        )
    return lines


def _detect(cases: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| size | rows | context rows | baseline load s | query s | score s | incidents s | "
        "work s | µs per row | vs month | score µs/row | incidents µs/flagged row | "
        "peak RSS MB | war-related | incidents |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    month = cases.get("detect/month", {}).get("result")
    month_us = None
    if month and month["rows"]:
        st = month["stages"]
        month_us = (st["query"] + st["score"] + st["incidents"]) / month["rows"] * 1e6
    for name, rec in cases.items():
        if not name.startswith("detect/") or "result" not in rec:
            continue
        res, st = rec["result"], rec["result"]["stages"]
        work = st["query"] + st["score"] + st["incidents"]
        per_row = work / res["rows"] * 1e6 if res["rows"] else None
        versus = f"{per_row / month_us:.2f}x" if per_row and month_us else ""
        score_us = st["score"] / res["rows"] * 1e6 if res["rows"] else None
        flagged_us = st["incidents"] / res["war_related"] * 1e6 if res["war_related"] else None
        lines.append(
            f"| {name.split('/', 1)[1]} | {_n(res['rows'])} | {_n(res['context_rows'])} | "
            f"{_n(st['load_baseline'], 2)} | {_n(st['query'], 2)} | {_n(st['score'], 2)} | "
            f"{_n(st['incidents'], 2)} | {_n(work, 2)} | {_n(per_row, 1)} | {versus} | "
            f"{_n(score_us, 1)} | {_n(flagged_us, 1)} | "
            f"{_n(res['peak_rss_mb'])} | {_n(res['war_related'])} | {_n(res['incidents'])} |"
        )
    return lines


def _dask(cases: dict[str, dict[str, Any]]) -> list[str]:
    rec = cases.get("dask/year", {})
    if "result" not in rec:
        return []
    r = rec["result"]
    workers = ", ".join(_n(v) for v in r["worker_peak_rss_mb"])
    return [
        "| rows | month chunks | in-process 1st / warm s | cluster start s | Dask 1st run s | "
        "Dask warm s | speed-up (warm) | equal row for row | driver / worker peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
        f"| {_n(r['rows'])} | {r['chunks']} | {_n(r.get('in_process_first_s'), 2)} / "
        f"{_n(r['in_process_s'], 2)} | "
        f"{_n(r['cluster_start_s'], 2)} | {_n(r['dask_first_s'], 2)} | {_n(r['dask_s'], 2)} | "
        f"{r['speedup']:.2f}x | {r['equal_row_for_row']} | {_n(r['peak_rss_mb'])} / {workers} |",
    ]


def _chunks(cases: dict[str, dict[str, Any]]) -> list[str]:
    chunked = cases.get("chunks/10x-year", {}).get("result")
    whole = cases.get("detect/10x-year", {}).get("result")
    if not chunked:
        return []
    lines = [
        "| 10x year, in-process | rows | seconds | peak RSS MB | war-related | incidents |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    if whole:
        lines.append(
            f"| whole period (detect/10x-year) | {_n(whole['rows'])} | {_n(whole['seconds'], 2)} | "
            f"{_n(whole['peak_rss_mb'])} | {_n(whole['war_related'])} | {_n(whole['incidents'])} |"
        )
    lines.append(
        f"| month chunks (chunks/10x-year) | {_n(chunked['rows'])} | "
        f"{_n(chunked['seconds'], 2)} | {_n(chunked['peak_rss_mb'])} | "
        f"{_n(chunked['war_related'])} | {_n(chunked['incidents'])} |"
    )
    return lines


def _fit_and_plan(cases: dict[str, dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    fit = cases.get("fit/2012-2021", {}).get("result")
    if fit:
        lines += [
            f"Baseline fit on 2012-2021: {fit['rows']:,} detections read in "
            f"{fit['read_s']:.2f} s, fitted in {fit['seconds']:.2f} s, peak RSS "
            f"{fit['peak_rss_mb']:,.0f} MB.",
            "",
        ]
    plan = cases.get("plan/solve", {}).get("result")
    if plan:
        lines += [
            "| plan scenario | variables (integer) | constraints | solve s | plan() s | status | "
            "peak RSS MB |",
            "|---|---:|---:|---:|---:|---|---:|",
        ]
        for r in plan:
            lines.append(
                f"| {r['scenario']} | {_n(r['variables'])} ({_n(r['integer_variables'])}) | "
                f"{_n(r['constraints'])} | {_n(r['solve_s'], 3)} | {_n(r['plan_s'], 2)} | "
                f"{r['status']} | {_n(r['peak_rss_mib'])} |"
            )
    return lines


def markdown(summary: dict[str, Any]) -> str:
    """The summary as Markdown: overview, ingest vs parse, detect stages, Dask, fit, plan."""
    meta, cases = summary["meta"], summary["cases"]
    m = meta["machine"]
    out = [
        "# truceline benchmarks" + (" (quick run)" if meta.get("quick") else ""),
        "",
        f"Written {meta['written']}; cases ran at commit {_commits(cases)} on {m['cpu']}, "
        f"{m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}. "
        "Each case ran once in a fresh process; 'process' columns are measured from outside "
        "(wall, user + system CPU, peak RSS incl. ~170 MB of imports), 'work s' is the measured "
        "operation inside. The load column is the machine's 1-minute load average before and "
        "after the case: above ~1 on 2 cores, other jobs were competing.",
        "",
        *_overview(cases),
        "",
        "## Ingest vs pyarrow's raw CSV parse (same files, same run)",
        "",
        *_or_none(_ingest(cases)),
        "",
        "## Detect + incidents by size",
        "",
        "µs per row = (query + score + incidents) / scored rows; 'vs month' = that cost "
        "relative to one month (1.00x = linear).",
        "",
        *_or_none(_detect(cases)),
        "",
        "## Scale-out: month chunks in-process vs a Dask LocalCluster",
        "",
        *_or_none(_dask(cases)),
        "",
        *_or_none(_chunks(cases)),
        "",
        "## Baseline fit and force plan",
        "",
        *_or_none(_fit_and_plan(cases)),
        "",
    ]
    return "\n".join(out)


def _or_none(lines: list[str]) -> list[str]:
    """The section, or a note when none of its cases ran (a bare table header)."""
    bare = len(lines) == 2 and lines[1].startswith("|---")
    return lines if lines and not bare else ["(not in this run)"]
