"""CLI commands: simulate (scenarios with known truth) and evaluate (scores against truth)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from truceline.cli._common import console, parse_day, print_json, progress

__all__ = ["evaluate", "register", "simulate"]


def simulate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (see scenarios/).")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder (gets firms/ and truth/).")
    ],
    seed: Annotated[int | None, typer.Option(help="Random seed; default the scenario's.")] = None,
    volume_factor: Annotated[
        float | None,
        typer.Option(min=0.001, help="Multiply background volume (10, 100 for benchmarks)."),
    ] = None,
    start: Annotated[str | None, typer.Option(help="Override the first day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Override the last day (YYYY-MM-DD).")] = None,
    overwrite: Annotated[
        bool, typer.Option(help="Replace files of an earlier run in OUT.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Simulate FIRMS files (as NASA ships them) and their ground truth from a scenario."""
    from truceline.simulate import load_scenario
    from truceline.simulate import simulate as run_simulation

    loaded = load_scenario(
        scenario,
        start=None if start is None else parse_day(start, "--start"),
        end=None if end is None else parse_day(end, "--end"),
    )
    if volume_factor is not None:
        background = loaded.background.model_copy(update={"volume_factor": volume_factor})
        loaded = loaded.model_copy(update={"background": background})
    with progress(enabled=not (quiet or json_out)) as bar:
        task = bar.add_task(f"simulate {loaded.name}", total=loaded.days)
        result = run_simulation(
            loaded, out, seed, overwrite=overwrite, on_day=lambda _day: bar.advance(task)
        )
    summary = result.summary()
    if json_out:
        print_json(summary)
        return
    used = loaded.seed if seed is None else seed
    table = Table(title=f"{loaded.name}: {loaded.start} .. {loaded.end}, seed {used}")
    table.add_column("")
    table.add_column("value", justify="right")
    for key in ("days", "files", "detections", "war_detections", "events", "observed_events"):
        table.add_row(key.replace("_", " "), f"{summary[key]:,}")
    table.add_row("FIRMS size", f"{result.bytes / 1e6:,.2f} MB")
    table.add_row("time", f"{result.seconds:,.1f} s")
    console.print(table)
    console.print(f"FIRMS files: {result.firms_dir}\nTruth: {result.truth_dir}")


def _pct(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.3f}"  # type: ignore[arg-type]


def _hours(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.1f} h"  # type: ignore[arg-type]


def _confusion_table(title: str, key: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title)
    for column in (key, "n", "tp", "fp", "fn", "tn", "precision", "recall", "f1"):
        table.add_column(column, justify="left" if column == key else "right")
    for row in rows:
        table.add_row(
            str(row[key]),
            *(f"{row[c]:,}" for c in ("n", "tp", "fp", "fn", "tn")),
            *(_pct(row[c]) for c in ("precision", "recall", "f1")),
        )
    return table


def _show(result: dict[str, Any]) -> None:
    console.print(
        _confusion_table("Detections: war_related", "set", [{"set": "all", **result["detections"]}])
    )
    matching = result["matching"]
    if "matched" in matching:
        console.print(
            f"matched {matching['matched']:,} of {matching['scored_rows']:,} scored rows; "
            f"{matching['truth_not_in_scored']:,} truth rows not scored"
        )
    if result["by_kind"]:
        table = Table(title="Detections by fire kind")
        for column in ("kind", "n", "flagged", "share flagged"):
            table.add_column(column, justify="left" if column == "kind" else "right")
        for row in result["by_kind"]:
            table.add_row(
                row["kind"], f"{row['n']:,}", f"{row['flagged']:,}", _pct(row["share_flagged"])
            )
        console.print(table)
    console.print(_confusion_table("By month", "month", result["by_month"]))
    if result["by_distance"] is not None:
        console.print(_confusion_table("By distance to the line", "band", result["by_distance"]))
    incidents = result["incidents"]
    if incidents is not None:
        table = Table(
            title=f"Incidents: precision {_pct(incidents['precision'])} "
            f"({incidents['true_incidents']:,} of {incidents['incidents']:,} overlap an event)"
        )
        for column in ("events", "n", "found", "recall", "median delay", "p90 delay"):
            table.add_column(column, justify="left" if column == "events" else "right")
        groups = {
            **incidents["events"],
            **{f"kind: {k}": v for k, v in incidents["by_kind"].items()},
        }
        for name, row in groups.items():
            table.add_row(
                name.replace("_", " "),
                f"{row['events']:,}",
                f"{row['found']:,}",
                _pct(row["recall"]),
                _hours(row["delay_median_hours"]),
                _hours(row["delay_p90_hours"]),
            )
        console.print(table)


def evaluate(
    scored: Annotated[
        Path, typer.Option(help="Scored detections (detect output, CSV or Parquet).")
    ],
    truth: Annotated[Path | None, typer.Option(help="Truth folder written by `simulate`.")] = None,
    incidents: Annotated[
        Path | None, typer.Option(help="Incidents (GeoJSON, GeoParquet, GeoPackage, CSV with WKT).")
    ] = None,
    label_column: Annotated[
        str | None, typer.Option(help="Without --truth: the column holding the true label.")
    ] = None,
    agreement: Annotated[
        Path | None, typer.Option(help="Agreement GeoPackage, for distances to the line.")
    ] = None,
    space_tolerance_km: Annotated[float, typer.Option(min=0.0)] = 2.0,
    time_tolerance_hours: Annotated[float, typer.Option(min=0.0)] = 1.0,
    json_out: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Precision, recall and F1 of war_related (and incidents) against truth or labels."""
    from truceline.evaluate import EvaluateParams, evaluate_labelled, evaluate_truth

    params = EvaluateParams(
        space_tolerance_km=space_tolerance_km, time_tolerance_hours=time_tolerance_hours
    )
    if truth is not None and label_column is not None:
        raise typer.BadParameter("give --truth or --label-column, not both")
    if truth is not None:
        result = evaluate_truth(truth, scored, incidents, params)
    elif label_column is not None:
        if incidents is not None:
            raise typer.BadParameter("--incidents needs --truth")
        result = evaluate_labelled(scored, label_column, agreement, params)
    else:
        raise typer.BadParameter("give --truth (a simulation) or --label-column")
    payload = result.to_dict()
    if json_out:
        print_json(payload)
    else:
        _show(payload)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("simulate")(simulate)
    app.command("evaluate")(evaluate)
