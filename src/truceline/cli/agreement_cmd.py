"""CLI commands: ``truceline agreement build | locate | show | map``.

A thin layer over :mod:`truceline.agreement`; see ``docs/agreement.md``.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.markdown import Markdown
from rich.table import Table

from truceline.agreement import (
    ZONES,
    Agreement,
    LineParams,
    ZoneParams,
    build_agreement,
    load_agreement,
)
from truceline.cli._common import EXIT_QUARANTINED, console, err_console, print_json, progress
from truceline.errors import InputError

__all__ = ["register"]

_Z = ZoneParams()
_L = LineParams()
_LAT = ("latitude", "lat")
_LON = ("longitude", "lon", "lng", "long")
_CHUNK = 200_000  # rows per locate step (progress granularity, bounded memory)

app = typer.Typer(
    name="agreement",
    help="The ceasefire agreement as geometry: build, locate points, show, map.",
    no_args_is_help=True,
)


@contextmanager
def _reported_warnings(sink: list[str]) -> Iterator[None]:
    """Collect warnings into ``sink`` and print them on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for item in caught:
        sink.append(str(item.message))
        err_console.print(f"[yellow]warning[/]: {item.message}", highlight=False)


def _summary_path(out: Path) -> Path:
    return out.with_suffix(".md")


