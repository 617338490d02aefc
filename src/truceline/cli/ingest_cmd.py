"""CLI commands: ``ingest`` and ``archive info`` / ``archive query``.

A thin layer over :class:`truceline.store.Archive`. Exit codes: 3 when a file
was refused (the others are still ingested), 8 when rows were quarantined
(good rows landed), else 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from truceline.cli._common import EXIT_QUARANTINED, console, err_console, print_json, progress
from truceline.errors import EXIT_CODES, InputError
from truceline.sensors.base import expand_paths
from truceline.sensors.firms_aoi import AOI, parse_bbox, read_clip
from truceline.store import Archive, FileReport, IngestReport
from truceline.store.geoparquet import with_geometry

__all__ = ["register"]

archive_app = typer.Typer(
    name="archive", help="Inspect and query a detection archive.", no_args_is_help=True
)

ArchiveOpt = Annotated[Path, typer.Option("--archive", help="Archive directory.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _clip(clip_bbox: str | None, clip: Path | None) -> AOI | None:
    if clip_bbox and clip:
        raise InputError("give either --clip-bbox or --clip, not both")
    if clip_bbox:
        return parse_bbox(clip_bbox)
    return read_clip(clip) if clip else None


def _span(report: FileReport) -> str:
    if report.date_min is None:
        return ""
    if report.date_min == report.date_max:
        return report.date_min.isoformat()
    return f"{report.date_min} .. {report.date_max}"


def _reasons(reasons: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in reasons.items())


_HEADERS = (
    "file", "format", "status", "read", "accepted", "quarantined", "by reason", "clipped",
    "duplicates", "superseded", "dates",
)  # fmt: skip
#: Width of the report table when the output is not a terminal (a file or a pipe).
_WIDE = 200
_NUMERIC = {"read", "accepted", "quarantined", "clipped", "duplicates", "superseded"}


def _table(report: IngestReport) -> Table:
    table = Table(title="FIRMS ingest")
    for name in _HEADERS:
        table.add_column(name, justify="right" if name in _NUMERIC else "left")
    for f in report.files:
        cells = (
            f.source_file, f.format or "", f.status, f.rows_read, f.accepted, f.quarantined,
            _reasons(f.quarantine_reasons), f.clipped, f.duplicates, f.superseded, _span(f),
        )  # fmt: skip
        table.add_row(*(Text(str(c)) for c in cells))
    t = report.totals()
    cells = (
        f"total: {t['files']} files", "", f"{t['refused']} refused", t["rows_read"],
        t["accepted"], t["quarantined"], _reasons(report.quarantine_reasons()), t["clipped"],
        t["duplicates"], t["superseded"], "",
    )  # fmt: skip
    table.add_row(*(Text(str(c)) for c in cells), style="bold")
    return table


def _summary(report: IngestReport) -> str:
    t = report.totals()
    return (
        f"{t['files']} files: {t['rows_read']} rows read, {t['accepted']} accepted, "
        f"{t['stored']} stored, {t['quarantined']} quarantined, {t['duplicates']} duplicates, "
        f"{t['superseded']} superseded, {t['clipped']} clipped, {t['refused']} refused"
    )


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="FIRMS files or folders (recursive).")],
    archive: ArchiveOpt,
    clip_bbox: Annotated[
        str | None, typer.Option("--clip-bbox", metavar="W,S,E,N", help="Keep rows in this bbox.")
    ] = None,
    clip: Annotated[
        Path | None, typer.Option("--clip", help="Keep rows inside the polygons of a vector file.")
    ] = None,
    report: Annotated[bool, typer.Option("--report", help="Print a per-file table.")] = False,
    json_out: JsonOpt = False,
    quarantine_out: Annotated[
        Path | None, typer.Option("--quarantine-out", help="Write quarantined rows to this CSV.")
    ] = None,
) -> None:
    """Ingest NASA FIRMS files (any layout) into an archive."""
    aoi = _clip(clip_bbox, clip)
    total = len(expand_paths(paths))
    with progress(enabled=not json_out) as bar:
        task = bar.add_task("ingesting", total=total)

        def on_file(path: Path, reports: list[FileReport]) -> None:
            bar.update(task, advance=1, description=path.name[:40])

        result = Archive(archive).ingest(paths, aoi=aoi, on_file=on_file)
    if quarantine_out is not None:
        pacsv.write_csv(result.quarantine, quarantine_out)
    for refused in result.refused:
        message = escape(refused.message or "")
        err_console.print(f"[bold red]NotFirmsError[/]: {message}", highlight=False, soft_wrap=True)
    if json_out:
        print_json({"archive": str(archive), **result.to_dict()})
    elif report:
        # piped or redirected: a wide console rather than a table squeezed into 80 columns
        wide = console if console.is_terminal else Console(width=_WIDE, color_system=None)
        wide.print(_table(result))
    else:
        console.print(_summary(result), highlight=False, soft_wrap=True)
    if result.n_quarantined and not json_out:
        _print_quarantine(result, quarantine_out)
    if result.refused:
        raise typer.Exit(EXIT_CODES[InputError])
    if result.n_quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


#: Quarantined rows named on stderr before the rest is left to --quarantine-out.
_SHOW_QUARANTINED = 10


def _print_quarantine(result: IngestReport, written: Path | None) -> None:
    """Name the first quarantined rows (file, line, field, value, reason) on stderr."""
    rows = result.quarantine.slice(0, _SHOW_QUARANTINED).to_pylist()
    for row in rows:
        err_console.print(
            f"[yellow]quarantined[/] {escape(str(row['file']))}, line {row['line']}, "
            f"field {escape(str(row['field']))} = {escape(repr(row['value']))}: {row['reason']}",
            highlight=False,
            soft_wrap=True,
        )
    more = result.n_quarantined - len(rows)
    where = f"all in {written}" if written else "--quarantine-out FILE writes them all"
    if more > 0 or written:
        err_console.print(f"[yellow]{more} more quarantined row(s); {where}[/]", highlight=False)


@archive_app.command("info")
def archive_info(archive: ArchiveOpt, json_out: JsonOpt = False) -> None:
    """Summarise an archive: files, parts, detections, dates."""
    info: dict[str, Any] = Archive(archive).info()
    if json_out:
        print_json(info)
        return
    table = Table(title=f"archive {archive}", show_header=False)
    for key, value in info.items():
        table.add_row(key, str(value))
    console.print(table)


@archive_app.command("query")
def archive_query(
    archive: ArchiveOpt,
    out: Annotated[Path, typer.Option("--out", help="Output file: .csv or .parquet.")],
    start: Annotated[str | None, typer.Option("--from", help="First day (or ISO time).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (or ISO time).")] = None,
    bbox: Annotated[str | None, typer.Option("--bbox", metavar="W,S,E,N")] = None,
    include_superseded: Annotated[
        bool, typer.Option("--include-superseded", help="Keep NRT rows superseded by standard.")
    ] = False,
) -> None:
    """Write the visible detections in a time window and bbox to CSV or GeoParquet."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"--out {out}: expected a .csv or .parquet file name")
    box = parse_bbox(bbox) if bbox else None
    table = Archive(archive).query(start, end, bbox=box, include_superseded=include_superseded)
    if suffix == ".csv":
        pacsv.write_csv(table.drop_columns(["geometry"]), out)
    else:
        pq.write_table(with_geometry(table.drop_columns(["geometry"])), out, compression="zstd")
    console.print(f"{table.num_rows} detections -> {out}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("ingest")(ingest)
    app.add_typer(archive_app, name="archive")
