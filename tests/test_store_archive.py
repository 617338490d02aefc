"""The archive: idempotent ingest, no duplicates, NRT superseded, clip, queries, observations."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import pyarrow.parquet as pq
import pytest
from shapely.geometry import Polygon, box

from truceline.errors import ArchiveError, InputError
from truceline.store import ARCHIVE_SCHEMA, Archive

GOOD = Path(__file__).parent / "data" / "firms" / "good"
BAD = Path(__file__).parent / "data" / "firms" / "bad"
VIIRS = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight"
)


def snapshot(archive: Archive) -> list[tuple]:
    """Visible content, without provenance (which file a shared row came from)."""
    table = archive.query(columns=["id", "product", "lat", "lon", "acq_time", "frp"])
    return sorted(tuple(r.values()) for r in table.to_pylist())


def tree(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_size
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock" and not p.name.startswith("manifest.sqlite")
    }


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def test_ingest_stores_raw_files_parts_and_manifest(archive: Archive) -> None:
    report = archive.ingest([GOOD / "fire_nrt_M-C61_565101.csv"])
    (file,) = report.files
    assert (file.status, file.rows_read, file.accepted, file.stored) == ("ingested", 5, 5, 5)
    assert (file.date_min, file.date_max) == (date(2025, 8, 12), date(2025, 8, 13))
    raw = archive.root / "raw" / file.sha256[:2] / f"{file.sha256}.csv"  # type: ignore[index]
    assert raw.read_bytes() == (GOOD / "fire_nrt_M-C61_565101.csv").read_bytes()
    parts = sorted((archive.root / "detections").rglob("*.parquet"))
    assert [p.parent.name for p in parts] == ["month=2025-08"]
    files = archive.files()
    assert files["format"].tolist() == ["modis-nrt-csv"] and files["stored"].tolist() == [5]


def test_parts_are_geoparquet_points(archive: Archive) -> None:
    archive.ingest([GOOD / "fire_nrt_J1V-C2_565103.csv"])
    (part,) = (archive.root / "detections").rglob("*.parquet")
    geo = json.loads(pq.read_schema(part).metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    frame = gpd.read_parquet(part)
    assert frame.crs.to_string() == "OGC:CRS84"
    assert list(frame.geometry.x) == list(frame["lon"])
    assert list(frame.geometry.y) == list(frame["lat"])


def test_reingest_changes_nothing(archive: Archive) -> None:
    archive.ingest([GOOD])
    before, files_before = tree(archive.root), snapshot(archive)
    report = archive.ingest([GOOD])
    assert {f.status for f in report.files} == {"unchanged"}
    assert report.totals()["stored"] == 0
    assert tree(archive.root) == before
    assert snapshot(archive) == files_before


def test_overlapping_files_never_duplicate_an_id(archive: Archive) -> None:
    first = archive.ingest([GOOD / "fire_nrt_J1V-C2_565103.csv"]).files[0]
    second = archive.ingest([GOOD / "fire_nrt_J1V-C2_565103.csv.gz"]).files[0]
    assert (first.stored, second.duplicates, second.stored) == (3, 3, 0)
    ids = archive.query(include_superseded=True)["id"].to_pylist()
    assert len(ids) == len(set(ids)) == 3


def test_partial_overlap_keeps_new_rows(archive: Archive, tmp_path: Path) -> None:
    rows = (GOOD / "fire_nrt_J1V-C2_565103.csv").read_text().splitlines()
    (tmp_path / "a.csv").write_text("\n".join(rows[:3]) + "\n")
    (tmp_path / "b.csv").write_text("\n".join([rows[0], *rows[2:]]) + "\n")
    report = archive.ingest([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert [(f.stored, f.duplicates) for f in report.files] == [(2, 0), (1, 1)]
    assert archive.query().num_rows == 3


def test_standard_supersedes_nrt_of_the_same_pass(archive: Archive) -> None:
    report = archive.ingest([GOOD / "DL_FIRE_SV-C2_565104.zip"])
    sp, nrt = report.files
    assert (sp.format, nrt.format) == ("viirs-sp-csv", "viirs-nrt-csv")
    assert nrt.superseded == 2  # the two 10:36 NRT rows; the 17 Aug row stays
    visible = archive.query()
    assert sorted(visible["product"].to_pylist()) == ["NRT", "standard", "standard"]
    nrt_days = [r["acq_date"] for r in visible.to_pylist() if r["product"] == "NRT"]
    assert nrt_days == [date(2025, 8, 17)]
    assert archive.query(include_superseded=True).num_rows == 5
    assert archive.info()["superseded_rows"] == 2


@pytest.mark.parametrize("order", [1, -1])
def test_supersession_does_not_depend_on_order(tmp_path: Path, order: int) -> None:
    nrt = GOOD / "fire_nrt_M-C61_565101.csv"
    std = GOOD / "fire_archive_M-C61_565101.csv"
    archive = Archive(tmp_path / "a")
    for path in [nrt, std][::order]:
        archive.ingest([path])
    visible = archive.query()
    # the two Terra 08:45 NRT rows are hidden by the standard rows of that pass
    assert visible.num_rows == 5 + 3 - 2
    terra_nrt = [
        r for r in visible.to_pylist() if r["product"] == "NRT" and r["satellite"] == "Terra"
    ]
    assert terra_nrt == []


def test_nrt_outside_the_standard_files_area_is_kept(archive: Archive, tmp_path: Path) -> None:
    far = "31.00000,-8.00000,330.0,0.4,0.4,2025-08-11,1036,N,VIIRS,n,2.0NRT,290.0,5.0,D"
    (tmp_path / "fire_nrt_far.csv").write_text(f"{VIIRS}\n{far}\n")
    archive.ingest([GOOD / "fire_archive_SV-C2_565102.csv", tmp_path / "fire_nrt_far.csv"])
    assert [r["product"] for r in archive.query().to_pylist()].count("NRT") == 1


def test_clip_to_bbox(archive: Archive) -> None:
    report = archive.ingest([GOOD / "fire_nrt_J1V-C2_565103.csv"], aoi=(36.0, 47.0, 39.0, 49.0))
    assert (report.files[0].accepted, report.files[0].clipped) == (2, 1)
    assert archive.query().num_rows == 2


def test_clip_to_polygon_then_widen(archive: Archive) -> None:
    path = GOOD / "fire_nrt_J1V-C2_565103.csv"
    triangle = Polygon([(37.0, 48.0), (38.0, 48.0), (37.0, 49.0)])
    first = archive.ingest([path], aoi=triangle).files[0]
    assert (first.accepted, first.clipped) == (2, 1)
    again = archive.ingest([path], aoi=triangle).files[0]
    assert again.status == "unchanged"
    wider = archive.ingest([path]).files[0]  # a new clip is a new ingest: only new rows land
    assert (wider.status, wider.stored, wider.duplicates) == ("ingested", 1, 2)


def test_query_by_time_window_and_area(archive: Archive) -> None:
    archive.ingest([GOOD])
    assert archive.query().schema == ARCHIVE_SCHEMA
    day = archive.query(start=date(2025, 8, 14), end=date(2025, 8, 14))
    assert set(day["acq_date"].to_pylist()) == {date(2025, 8, 14)}
    assert day.num_rows == 3
    night = archive.query(
        start=datetime(2025, 8, 14, 0, 0, tzinfo=UTC), end=datetime(2025, 8, 14, 1, 0, tzinfo=UTC)
    )
    assert night.num_rows == 2
    assert archive.query(start="2025-08-14T00:00", end="2025-08-14T01:00").num_rows == 2
    in_box = archive.query(bbox=(37.0, 48.0, 38.0, 48.5))
    assert all(37 <= r["lon"] <= 38 and 48 <= r["lat"] <= 48.5 for r in in_box.to_pylist())
    in_poly = archive.query(polygon=box(37.0, 48.0, 38.0, 48.5))
    assert in_poly["id"].to_pylist() == in_box["id"].to_pylist()
    ids = archive.query(columns=["id"])
    assert ids.column_names == ["id"]
    times = archive.query()["acq_date"].to_pylist()
    assert times == sorted(times)


def test_reduced_rows_are_selected_by_date_in_time_windows(archive: Archive) -> None:
    archive.ingest([GOOD / "reduced_with_time.csv"])
    window = archive.query(start=datetime(2023, 7, 1, 12, tzinfo=UTC), end="2023-07-02")
    assert window["acq_time"].to_pylist() == [  # 11:12 on 1 July is before the start
        datetime(2023, 7, 1, 23, 40, tzinfo=UTC),
        datetime(2023, 7, 2, 0, 1, tzinfo=UTC),
    ]


def test_observations_list_global_days_even_without_rows(archive: Archive) -> None:
    archive.ingest([GOOD])
    obs = archive.observations(start=date(2025, 8, 13), end=date(2025, 8, 13))
    noaa21 = obs[obs["satellite"] == "NOAA-21"]
    assert sorted(noaa21["daynight"]) == ["D", "N"]
    assert noaa21["n_detections"].tolist() == [0, 0]
    assert set(noaa21["extent_source"]) == {"global-file"}
    assert noaa21.iloc[0][["west", "south", "east", "north"]].tolist() == [-180, -90, 180, 90]
    modis = archive.observations(start="2025-08-12", end="2025-08-12")
    modis = modis[modis["source_file"].str.startswith("MODIS_C6_1_Global")]
    counts = {(r.satellite, r.daynight): r.n_detections for r in modis.itertuples()}
    assert counts == {("Terra", "D"): 1, ("Terra", "N"): 0, ("Aqua", "D"): 1, ("Aqua", "N"): 0}


def test_refused_files_do_not_stop_the_others(archive: Archive) -> None:
    report = archive.ingest([BAD, GOOD / "fire_nrt_M-C61_565101.csv"])
    statuses = {f.source_file: f.status for f in report.files}
    assert statuses["not_firms.csv"] == "refused"
    assert statuses["fire_nrt_M-C61_565101.csv"] == "ingested"
    assert statuses["bad_rows_viirs.csv"] == "ingested"
    refused = {f.source_file: f.message for f in report.refused}
    assert "expected a FIRMS active-fire header" in refused["not_firms.csv"]
    assert report.quarantine.num_rows == 10
    assert len(archive.quarantine()) == 10


def test_orphans_are_ignored_then_cleaned(archive: Archive) -> None:
    archive.ingest([GOOD / "fire_nrt_M-C61_565101.csv"])
    month = archive.root / "detections" / "month=2025-08"
    orphan = month / "deadbeef-0.parquet"
    shutil.copy(next(month.glob("*.parquet")), orphan)
    (month / "x.parquet.tmp").write_bytes(b"half")
    assert archive.query().num_rows == 5  # not listed in the manifest: invisible
    assert archive.clean() == 2
    assert not orphan.exists()


def test_missing_archive_is_an_archive_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match=r"nowhere: archive directory does not exist"):
        Archive(tmp_path / "nowhere").query()
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArchiveError, match=r"no truceline archive here"):
        Archive(tmp_path / "empty").info()


def test_bad_query_arguments_name_the_value(archive: Archive) -> None:
    archive.ingest([GOOD / "fire_nrt_M-C61_565101.csv"])
    with pytest.raises(InputError, match=r"start 'yesterday'"):
        archive.query(start="yesterday")
    with pytest.raises(InputError, match=r"columns \['nope'\]"):
        archive.query(columns=["nope"])
    with pytest.raises(InputError, match=r"bbox \[1.0, 2.0, 3.0\]"):
        archive.query(bbox=(1.0, 2.0, 3.0))