@app.command("build")
def _build(
    occupied: Annotated[Path, typer.Option(help="Occupied-territory polygon (any GDAL vector).")],
    out: Annotated[Path, typer.Option(help="Agreement GeoPackage to write.")],
    boundary: Annotated[
        Path | None, typer.Option(help="National boundary (default: shipped copy).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Ceasefire start, ISO-8601 UTC.")] = None,
    name: Annotated[str | None, typer.Option(help="Name of the agreement.")] = None,
    buffer_km: Annotated[float, typer.Option(help="Buffer zone, km each side.")] = _Z.buffer_km,
    artillery_km: Annotated[float, typer.Option(help="Artillery >=100 mm zone, km.")] = (
        _Z.artillery_km
    ),
    mlrs_km: Annotated[float, typer.Option(help="Multiple rocket launcher zone, km.")] = (
        _Z.mlrs_km
    ),
    long_range_km: Annotated[float, typer.Option(help="Long-range rocket zone, km.")] = (
        _Z.long_range_km
    ),
    sector_km: Annotated[float, typer.Option(help="Target sector length, km.")] = (
        _Z.sector_length_km
    ),
    sliver_km: Annotated[float, typer.Option(help="Coast/border sliver half-width, km.")] = (
        _L.sliver_km
    ),
    min_pocket_km2: Annotated[float, typer.Option(help="Ignore occupied pockets below, km².")] = (
        _L.min_pocket_km2
    ),
    map_png: Annotated[Path | None, typer.Option("--map", help="Also draw a PNG map.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Build an agreement from an occupied-territory polygon and save it as one GeoPackage."""
    notes: list[str] = []
    with _reported_warnings(notes):
        params = ZoneParams(
            buffer_km=buffer_km,
            artillery_km=artillery_km,
            mlrs_km=mlrs_km,
            long_range_km=long_range_km,
            sector_length_km=sector_km,
        )
        line_params = LineParams(sliver_km=sliver_km, min_pocket_km2=min_pocket_km2)
        agreement = build_agreement(
            occupied, boundary, start=start, params=params, name=name, line_params=line_params
        )
    path = agreement.save(out)
    summary_file = _summary_path(path)
    summary_file.write_text(agreement.summary_text(), encoding="utf-8")
    if map_png is not None:
        agreement.plot(map_png)
    if as_json:
        payload = agreement.summary()
        payload["files"] = {
            "agreement": str(path),
            "summary": str(summary_file),
            "map": str(map_png) if map_png else None,
        }
        payload["warnings"] = notes
        print_json(payload)
        return
    console.print(Markdown(agreement.summary_text()))
    console.print(f"wrote {path} and {summary_file}" + (f" and {map_png}" if map_png else ""))


def _find_column(columns: list[str], names: tuple[str, ...], path: Path) -> str:
    lowered = {c.strip().lower(): c for c in columns}
    for candidate in names:
        if candidate in lowered:
            return lowered[candidate]
    raise InputError(
        f"{path}: no {names[0]} column (looked for {', '.join(names)} in any case; "
        f"found {', '.join(columns[:20])})"
    )


def _read_points(path: Path) -> tuple[pd.DataFrame, str, str]:
    """The input table (all columns as text) and its latitude/longitude column names."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffixes = "".join(path.suffixes).lower()
    if suffixes.endswith((".zip", ".shp")):
        return _read_firms_vector(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError, OSError) as error:
        raise InputError(f"{path}: cannot be read as CSV ({error})") from error
    columns = [str(c) for c in table.columns]
    return table, _find_column(columns, _LAT, path), _find_column(columns, _LON, path)


def _read_firms_vector(path: Path) -> tuple[pd.DataFrame, str, str]:
    """A zipped or shapefile FIRMS download, through the FIRMS reader (its raw columns)."""
    try:
        from truceline.sensors.firms import read_firms
    except ImportError as error:  # pragma: no cover - the sensors package ships with truceline
        raise InputError(f"{path}: FIRMS vector files need truceline.sensors.firms") from error
    frames = []
    for item in read_firms(path, keep_raw=True):
        if item.raw is not None:
            frames.append(item.raw.to_pandas().drop(columns=["source_line"], errors="ignore"))
    if not frames:
        raise InputError(f"{path}: no FIRMS rows to locate")
    table = pd.concat(frames, ignore_index=True).fillna("").astype(str)
    columns = [str(c) for c in table.columns]
    return table, _find_column(columns, _LAT, path), _find_column(columns, _LON, path)


def _locate_table(
    agreement: Agreement, table: pd.DataFrame, lat_col: str, lon_col: str, show: bool
) -> tuple[pd.DataFrame, np.ndarray]:
    lat = pd.to_numeric(table[lat_col].str.strip(), errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(table[lon_col].str.strip(), errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    pieces = []
    with progress(show) as bar:
        task = bar.add_task("locating", total=len(table))
        for begin in range(0, len(table), _CHUNK):
            end = min(begin + _CHUNK, len(table))
            pieces.append(agreement.locate(lon[begin:end], lat[begin:end]))
            bar.advance(task, end - begin)
    located = pd.concat(pieces, ignore_index=True) if pieces else agreement.locate([], [])
    return located, bad


def _write_csv(frame: pd.DataFrame, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        frame.to_csv(temp, index=False)
        os.replace(temp, out)
    finally:
        Path(temp).unlink(missing_ok=True)


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts(dropna=True).sort_index().items()}


@app.command("locate")
def _locate(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV with lat/lon or FIRMS.")],
    agreement_path: Annotated[Path, typer.Option("--agreement", help="Agreement GeoPackage.")],
    out: Annotated[Path, typer.Option(help="CSV to write: input columns + location.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Add zone, side, sector and signed distance to the line (km) to every row."""
    notes: list[str] = []
    with _reported_warnings(notes):
        agreement = load_agreement(agreement_path)
    table, lat_col, lon_col = _read_points(input_file)
    began = time.perf_counter()
    located, bad = _locate_table(agreement, table, lat_col, lon_col, show=not as_json)
    seconds = time.perf_counter() - began
    located.loc[bad, ["zone", "side"]] = None
    clashes = [c for c in located.columns if c in table.columns]
    if clashes:
        err_console.print(f"[yellow]warning[/]: input columns {clashes} are replaced")
    result = pd.concat([table.drop(columns=clashes), located], axis=1)
    result["distance_km"] = result["distance_km"].round(3)
    _write_csv(result, out)
    summary: dict[str, Any] = {
        "input": str(input_file),
        "output": str(out),
        "agreement": str(agreement_path),
        "agreement_version": agreement.version,
        "rows": len(table),
        "bad_coordinates": int(bad.sum()),
        "bad_rows": [int(i) + 2 for i in np.flatnonzero(bad)[:20]],
        "by_side": _counts(located["side"]),
        "by_zone": _counts(located["zone"]),
        "by_sector": _counts(located["sector"]),
        "seconds": round(seconds, 3),
        "points_per_second": round(len(table) / seconds) if seconds > 0 else None,
    }
    if as_json:
        print_json(summary)
    else:
        _print_locate(summary)
    if bad.any():
        err_console.print(
            f"[yellow]{int(bad.sum())} row(s) without valid latitude/longitude[/] "
            f"(file lines {summary['bad_rows'][:5]}...): written without a location"
        )
        raise typer.Exit(EXIT_QUARANTINED)


def _print_locate(summary: dict[str, Any]) -> None:
    table = Table(title=f"{summary['rows']:,} points -> {summary['output']}")
    table.add_column("zone")
    table.add_column("points", justify="right")
    for zone in [s.name for s in ZONES] + ["outside"]:
        table.add_row(zone, f"{summary['by_zone'].get(zone, 0):,}")
    console.print(table)
    console.print(f"by side: {summary['by_side']}")


@app.command("show")
def _show(
    path: Annotated[Path, typer.Argument(help="Agreement GeoPackage.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print an agreement's summary: line length, zone areas by side, sectors, provenance."""
    agreement = load_agreement(path)
    if as_json:
        print_json(agreement.summary())
    else:
        console.print(Markdown(agreement.summary_text()))


@app.command("map")
def _draw(
    path: Annotated[Path, typer.Argument(help="Agreement GeoPackage.")],
    out: Annotated[Path, typer.Option(help="PNG to write.")],
) -> None:
    """Draw an agreement: boundary, occupied area, line, zones by side, sectors."""
    load_agreement(path).plot(out)
    console.print(f"wrote {out}")


def register(root: typer.Typer) -> None:
    """Add the ``agreement`` command group to ``root``."""
    root.add_typer(app, name="agreement")
