"""CLI commands: ``truceline baseline fit | show``.

A thin layer over :mod:`truceline.baseline`; see ``docs/detection.md``.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import pyarrow as pa
import typer
from rich.table import Table

from truceline.baseline import BaselineParams, fit_baseline, load_baseline
from truceline.cli._common import EXIT_QUARANTINED, console, err_console, print_json, progress
from truceline.errors import InputError
from truceline.schema import DETECTION_COLUMNS
from truceline.sensors.base import format_quarantine_row

__all__ = ["parse_years", "read_inputs", "register"]

_D = BaselineParams()

app = typer.Typer(
    name="baseline",
    help="The peacetime baseline: fit it on peacetime years, show a fitted one.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON summary for machines.")]


def parse_years(text: str) -> list[int]:
    """Years from ``2012-2020``, ``2012,2013,2016-2020`` and the like."""
    years: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        try:
            if "-" in part:
                first, last = (int(v) for v in part.split("-", 1))
                if last < first:
                    raise ValueError
                years.update(range(first, last + 1))
            else:
                years.add(int(part))
        except ValueError:
            raise InputError(
                f"--years: cannot read {part!r} (use e.g. 2012-2020 or 2012,2016)"
            ) from None
    if not years:
        raise InputError(f"--years: no year in {text!r}")
    return sorted(years)


def read_inputs(
    inputs: list[Path] | None,
    archive: Path | None,
    start: date | None = None,
    end: date | None = None,
    *,
    show_progress: bool = True,
) -> tuple[pa.Table, list[dict[str, Any]]]:
    """Detections from FIRMS files/folders or an archive, and the quarantined rows met."""
    if bool(inputs) == bool(archive):
        raise InputError("give FIRMS files/folders or --archive DIR, not both and not neither")
    if archive is not None:
        from truceline.store import Archive

        table = Archive(archive).query(start=start, end=end)
        return table.select(list(DETECTION_COLUMNS)), []
    from truceline.sensors.firms import iter_firms

    tables, quarantined = [], []
    with progress(show_progress) as bar:
        task = bar.add_task("reading FIRMS files", total=None)
        for read in iter_firms([str(p) for p in inputs or []]):
            tables.append(read.table)
            quarantined.extend(read.quarantine.to_pylist())
            bar.advance(task)
    if not tables:
        raise InputError(f"no FIRMS file found in {[str(p) for p in inputs or []]}")
    table = pa.concat_tables(tables)
    keys = (
        pd.Series(table["id"].to_numpy(zero_copy_only=False))
        + "|"
        + pd.Series(table["product"].to_numpy(zero_copy_only=False))
    )
    first = ~keys.duplicated().to_numpy()  # a detection shipped twice counts once
    return table.filter(pa.array(first)), quarantined


def _report_quarantine(rows: list[dict[str, Any]]) -> None:
    for row in rows[:20]:
        err_console.print(f"quarantined: {format_quarantine_row(row)}", highlight=False)
    if len(rows) > 20:
        err_console.print(f"... and {len(rows) - 20} more quarantined rows", highlight=False)


@app.command("fit")
def fit(
    inputs: Annotated[
        list[Path] | None, typer.Argument(help="FIRMS files or folders (or use --archive).")
    ] = None,
    years: Annotated[str, typer.Option("--years", help="Peacetime fit years, e.g. 2012-2020.")] = (
        "2012-2020"
    ),
    out: Annotated[Path, typer.Option("--out", help="Baseline file to write (.npz).")] = Path(
        "baseline.npz"
    ),
    archive: Annotated[Path | None, typer.Option("--archive", help="Read an archive.")] = None,
    cell_deg: Annotated[float, typer.Option(help="Cell size, degrees.")] = _D.cell_deg,
    rings: Annotated[int, typer.Option(help="Neighbourhood rings of the statistic.")] = _D.rings,
    window_days: Annotated[
        int, typer.Option(help="Days before a detection in its window.")
    ] = _D.window_before_days,
    season_sigma_days: Annotated[
        float, typer.Option(help="Seasonal smoothing, days.")
    ] = _D.season_sigma_days,
    persistent_share: Annotated[
        float, typer.Option(help="Active-day share that marks a persistent source.")
    ] = _D.persistent_share,
    burst: Annotated[
        bool, typer.Option("--burst/--no-burst", help="Calibrate the one-day burst statistic.")
    ] = _D.burst,
    as_json: JsonOpt = False,
) -> None:
    """Fit a peacetime baseline and write it to one file."""
    wanted = parse_years(years)
    table, quarantined = read_inputs(
        inputs, archive, date(wanted[0], 1, 1), date(wanted[-1], 12, 31), show_progress=not as_json
    )
    params = BaselineParams(
        cell_deg=cell_deg,
        rings=rings,
        window_before_days=window_days,
        season_sigma_days=season_sigma_days,
        persistent_share=persistent_share,
        burst=burst,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        baseline = fit_baseline(table, years=wanted, params=params)
    for item in caught:
        err_console.print(f"[yellow]warning[/]: {item.message}", highlight=False)
    path = baseline.save(out)
    summary = {"path": str(path), "bytes": path.stat().st_size, **baseline.summary()}
    summary["quarantined_rows"] = len(quarantined)
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)
    if quarantined:
        _report_quarantine(quarantined)
        raise typer.Exit(EXIT_QUARANTINED)


@app.command("show")
def show(
    file: Annotated[Path, typer.Argument(help="A baseline file.")],
    as_json: JsonOpt = False,
) -> None:
    """Describe a fitted baseline: years, grid, persistent sources, data hash."""
    baseline = load_baseline(file)
    summary = {"path": str(file), **baseline.summary()}
    summary["persistent_source_cells"] = baseline.persistent_sources()
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)


def _burst_text(summary: dict[str, Any]) -> str:
    params = summary["params"]
    if not params["burst"] or summary["burst_null_detections"] is None:
        return "off (31-day statistic only)"
    ratio = summary["tail_calibration"]["minimum"].get("1e-03")
    return (
        f"fire sites of {params['burst_site_deg']} deg, {params['burst_rings']} ring(s), "
        f"{params['burst_window_days']} day; {len(summary['burst_null_detections'])} strata "
        f"of recent activity; min-p factor {ratio} at 0.001"
    )


def _print_summary(summary: dict[str, Any]) -> None:
    table = Table(title=f"baseline {summary['path']}", show_header=False)
    table.add_column("key")
    table.add_column("value")
    grid = summary["grid"]
    for key, value in (
        ("fit years", ", ".join(str(y) for y in summary["fit_years"])),
        ("detections", f"{summary['n_detections']:,}"),
        ("sensor mix", summary["sensor_mix"]),
        (
            "grid",
            f"{grid['cell_deg']} deg, {grid['rows']} x {grid['cols']} cells, bbox {grid['bbox']}",
        ),
        ("persistent sources", str(summary["persistent_sources"])),
        (
            "window",
            f"{summary['params']['window_before_days']} days before, "
            f"{summary['params']['rings']} ring(s)",
        ),
        ("burst", _burst_text(summary)),
        ("data sha256", summary["data_sha256"]),
        ("created", f"{summary['created']} (truceline {summary['software']})"),
    ):
        table.add_row(key, value)
    console.print(table)
    years = Table(title="fit years")
    for name in ("year", "detections", "active cell-days", "covered days", "scale"):
        years.add_column(name, justify="right")
    for record in summary["years"]:
        years.add_row(
            str(record["year"]),
            f"{record['detections']:,}",
            f"{record['active_cell_days']:,}",
            str(record["covered_days"]),
            f"{record['scale']:.2f}",
        )
    console.print(years)


def register(root: typer.Typer) -> None:
    """Add ``baseline fit`` and ``baseline show`` to ``root``."""
    root.add_typer(app)
