"""The main job end to end on the bundled real data, through the CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from truceline.cli import app
from truceline.export import read_incidents
from truceline.incidents import INCIDENT_COLUMNS
from truceline.likelihood import ICD203_WORDS, NOT_APPLICABLE
from truceline.pipeline import DEMO_DAYS, demo_files

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Run ``truceline demo`` once; return its folder and what it printed, with counts."""
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    incidents = pd.read_parquet(out / "incidents.parquet")
    account = {
        "stdout": result.stdout,
        "detections": len(pd.read_parquet(out / "detections.parquet")),
        "incidents": len(incidents),
        "by_likelihood": incidents["likelihood"].value_counts().to_dict(),
    }
    return out, account


def test_demo_writes_every_file(demo_out) -> None:
    out, account = demo_out
    for name in (
        "incidents.geojson", "incidents.gpkg", "incidents.parquet", "incidents.csv",
        "incidents.kml", "detections.parquet", "detections.csv", "coverage.csv",
        "summary.txt", "summary.html", "agreement.gpkg",
    ):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    assert account["detections"] == 3722
    assert f"{DEMO_DAYS[0]} .. {DEMO_DAYS[1]}" in (out / "summary.txt").read_text()
    assert account["incidents"] == sum(account["by_likelihood"].values())


def test_demo_incidents_are_complete_and_evidenced(demo_out) -> None:
    out, account = demo_out
    incidents = read_incidents(out / "incidents.geojson")
    assert tuple(incidents.columns) == INCIDENT_COLUMNS and len(incidents) == account["incidents"]
    assert incidents["likelihood"].isin([*ICD203_WORDS, NOT_APPLICABLE]).all()
    assert (incidents["t_start"] >= pd.Timestamp("2025-08-11T00:00Z")).all()
    assert incidents["probability"].between(0, 1).all()  # all after the start
    shipped = {f.name: f for f in demo_files()}
    import hashlib

    hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in shipped.values()}
    assert set().union(*map(set, incidents["source_sha256s"])) <= hashes
    detections = pd.read_parquet(out / "detections.parquet")
    war = set(detections.loc[detections["war_related"], "id"])
    assert set().union(*map(set, incidents["detection_ids"])) == war


def test_demo_summary_covers_every_sector_and_day(demo_out) -> None:
    out, _ = demo_out
    text = (out / "summary.txt").read_text()
    coverage = pd.read_csv(out / "coverage.csv")
    agreement = gpd.read_file(out / "agreement.gpkg", layer="sectors")
    assert len(coverage) == len(agreement) * 7
    assert "Not observed" in text and "by likelihood" in text
    for sector in agreement["sector_id"]:
        assert f"  {sector}" in text  # every sector has its block
    assert not ((coverage["state"] == "quiet") & (coverage["n_passes"] == 0)).any()


