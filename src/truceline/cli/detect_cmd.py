"""CLI command: ``truceline detect``.

A thin layer over :func:`truceline.detect.score_files`: one output row per input
row, in input order, the input's columns as the input had them, plus
``expected``, ``excess_score``, ``war_probability`` and ``war_related``.
Exit 8 when the reader quarantined rows (they keep their row, with empty scores).
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from truceline.baseline import load_baseline
from truceline.cli._common import EXIT_QUARANTINED, console, err_console, print_json, progress
from truceline.detect import DetectParams, format_scores, score_reads
from truceline.errors import InputError
from truceline.sensors.base import format_quarantine_row
from truceline.sensors.firms import iter_firms

__all__ = ["register"]

_D = DetectParams()


def _context(archive: Path | None, scored_dates: pd.Series, days: int) -> Any:
    """Detections of the ``days`` before the input's first day, from an archive."""
    if archive is None or scored_dates.empty:
        return None
    from truceline.store import Archive

    first = pd.to_datetime(scored_dates).min().date()
    last = pd.to_datetime(scored_dates).max().date()
    return Archive(archive).query(start=first - timedelta(days=days), end=last)


def detect(
    inputs: Annotated[list[Path], typer.Argument(help="FIRMS file(s) or folder(s) to score.")],
    baseline: Annotated[Path, typer.Option("--baseline", help="Baseline file (.npz).")],
    out: Annotated[Path, typer.Option("--out", help="Output CSV.")],
    agreement: Annotated[
        Path | None, typer.Option("--agreement", help="Agreement GeoPackage: distance prior.")
    ] = None,
    context_archive: Annotated[
        Path | None,
        typer.Option(
            "--context-archive",
            help="Archive whose earlier detections count as neighbourhood history.",
        ),
    ] = None,
    threshold: Annotated[float, typer.Option(help="war_related cut-off.")] = _D.threshold,
    prior: Annotated[
        float, typer.Option(help="Prior war share without an agreement.")
    ] = _D.prior_war,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Score FIRMS detections against a peacetime baseline."""
    model = load_baseline(baseline)
    geometry = None
    if agreement is not None:
        from truceline.agreement import load_agreement

        geometry = load_agreement(agreement)
    params = DetectParams(threshold=threshold, prior_war=prior)
    with warnings.catch_warnings(record=True) as caught, progress(not as_json) as bar:
        warnings.simplefilter("always")
        task = bar.add_task("scoring detections", total=None)
        reads = list(iter_firms([str(p) for p in inputs], keep_raw=True))
        context = None
        if context_archive is not None and reads:
            dates = pd.concat([read.table.column("acq_date").to_pandas() for read in reads])
            context = _context(context_archive, dates, model.params.window_days)
        result = score_reads(reads, model, geometry, params, context=context)
        bar.advance(task)
    for item in caught:
        err_console.print(f"[yellow]warning[/]: {item.message}", highlight=False)
    if not result.reads:
        raise InputError(f"no FIRMS file found in {[str(p) for p in inputs]}")
    out.parent.mkdir(parents=True, exist_ok=True)
    format_scores(result.rows).to_csv(out, index=False, na_rep="")
    summary = {"out": str(out), **result.summary}
    if as_json:
        print_json(summary)
    else:
        console.print(
            f"{summary['rows']:,} rows, {summary['scored']:,} scored, "
            f"{summary['flagged']:,} war-related ({100 * float(summary['share']):.2f} %) -> {out}",
            highlight=False,
        )
    if result.quarantine.num_rows:
        for row in result.quarantine.to_pylist()[:20]:
            err_console.print(f"quarantined: {format_quarantine_row(row)}", highlight=False)
        if result.quarantine.num_rows > 20:
            err_console.print(f"... and {result.quarantine.num_rows - 20} more", highlight=False)
        raise typer.Exit(EXIT_QUARANTINED)


def register(app: typer.Typer) -> None:
    """Add ``detect`` to ``app``."""
    app.command("detect")(detect)
