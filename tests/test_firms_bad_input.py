"""Bad rows are quarantined with file, line, field, value and reason; bad files are refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from truceline.errors import NotFirmsError
from truceline.sensors import QUARANTINE_REASONS, read_firms
from truceline.sensors.base import format_quarantine_row

DATA = Path(__file__).parent / "data" / "firms"
HEADER = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight"
)
GOOD_ROW = "48.20001,37.10001,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,5.00,N"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def bad_read():
    (read,) = read_firms(DATA / "bad" / "bad_rows_viirs.csv")
    return read


#: line -> (field, value, reason) in bad/bad_rows_viirs.csv (lines 3, 13, 14 are blank)
EXPECTED = {
    4: ("(row)", None, "field_count"),
    5: ("latitude", "abc", "not_a_number"),
    6: ("latitude", "95.5", "out_of_range"),
    7: ("acq_date", "2025-02-30", "bad_date"),
    8: ("acq_time", "2460", "bad_time"),
    9: ("satellite", "X9", "bad_category"),
    10: ("confidence", "maybe", "bad_category"),
    11: ("frp", "n/a", "not_a_number"),
    12: ("latitude", "", "missing"),
    15: ("daynight", "Q", "bad_category"),
}


@pytest.mark.parametrize("line", sorted(EXPECTED))
def test_each_bad_row_is_quarantined_with_its_culprit(bad_read, line: int) -> None:
    rows = {r["line"]: r for r in bad_read.quarantine.to_pylist()}
    field, value, reason = EXPECTED[line]
    row = rows[line]
    assert (row["field"], row["reason"]) == (field, reason)
    if value is not None:
        assert row["value"] == value
    message = format_quarantine_row(row)
    assert message.startswith(f"bad_rows_viirs.csv:{line}: field {field!r}")
    assert repr(row["value"]) in message and reason in message


def test_good_rows_of_the_same_file_still_land(bad_read) -> None:
    assert bad_read.rows_read == 12
    assert bad_read.table["source_line"].to_pylist() == [2, 16]
    assert bad_read.quarantine.num_rows == 10
    assert set(bad_read.quarantine["reason"].to_pylist()) <= set(QUARANTINE_REASONS)


def test_wrong_field_count_keeps_the_row_text(bad_read) -> None:
    row = bad_read.quarantine.to_pylist()[0]
    assert row["line"] == 4
    assert row["value"].startswith("48.20002,37.10002") and row["value"].endswith("5.00")


@pytest.mark.parametrize(
    ("time", "ok"),
    [("0", True), ("5", True), ("45", True), ("653", True), ("0653", True), ("23:59", True),
     ("00:45:00", True), ("2400", False), ("1260", False), ("12:60", False), ("12:00:61", False),
     ("12345", False), ("noon", False), ("-100", False)],
)  # fmt: skip
def test_acq_time_forms(tmp_path: Path, time: str, ok: bool) -> None:
    row = GOOD_ROW.replace(",0010,", f",{time},")
    (read,) = read_firms(write(tmp_path, "t.csv", f"{HEADER}\n{row}\n"))
    assert read.table.num_rows == int(ok)
    if not ok:
        assert read.quarantine.to_pylist()[0] | {"file": None} == {
            "file": None, "line": 2, "field": "acq_time", "value": time, "reason": "bad_time",
        }  # fmt: skip


def test_satellite_of_the_wrong_instrument_is_refused_per_row(tmp_path: Path) -> None:
    row = GOOD_ROW.replace(",N20,", ",Terra,")
    (read,) = read_firms(write(tmp_path, "t.csv", f"{HEADER}\n{row}\n"))
    assert read.quarantine.to_pylist()[0]["reason"] == "bad_category"


def test_modis_confidence_out_of_range(tmp_path: Path) -> None:
    text = (DATA / "good" / "fire_nrt_M-C61_565101.csv").read_text().replace(",62,", ",140,")
    (read,) = read_firms(write(tmp_path, "fire_nrt_M-C61_1.csv", text))
    row = read.quarantine.to_pylist()[0]
    assert (row["line"], row["field"], row["value"], row["reason"]) == (
        2, "confidence", "140", "out_of_range",
    )  # fmt: skip


def test_stray_quote_fails_visibly_instead_of_swallowing_lines(tmp_path: Path) -> None:
    bad = GOOD_ROW.replace("48.20001", '"48.20001')
    (read,) = read_firms(write(tmp_path, "q.csv", f"{HEADER}\n{bad}\n{GOOD_ROW}\n"))
    assert read.table["source_line"].to_pylist() == [3]
    assert read.quarantine.to_pylist()[0]["line"] == 2


def test_header_only_file_is_valid_and_empty(tmp_path: Path) -> None:
    (read,) = read_firms(write(tmp_path, "h.csv", HEADER + "\n\n"))
    assert read.rows_read == 0 and read.table.num_rows == 0


def test_not_firms_names_expected_and_found(tmp_path: Path) -> None:
    with pytest.raises(NotFirmsError) as info:
        read_firms(DATA / "bad" / "not_firms.csv")
    message = str(info.value)
    assert message.startswith("not_firms.csv: not a FIRMS active-fire file")
    assert "expected a FIRMS active-fire header" in message
    assert "found header: 'CITY,LATITUDE,LONGITUDE" in message


def test_firms_looking_header_missing_columns_names_them() -> None:
    with pytest.raises(NotFirmsError, match=r"viirs_missing_columns.csv: .*lacks bright_ti5, scan"):
        read_firms(DATA / "bad" / "viirs_missing_columns.csv")


def test_empty_file_is_refused() -> None:
    with pytest.raises(NotFirmsError, match=r"empty.csv: file is empty"):
        read_firms(DATA / "bad" / "empty.csv")


def test_corrupt_gzip_is_refused() -> None:
    with pytest.raises(NotFirmsError, match=r"corrupt.csv.gz: gzip stream is corrupt"):
        read_firms(DATA / "bad" / "corrupt.csv.gz")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(NotFirmsError, match=r"image.png: not a FIRMS active-fire file"):
        read_firms(path)


def test_zip_without_data_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "DL_FIRE_X.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Readme.txt", "nothing here")
    with pytest.raises(NotFirmsError, match=r"DL_FIRE_X.zip: zip holds no FIRMS data member"):
        read_firms(path)


def test_zip_member_that_is_not_firms_names_the_member(tmp_path: Path) -> None:
    path = tmp_path / "DL_FIRE_Y.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("fire_nrt_x.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(NotFirmsError, match=r"DL_FIRE_Y.zip!fire_nrt_x.csv: not a FIRMS"):
        read_firms(path)


def test_truncated_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes((DATA / "good" / "DL_FIRE_SV-C2_565104.zip").read_bytes()[:100])
    with pytest.raises(NotFirmsError, match=r"broken.zip: not a readable zip"):
        read_firms(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotFirmsError, match=r"nope.csv: no such file"):
        read_firms(tmp_path / "nope.csv")


def test_non_utf8_bytes_are_quarantined_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    bad = GOOD_ROW.replace(",N20,", ",N\xe9,").encode("latin-1")
    path.write_bytes(HEADER.encode() + b"\n" + bad + b"\n" + GOOD_ROW.encode() + b"\n")
    (read,) = read_firms(path)
    assert read.table.num_rows == 1
    row = read.quarantine.to_pylist()[0]
    assert (row["line"], row["field"], row["reason"]) == (2, "satellite", "bad_category")
    assert row["value"] == "N\ufffd"


def test_unknown_extra_columns_warn(tmp_path: Path) -> None:
    text = HEADER + ",mystery\n" + GOOD_ROW + ",x\n"
    with pytest.warns(UserWarning, match=r"extra.csv: ignored unknown columns \['mystery'\]"):
        (read,) = read_firms(write(tmp_path, "extra.csv", text))
    assert read.table.num_rows == 1


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_line_numbers_count_blank_lines_with_any_line_ending(tmp_path: Path, end: str) -> None:
    text = end.join(["", HEADER, GOOD_ROW, "", "48.1,37.1,only,four", "", "", GOOD_ROW, ""])
    path = tmp_path / "ends.csv"
    path.write_bytes(text.encode())
    (read,) = read_firms(path)
    assert read.table["source_line"].to_pylist() == [3, 8]
    assert read.quarantine["line"].to_pylist() == [5]
