"""CLI commands: incidents, export, run, demo (the main job and its parts)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from truceline.cli._common import EXIT_QUARANTINED, console, err_console, parse_day, print_json

if TYPE_CHECKING:
    from truceline.pipeline import RunResult

__all__ = ["register"]


def _say(quiet: bool) -> Callable[[str], None]:
    def step(message: str) -> None:
        if not quiet:
            err_console.print(f"[dim]... {message}[/]")

    return step


def incidents(
    scored: Annotated[Path, typer.Argument(help="Scored detections (truceline detect output).")],
    agreement: Annotated[Path, typer.Option(help="Agreement GeoPackage.")],
    out: Annotated[Path, typer.Option(help="Incident file: .geojson .gpkg .parquet .csv .kml")],
    fmt: Annotated[str | None, typer.Option("--format", help="Override the suffix.")] = None,
    archive: Annotated[
        Path | None,
        typer.Option(help="Archive the detections came from: cite NASA's files as evidence."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Cluster war-related detections into graded, evidenced incidents."""
    from truceline.agreement import load_agreement
    from truceline.export import write_incidents
    from truceline.incidents import build_incidents
    from truceline.pipeline import attach_evidence, load_scored

    frame = load_scored(scored)
    resolved = None
    if archive is not None:
        frame, resolved = attach_evidence(frame, archive)
    table = build_incidents(frame, load_agreement(agreement))
    path = write_incidents(table, out, fmt)
    counts = table["likelihood"].value_counts().to_dict()
    if json_out:
        violations = int(table["is_violation"].sum())
        print_json(
            {
                "out": str(path),
                "incidents": len(table),
                "violations": violations,
                "by_likelihood": counts,
                "evidence_from_archive": resolved,
            }
        )
        return
    if resolved is not None:
        console.print(f"{resolved} of {len(frame)} detections traced to archived source files")
    console.print(f"{len(table)} incidents -> {path}")
    for word, n in counts.items():
        console.print(f"  {word:<20} {n:>5}")


def export(
    source: Annotated[Path, typer.Argument(help="Incident file or scored detections.")],
    fmt: Annotated[str, typer.Option("--format", help="geojson, csv, kml, gpkg or parquet.")],
    out: Annotated[Path, typer.Option(help="Output file.")],
) -> None:
    """Convert incidents or scored detections to another format."""
    from truceline.export import read_incidents, read_table, write_detections, write_incidents

    table = read_table(source)
    if "incident_id" in table.columns:
        path = write_incidents(read_incidents(source), out, fmt)
    else:
        path = write_detections(table, out, fmt)
    console.print(f"{len(table)} rows -> {path}")


def _finish(result: RunResult, json_out: bool) -> None:
    from truceline.report import to_rich

    if json_out:
        print_json(result.to_dict())
    else:
        console.print(to_rich(result.summary))
        console.print(f"\nFiles in [bold]{result.out}[/]: " + ", ".join(sorted(result.files)))
        console.print(f"Plain-text summary: {result.files['summary.txt']}")
    if result.n_quarantined:
        err_console.print(f"[yellow]{result.n_quarantined} input row(s) quarantined[/]")
        raise typer.Exit(EXIT_QUARANTINED)


def run(
    agreement: Annotated[Path, typer.Option(help="Agreement GeoPackage.")],
    first: Annotated[str, typer.Option("--from", help="First UTC day, YYYY-MM-DD.")],
    last: Annotated[str, typer.Option("--to", help="Last UTC day (inclusive).")],
    archive: Annotated[Path, typer.Option(help="Archive directory.")] = Path("archive"),
    inbox: Annotated[
        list[Path] | None, typer.Option(help="FIRMS file or folder to ingest first (repeatable).")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="Baseline file (default: the shipped one).")
    ] = None,
    clouds: Annotated[
        list[Path] | None,
        typer.Option(help="Per-oblast cloud tables, file or folder (repeatable)."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("truceline-output"),
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON account.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress messages.")] = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS|local",
            help="Score month by month on a Dask cluster: a scheduler address "
            "(tcp://host:8786; the archive must be on storage the workers share) or "
            "'local' for a LocalCluster on this machine.",
        ),
    ] = None,
) -> None:
    """Ingest what is new, score, build incidents, write exports and the summary."""
    from contextlib import nullcontext

    from truceline.pipeline import run as run_job
    from truceline.scale import dask_client

    with dask_client(dask) if dask else nullcontext() as client:
        result = run_job(
            agreement,
            parse_day(first, "--from"),
            parse_day(last, "--to"),
            archive=archive,
            inbox=inbox or [],
            baseline=baseline,
            out=out,
            clouds=clouds or [],
            progress=_say(quiet or json_out),
            client=client,
        )
    _finish(result, json_out)


def demo(
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("demo-output"),
    baseline: Annotated[
        Path | None, typer.Option(help="Baseline file (default: the shipped one).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON account.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress messages.")] = False,
) -> None:
    """Run the whole chain on bundled real data (7 days of 2025 VIIRS fires)."""
    from truceline.pipeline import demo as demo_job

    _finish(demo_job(out, baseline=baseline, progress=_say(quiet or json_out)), json_out)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("incidents")(incidents)
    app.command("export")(export)
    app.command("run")(run)
    app.command("demo")(demo)
