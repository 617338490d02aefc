"""``truceline ingest`` and ``truceline archive info|query``: contract, output, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from truceline.cli import app

GOOD = Path(__file__).parent / "data" / "firms" / "good"
BAD = Path(__file__).parent / "data" / "firms" / "bad"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_ingest_folder_exit_0_and_summary(tmp_path: Path) -> None:
    result = run("ingest", GOOD, "--archive", tmp_path / "a")
    assert result.exit_code == 0, result.output
    # 13 files in good/, one a zip of two members: 14 reads
    assert result.stdout.strip() == (
        "14 files: 37 rows read, 37 accepted, 30 stored, 0 quarantined, 7 duplicates, "
        "5 superseded, 0 clipped, 0 refused"
    )


def test_report_table_lists_each_file(tmp_path: Path) -> None:
    result = run(
        "ingest", GOOD / "DL_FIRE_SV-C2_565104.zip", "--archive", tmp_path / "a", "--report"
    )
    assert result.exit_code == 0, result.output
    assert "DL_FIRE_SV-C2_565104.zip!fire_nrt_SV-C2_565104.csv" in result.output
    assert "viirs-sp-csv" in result.output and "superseded" in result.output
    assert "2025-08-11 .. 2025-08-17" in result.output


def test_json_report_and_exit_8_on_quarantine(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    result = run(
        "ingest", BAD / "bad_rows_viirs.csv", "--archive", tmp_path / "a", "--json",
        "--quarantine-out", out,
    )  # fmt: skip
    assert result.exit_code == 8
    payload = json.loads(result.stdout)
    (file,) = payload["files"]
    assert (file["rows_read"], file["accepted"], file["quarantined"]) == (12, 2, 10)
    assert file["quarantine_reasons"]["bad_category"] == 3
    assert payload["totals"]["quarantined"] == 10
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 10
    assert rows[1] == {
        "file": "bad_rows_viirs.csv", "line": "5", "field": "latitude", "value": "abc",
        "reason": "not_a_number",
    }  # fmt: skip


def test_exit_3_when_a_file_is_refused_after_ingesting_the_others(tmp_path: Path) -> None:
    result = run("ingest", BAD / "not_firms.csv", GOOD / "fire_nrt_M-C61_565101.csv",
                 "--archive", tmp_path / "a")  # fmt: skip
    assert result.exit_code == 3
    assert "NotFirmsError: not_firms.csv: not a FIRMS active-fire file" in result.output
    assert "found header: 'CITY,LATITUDE" in result.output
    info = run("archive", "info", "--archive", tmp_path / "a", "--json")
    assert json.loads(info.stdout)["visible_rows"] == 5


def test_reingest_reports_unchanged(tmp_path: Path) -> None:
    run("ingest", GOOD / "fire_nrt_M-C61_565101.csv", "--archive", tmp_path / "a")
    again = run("ingest", GOOD / "fire_nrt_M-C61_565101.csv", "--archive", tmp_path / "a", "--json")
    assert again.exit_code == 0
    assert [f["status"] for f in json.loads(again.stdout)["files"]] == ["unchanged"]


def test_clip_bbox(tmp_path: Path) -> None:
    result = run(
        "ingest", GOOD / "fire_nrt_J1V-C2_565103.csv", "--archive", tmp_path / "a",
        "--clip-bbox", "36,47,39,49", "--json",
    )  # fmt: skip
    (file,) = json.loads(result.stdout)["files"]
    assert (file["accepted"], file["clipped"]) == (2, 1)


def test_clip_with_a_vector_file(tmp_path: Path) -> None:
    clip = tmp_path / "aoi.geojson"
    gpd.GeoDataFrame(geometry=[box(30.0, 50.0, 31.0, 51.0)], crs="EPSG:4326").to_file(clip)
    result = run(
        "ingest", GOOD / "fire_nrt_J1V-C2_565103.csv", "--archive", tmp_path / "a",
        "--clip", clip, "--json",
    )  # fmt: skip
    (file,) = json.loads(result.stdout)["files"]
    assert (file["accepted"], file["clipped"]) == (1, 2)


def test_clip_with_the_real_occupied_area(tmp_path: Path, shared_data: Path) -> None:
    clip = shared_data / "frontline" / "deepstatemap_data_20250811.geojson.gz"
    day = shared_data / "firms_nrt_2025" / "J1_VIIRS_C2_Global_VJ114IMGTDL_NRT_2025223.txt.csv"
    result = run("ingest", day, "--archive", tmp_path / "a", "--clip", clip, "--json")
    (file,) = json.loads(result.stdout)["files"]
    assert file["accepted"] + file["clipped"] == 307
    assert 0 < file["accepted"] < 307


def test_bad_clip_arguments(tmp_path: Path) -> None:
    base = ["ingest", GOOD / "fire_nrt_J1V-C2_565103.csv", "--archive", tmp_path / "a"]
    result = run(*base, "--clip-bbox", "1,2,3")
    assert result.exit_code == 3
    assert "InputError: bbox '1,2,3': expected four numbers" in result.output
    result = run(*base, "--clip", BAD / "not_firms.csv")
    assert result.exit_code == 3
    assert "VectorFileError" in result.output and "not_firms.csv" in result.output
    both = run(*base, "--clip-bbox", "1,2,3,4", "--clip", BAD / "not_firms.csv")
    assert both.exit_code == 3 and "InputError" in both.output


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_archive_query_writes_csv_or_geoparquet(tmp_path: Path, suffix: str) -> None:
    run("ingest", GOOD, "--archive", tmp_path / "a")
    out = tmp_path / f"out{suffix}"
    result = run(
        "archive", "query", "--archive", tmp_path / "a", "--from", "2025-08-14", "--to",
        "2025-08-15", "--bbox", "30,45,40,51", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "6 detections" in result.output
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open()))
        assert {r["acq_date"] for r in rows} == {"2025-08-14", "2025-08-15"}
        assert "geometry" not in rows[0]
    else:
        frame = gpd.read_parquet(out)
        assert len(frame) == 6 and frame.geometry.geom_type.unique().tolist() == ["Point"]


def test_archive_query_refuses_unknown_output(tmp_path: Path) -> None:
    run("ingest", GOOD / "fire_nrt_M-C61_565101.csv", "--archive", tmp_path / "a")
    result = run("archive", "query", "--archive", tmp_path / "a", "--out", tmp_path / "x.xlsx")
    assert result.exit_code == 3
    assert "InputError" in result.output and "x.xlsx" in result.output


def test_archive_info_table(tmp_path: Path) -> None:
    run("ingest", GOOD / "fire_nrt_M-C61_565101.csv", "--archive", tmp_path / "a")
    result = run("archive", "info", "--archive", tmp_path / "a")
    assert result.exit_code == 0 and "visible_rows" in result.output


def test_quarantined_rows_are_named_on_stderr(tmp_path: Path) -> None:
    """Without --json, the culprits are named (file, line, field, value, reason)."""
    result = run("ingest", BAD / "bad_rows_viirs.csv", "--archive", tmp_path / "a")
    assert result.exit_code == 8
    assert "quarantined bad_rows_viirs.csv, line 5, field latitude = 'abc': not_a_number" in (
        result.stderr
    )
    # ten are shown; none is left for --quarantine-out to add
    assert result.stderr.count("quarantined bad_rows_viirs.csv") == 10