def test_demo_kml_and_export_command(demo_out, tmp_path: Path) -> None:
    out, account = demo_out
    root = ET.parse(out / "incidents.kml").getroot()
    assert len(root.findall(".//{http://www.opengis.net/kml/2.2}Placemark")) == account["incidents"]
    target = tmp_path / "converted.gpkg"
    result = runner.invoke(
        app, ["export", str(out / "incidents.parquet"), "--format", "gpkg", "--out", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert len(read_incidents(target)) == account["incidents"]


def test_incidents_command_reproduces_the_run(demo_out, tmp_path: Path) -> None:
    out, _ = demo_out
    target = tmp_path / "again.csv"
    result = runner.invoke(
        app,
        ["incidents", str(out / "detections.csv"), "--agreement", str(out / "agreement.gpkg"),
         "--out", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    again = read_incidents(target)
    first = read_incidents(out / "incidents.parquet")
    assert again["incident_id"].tolist() == first["incident_id"].tolist()
    assert again["detection_ids"].tolist() == first["detection_ids"].tolist()


def test_run_reingests_idempotently_and_reports_unseen_days(demo_out, tmp_path: Path) -> None:
    out, _ = demo_out
    files = [str(p) for p in demo_files()[:2]]
    args = ["run", "--agreement", str(out / "agreement.gpkg"), "--from", "2025-08-11",
            "--to", "2025-08-13", "--archive", str(tmp_path / "archive"), "--json"]  # fmt: skip
    inbox = [x for f in files for x in ("--inbox", f)]
    first = runner.invoke(app, [*args, *inbox, "--out", str(tmp_path / "a")])
    second = runner.invoke(app, [*args, *inbox, "--out", str(tmp_path / "b")])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["ingest"]["totals"]["stored"] > 0 and two["ingest"]["totals"]["stored"] == 0
    assert one["incidents"] == two["incidents"] and one["period"] == ["2025-08-11", "2025-08-13"]
    a = read_incidents(tmp_path / "a" / "incidents.parquet")
    b = read_incidents(tmp_path / "b" / "incidents.parquet")
    assert a["incident_id"].tolist() == b["incident_id"].tolist()
    coverage = pd.read_csv(tmp_path / "a" / "coverage.csv")
    third_day = coverage[coverage["date"] == "2025-08-13"]
    assert (third_day["state"] == "not_observed").all()  # no file for that day was given
    assert "2025-08-13" in (tmp_path / "a" / "summary.txt").read_text()


def test_run_refuses_bad_dates_with_the_option_named(demo_out, tmp_path: Path) -> None:
    out, _ = demo_out
    result = runner.invoke(
        app,
        ["run", "--agreement", str(out / "agreement.gpkg"), "--from", "2025-13-01",
         "--to", "2025-08-12", "--archive", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "--from" in str(result.exception) or "--from" in result.output


def test_demo_prints_a_readable_summary(demo_out) -> None:
    _, account = demo_out
    for part in ("judged violations", "by likelihood", "Most likely violations", "Sectors by day"):
        assert part in account["stdout"]


def test_load_scored_reads_the_detect_form(tmp_path: Path) -> None:
    """A FIRMS file with its own columns kept plus scores (the detect contract)."""
    from truceline.incidents import build_incidents
    from truceline.pipeline import load_scored

    raw = pd.read_csv(demo_files()[0])
    raw["expected"] = 0.1
    raw["excess_score"] = 2.0
    raw["war_probability"] = (raw["latitude"] > 47.5).map({True: 0.9, False: 0.1})
    raw["war_related"] = raw["war_probability"] > 0.5
    path = tmp_path / "scored.csv"
    raw.to_csv(path, index=False)
    scored = load_scored(path)
    assert len(scored) == len(raw)
    assert scored["war_related"].sum() == raw["war_related"].sum()
    assert scored["id"].str.len().eq(16).all()
    import hashlib

    assert set(scored["source_sha256"]) == {hashlib.sha256(path.read_bytes()).hexdigest()}
    incidents = build_incidents(scored, None)
    assert incidents["n_detections"].sum() == raw["war_related"].sum()


def test_load_scored_without_scores_is_refused_by_name(tmp_path: Path) -> None:
    from truceline.errors import InputError
    from truceline.pipeline import load_scored

    with pytest.raises(InputError, match="war_related"):
        load_scored(demo_files()[0])


def test_real_incidents_before_the_start_are_activity(demo_out) -> None:
    """Move the start to 2025-08-15: what came before is activity, never a violation."""
    from dataclasses import replace

    from truceline.agreement import load_agreement
    from truceline.incidents import build_incidents
    from truceline.pipeline import load_scored

    out, _ = demo_out
    agreement = load_agreement(out / "agreement.gpkg")
    start = pd.Timestamp("2025-08-15T00:00Z")
    later = replace(agreement, start=start.to_pydatetime())
    incidents = build_incidents(load_scored(out / "detections.parquet"), later)
    before = incidents[incidents["t_start"] < start]
    assert len(before) and len(before) < len(incidents)
    assert (before["t_end"] < start).all()
    assert not before["is_violation"].any() and before["probability"].isna().all()
    assert (before["likelihood"] == NOT_APPLICABLE).all()
    assert incidents.loc[incidents["t_start"] >= start, "probability"].notna().all()


def test_real_sectors_map_to_their_oblasts(demo_out) -> None:
    from truceline.clouds import sector_oblast_weights

    out, _ = demo_out
    sectors = gpd.read_file(out / "agreement.gpkg", layer="sectors")
    weights = sector_oblast_weights(sectors)
    assert set(weights["sector"]) == set(sectors["sector_id"])
    assert weights.groupby("sector")["weight"].sum().round(9).eq(1).all()
    # sectors reach 150 km on both sides of the line, so they span several oblasts;
    # each one named after Donetsk oblast (where its line lies) draws on Donetsk's cloud
    names = sectors.set_index("sector_id")["name"]
    donetsk = [s for s in names.index if "Donetsk" in names[s]]
    held = weights[weights["oblast_id"] == "UA14"].set_index("sector")["weight"]
    assert donetsk and all(held.get(s, 0.0) > 0.1 for s in donetsk)


def test_incidents_on_detect_output_cite_the_archived_nasa_files(demo_out, tmp_path: Path) -> None:
    """`truceline detect` output has no hashes; with --archive, evidence is NASA's bytes."""
    import hashlib

    out, _ = demo_out
    nasa = demo_files()[2]
    scored = tmp_path / "scored.csv"
    assert (
        runner.invoke(app, ["ingest", str(nasa), "--archive", str(tmp_path / "ar")]).exit_code == 0
    )
    raw = pd.read_csv(nasa)
    raw["expected"] = 0.1
    raw["excess_score"] = 3.0
    raw["war_probability"] = 0.9
    raw["war_related"] = True
    raw.to_csv(scored, index=False)
    target = tmp_path / "inc.geojson"
    args = ["incidents", str(scored), "--agreement", str(out / "agreement.gpkg"), "--out",
            str(target), "--archive", str(tmp_path / "ar"), "--json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    account = json.loads(result.stdout)
    assert account["evidence_from_archive"] == len(raw)
    cited = {h for hashes in read_incidents(target)["source_sha256s"] for h in hashes}
    assert cited == {hashlib.sha256(nasa.read_bytes()).hexdigest()}
