"""Every FIRMS layout a user meets is read and normalised into DETECTION_SCHEMA."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from truceline.schema import CONFIDENCE_SCALE, DETECTION_SCHEMA
from truceline.sensors import QUARANTINE_SCHEMA, iter_firms, load_detections, read_firms
from truceline.sensors.firms_sources import file_sha256

GOOD = Path(__file__).parent / "data" / "firms" / "good"


def one(name: str, **kwargs: object):
    reads = read_firms(GOOD / name, **kwargs)  # type: ignore[arg-type]
    assert len(reads) == 1
    read = reads[0]
    assert read.table.schema == DETECTION_SCHEMA
    assert read.quarantine.schema == QUARANTINE_SCHEMA
    return read


def column(read, name: str) -> list:
    return read.table[name].to_pylist()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_modis_nrt_download_csv() -> None:
    read = one("fire_nrt_M-C61_565101.csv")
    assert read.format == "modis-nrt-csv"
    assert read.rows_read == read.table.num_rows == 5
    assert column(read, "satellite") == ["Terra", "Terra", "Aqua", "Aqua", "Aqua"]
    assert set(column(read, "instrument")) == {"MODIS"}
    assert set(column(read, "product")) == {"NRT"}
    # HHMM without leading zeros: 845 -> 08:45, 45 -> 00:45
    assert column(read, "acq_time")[0] == utc(2025, 8, 12, 8, 45)
    assert column(read, "acq_time")[4] == utc(2025, 8, 13, 0, 45)
    # MODIS confidence 0-100 kept raw; classes by the MODIS user guide bands
    assert column(read, "confidence_raw") == ["62", "81", "35", "12", "48"]
    assert column(read, "confidence_class") == ["nominal", "high", "nominal", "low", "nominal"]
    assert column(read, "confidence") == pytest.approx([0.62, 0.81, 0.35, 0.12, 0.48])
    assert column(read, "bright_mir")[0] == 318.4
    assert column(read, "bright_tir")[0] == 294.1
    assert column(read, "source_line") == [2, 3, 4, 5, 6]
    assert set(column(read, "source_sha256")) == {file_sha256(GOOD / "fire_nrt_M-C61_565101.csv")}


def test_modis_standard_csv_with_type() -> None:
    read = one("fire_archive_M-C61_565101.csv")
    assert read.format == "modis-sp-csv"
    assert set(column(read, "product")) == {"standard"}
    assert column(read, "version") == ["61.03"] * 3
    assert column(read, "fire_type") == [0, 0, 2]
    assert column(read, "satellite") == ["Terra"] * 3


def test_viirs_standard_csv_with_type() -> None:
    read = one("fire_archive_SV-C2_565102.csv")
    assert read.format == "viirs-sp-csv"
    assert column(read, "satellite") == ["S-NPP"] * 3
    assert column(read, "product") == ["standard"] * 3
    assert column(read, "confidence_raw") == ["n", "h", "l"]
    assert column(read, "confidence_class") == ["nominal", "high", "low"]
    assert column(read, "confidence") == [
        CONFIDENCE_SCALE["nominal"],
        CONFIDENCE_SCALE["high"],
        CONFIDENCE_SCALE["low"],
    ]
    assert column(read, "fire_type") == [0, 0, 2]
    assert column(read, "daynight") == ["D", "D", "N"]


def test_viirs_noaa20_nrt_download_uses_code_1() -> None:
    read = one("fire_nrt_J1V-C2_565103.csv")
    assert read.format == "viirs-nrt-csv"
    assert column(read, "satellite") == ["NOAA-20"] * 3
    assert column(read, "acq_time")[0] == utc(2025, 8, 14, 0, 12)
    assert column(read, "scan") == [0.39, 0.39, 0.44]


def test_country_api_csv_with_country_id() -> None:
    read = one("VIIRS_NOAA21_NRT_UKR_2025-08-15.csv")
    assert read.format == "viirs-nrt-country-csv"
    assert column(read, "satellite") == ["NOAA-21"] * 3
    assert column(read, "lat")[0] == 47.8421
    assert read.ignored_columns == ()


def test_global_daily_viirs_text_file() -> None:
    read = one("SUOMI_VIIRS_C2_Global_VNP14IMGTDL_NRT_2025224.txt")
    assert read.format == "viirs-nrt-global-txt"
    assert read.file_date == date(2025, 8, 12)  # day 224 of 2025
    assert read.file_satellites == ("S-NPP",)
    assert column(read, "instrument") == ["VIIRS"] * 3  # no instrument column in the file
    assert column(read, "confidence_class") == ["nominal", "high", "low"]


def test_global_daily_modis_text_file() -> None:
    read = one("MODIS_C6_1_Global_MCD14DL_NRT_2025224.txt")
    assert read.format == "modis-nrt-global-txt"
    assert read.file_satellites == ("Terra", "Aqua")
    assert column(read, "satellite") == ["Terra", "Aqua"]


def test_global_daily_file_with_no_rows_keeps_its_day() -> None:
    read = one("J2_VIIRS_C2_Global_VJ214IMGTDL_NRT_2025225.txt")
    assert read.table.num_rows == 0 and read.rows_read == 0
    assert read.file_date == date(2025, 8, 13)
    assert read.file_satellites == ("NOAA-21",)


def test_zip_download_with_csv_members_and_readme() -> None:
    reads = read_firms(GOOD / "DL_FIRE_SV-C2_565104.zip")
    assert [r.member for r in reads] == [
        "fire_archive_SV-C2_565104.csv",
        "fire_nrt_SV-C2_565104.csv",
    ]
    assert [r.format for r in reads] == ["viirs-sp-csv", "viirs-nrt-csv"]
    zip_sha = file_sha256(GOOD / "DL_FIRE_SV-C2_565104.zip")
    for read in reads:
        assert read.sha256 == zip_sha
        assert set(column(read, "source_file")) == {f"DL_FIRE_SV-C2_565104.zip!{read.member}"}


def test_zip_download_with_shapefile() -> None:
    (read,) = read_firms(GOOD / "DL_FIRE_M-C61_565105.zip")
    assert read.format == "modis-sp-shp"
    assert read.member == "fire_archive_M-C61_565105.shp"
    assert column(read, "acq_date") == [date(2025, 8, 18)] * 2  # a DBF date field
    assert column(read, "acq_time") == [utc(2025, 8, 18, 9, 5), utc(2025, 8, 18, 10, 43)]
    assert column(read, "confidence_raw") == ["77", "41"]
    assert column(read, "source_line") == [1, 2]  # record numbers


def test_plain_shapefile_matches_the_zipped_one() -> None:
    (plain,) = read_firms(GOOD / "shp" / "fire_archive_M-C61_565105.shp")
    (zipped,) = read_firms(GOOD / "DL_FIRE_M-C61_565105.zip")
    assert plain.table["id"].equals(zipped.table["id"])


def test_gzip_csv_reads_like_the_plain_csv() -> None:
    plain = one("fire_nrt_J1V-C2_565103.csv")
    packed = one("fire_nrt_J1V-C2_565103.csv.gz")
    cols = [c for c in DETECTION_SCHEMA.names if c not in ("source_sha256", "source_file")]
    assert plain.table.select(cols).equals(packed.table.select(cols))
    assert plain.sha256 != packed.sha256


def test_gzip_recognised_by_content_not_name(tmp_path: Path) -> None:
    target = tmp_path / "renamed.csv"  # gzip bytes under a .csv name
    shutil.copy(GOOD / "fire_nrt_J1V-C2_565103.csv.gz", target)
    (read,) = read_firms(target)
    assert read.table.num_rows == 3


def test_reduced_form_with_time_in_hhmm_and_clock() -> None:
    read = one("reduced_with_time.csv")
    assert read.format == "reduced-csv"
    assert column(read, "acq_time") == [
        utc(2023, 7, 1, 11, 12),
        utc(2023, 7, 1, 23, 40),
        utc(2023, 7, 2, 0, 1),
    ]
    assert column(read, "satellite") == ["unknown"] * 3
    assert column(read, "product") == ["unknown"] * 3
    assert all(column(read, "time_known"))


def test_real_reduced_history_file(shared_data: Path) -> None:
    (read,) = read_firms(shared_data / "firms_history" / "ukr_fire_data_2000.csv.gz")
    assert read.format == "reduced-csv"
    assert read.rows_read == read.table.num_rows == 79
    assert read.quarantine.num_rows == 0
    assert not any(column(read, "time_known"))
    assert column(read, "acq_time") == [None] * 79
    assert column(read, "acq_date")[0] == date(2000, 11, 1)
    assert (column(read, "lat")[0], column(read, "lon")[0]) == (48.2113, 38.2567)


def test_real_clipped_global_file_with_clock_times(shared_data: Path) -> None:
    path = shared_data / "firms_nrt_2025" / "J1_VIIRS_C2_Global_VJ114IMGTDL_NRT_2025223.txt.csv"
    (read,) = read_firms(path)
    assert read.format == "viirs-nrt-global-txt"
    assert read.file_date == date(2025, 8, 11)
    assert read.rows_read == read.table.num_rows == 307
    first = read.table.slice(0, 1).to_pylist()[0]
    assert first["acq_time"] == utc(2025, 8, 11, 0, 45)
    assert first["satellite"] == "NOAA-20"
    assert first["version"] == "2.0NRT" and first["product"] == "NRT"
    assert first["frp"] == 0.36 and first["daynight"] == "N"


def test_keep_raw_joins_on_source_line() -> None:
    (read,) = read_firms(GOOD / "fire_nrt_M-C61_565101.csv", keep_raw=True)
    assert read.raw is not None
    assert read.raw.column_names[:3] == ["latitude", "longitude", "brightness"]
    assert read.raw["source_line"].to_pylist() == read.table["source_line"].to_pylist()
    assert read.raw["acq_time"].to_pylist()[4] == "45"


def test_folder_walk_skips_readmes_and_sidecars(tmp_path: Path) -> None:
    shutil.copytree(GOOD / "shp", tmp_path / "shp")
    (tmp_path / "Readme.txt").write_text("NASA readme")
    shutil.copy(GOOD / "fire_nrt_M-C61_565101.csv", tmp_path)
    names = [r.display for r in iter_firms([tmp_path])]
    assert names == ["fire_nrt_M-C61_565101.csv", "fire_archive_M-C61_565105.shp"]


def test_crlf_and_bom_are_read(tmp_path: Path) -> None:
    text = (GOOD / "fire_nrt_J1V-C2_565103.csv").read_text().replace("\n", "\r\n")
    path = tmp_path / "windows.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    (read,) = read_firms(path)
    assert read.table.num_rows == 3
    assert column(read, "source_line") == [2, 3, 4]


def test_load_detections_drops_repeated_detections() -> None:
    table = load_detections(
        [GOOD / "fire_nrt_J1V-C2_565103.csv", GOOD / "fire_nrt_J1V-C2_565103.csv.gz"]
    )
    assert table.num_rows == 3
    assert table.schema == DETECTION_SCHEMA


def test_clip_to_bbox_counts_clipped_rows() -> None:
    (read,) = read_firms(GOOD / "fire_nrt_J1V-C2_565103.csv", aoi=(36.0, 47.0, 39.0, 49.0))
    assert read.table.num_rows == 2 and read.clipped == 1


def test_gzip_of_large_text_round_trip(tmp_path: Path, shared_data: Path) -> None:
    source = shared_data / "firms_nrt_2025" / "J1_VIIRS_C2_Global_VJ114IMGTDL_NRT_2025230.txt.csv"
    packed = tmp_path / "J1_VIIRS_C2_Global_VJ114IMGTDL_NRT_2025230.txt.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    (a,) = read_firms(source)
    (b,) = read_firms(packed)
    assert a.file_date == b.file_date == date(2025, 8, 18)
    assert pa.compute.all(pa.compute.equal(a.table["id"], b.table["id"])).as_py()
