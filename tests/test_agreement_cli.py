"""`truceline agreement build | locate | show | map` through the real CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from truceline.agreement import load_agreement
from truceline.cli import app
from truceline.cli._common import EXIT_QUARANTINED, run_app

START = "2025-08-11T00:00:00Z"
runner = CliRunner()


def _exit_code(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run the CLI as the console script does (errors mapped to exit codes)."""
    monkeypatch.setattr(sys, "argv", ["truceline", *args])
    with pytest.raises(SystemExit) as done:
        run_app(app)
    return int(done.value.code or 0)


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    """Captured stderr with Rich's line wrapping undone."""
    return " ".join(capsys.readouterr().err.split())


def test_build_writes_gpkg_and_summary(
    shared_data: Path, tmp_path: Path, agreement_gpkg: Path
) -> None:
    out = tmp_path / "agreement.gpkg"
    source = shared_data / "frontline" / "deepstatemap_data_20250811.geojson.gz"
    args = [
        "agreement",
        "build",
        "--occupied",
        str(source),
        "--start",
        START,
        "--out",
        str(out),
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["name"] == "Line of contact from deepstatemap_data_20250811"
    assert payload["start"] == START
    # the CLI builds the same agreement as the API: same content, same version
    assert payload["version"] == load_agreement(agreement_gpkg).version
    assert 1_250 < payload["line"]["length_km"] < 1_600
    assert {z["zone"] for z in payload["zones"]} == {"buffer", "artillery", "mlrs", "long_range"}
    assert payload["files"]["agreement"] == str(out)
    assert any("pocket" in w for w in payload["warnings"])
    assert out.exists() and payload["files"]["map"] is None
    summary = out.with_suffix(".md").read_text()
    assert "## Sectors" in summary and payload["version"] in summary
    assert load_agreement(out).version == payload["version"]


def test_build_with_custom_zone_widths(tmp_path: Path) -> None:
    occupied = tmp_path / "east.geojson"
    occupied.write_text(json.dumps(shapely.geometry.mapping(shapely.box(38.0, 47.6, 41.0, 49.0))))
    out = tmp_path / "minsk.gpkg"
    png = tmp_path / "minsk.png"
    args = [
        "agreement",
        "build",
        "--occupied",
        str(occupied),
        "--out",
        str(out),
        "--map",
        str(png),
        "--artillery-km",
        "25",
        "--mlrs-km",
        "35",
        "--long-range-km",
        "70",
        "--sector-km",
        "60",
        "--name",
        "Minsk II widths",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    agreement = load_agreement(out)
    assert agreement.params.long_range_km == 70 and agreement.params.sector_length_km == 60
    assert agreement.start is None and agreement.name == "Minsk II widths"
    assert "Sectors" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_locate_mixed_case_csv_keeps_input_columns(agreement_gpkg: Path, tmp_path: Path) -> None:
    points = tmp_path / "points.csv"
    points.write_text(
        "Name,Latitude,LONGITUDE,note\n"
        "Kyiv,50.45,30.52,capital\n"
        "Donetsk,48.02,37.80,\n"
        "Zaporizhzhia,47.84,35.14,007\n"
    )
    out = tmp_path / "located.csv"
    args = [
        "agreement",
        "locate",
        "--agreement",
        str(agreement_gpkg),
        str(points),
        "--out",
        str(out),
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == 3 and summary["bad_coordinates"] == 0
    assert summary["by_side"] == {"government": 2, "occupied": 1}
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns[:4]) == ["Name", "Latitude", "LONGITUDE", "note"]
    assert {"zone", "side", "sector", "distance_km", "in_buffer"} <= set(table.columns)
    assert list(table["note"]) == ["capital", "", "007"]  # input text kept verbatim
    assert list(table["side"]) == ["government", "occupied", "government"]
    assert float(table.loc[1, "distance_km"]) > 0 > float(table.loc[2, "distance_km"])


def test_locate_a_firms_file(agreement_gpkg: Path, shared_data: Path, tmp_path: Path) -> None:
    firms = shared_data / "firms_nrt_2025" / "J1_VIIRS_C2_Global_VJ114IMGTDL_NRT_2025223.txt.csv"
    out = tmp_path / "firms.csv"
    args = [
        "agreement",
        "locate",
        "--agreement",
        str(agreement_gpkg),
        str(firms),
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 307 and "frp" in table.columns and "sector" in table.columns
    assert set(table["side"]) <= {"occupied", "government", "outside"}


def test_locate_a_zipped_firms_download(agreement_gpkg: Path, tmp_path: Path) -> None:
    zipped = Path(__file__).parent / "data" / "firms" / "good" / "DL_FIRE_SV-C2_565104.zip"
    out = tmp_path / "zip.csv"
    args = [
        "agreement",
        "locate",
        "--agreement",
        str(agreement_gpkg),
        str(zipped),
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(table) == 5 and "nan" not in set(table.to_numpy().ravel())
    assert {"acq_date", "frp", "zone", "sector"} <= set(table.columns)


def test_locate_bad_rows_exit_8(
    agreement_gpkg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = tmp_path / "bad.csv"
    points.write_text("lat,lon\n48.0,37.0\nnorth,37.0\n95,37\n")
    out = tmp_path / "bad-out.csv"
    code = _exit_code(
        monkeypatch,
        "agreement",
        "locate",
        "--agreement",
        str(agreement_gpkg),
        str(points),
        "--out",
        str(out),
    )
    assert code == EXIT_QUARANTINED
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.loc[0, "side"] in {"occupied", "government"}  # the good row is located
    assert list(table["side"][1:]) == ["", ""]  # the bad rows keep their place, unscored
    assert table.loc[1, "zone"] == "" and table.loc[2, "distance_km"] == ""


def test_locate_without_coordinates_is_refused(
    agreement_gpkg: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    points = tmp_path / "nocoords.csv"
    points.write_text("x,y\n1,2\n")
    code = _exit_code(
        monkeypatch,
        "agreement",
        "locate",
        "--agreement",
        str(agreement_gpkg),
        str(points),
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert code == 3
    assert "nocoords.csv: no latitude column" in _err(capsys)


def test_show_and_map(agreement_gpkg: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["agreement", "show", str(agreement_gpkg), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["version"] == load_agreement(agreement_gpkg).version
    assert len(summary["sectors"]) >= 12
    text = runner.invoke(app, ["agreement", "show", str(agreement_gpkg)])
    assert text.exit_code == 0 and "Sectors" in text.stdout
    png = tmp_path / "m.png"
    drawn = runner.invoke(app, ["agreement", "map", str(agreement_gpkg), "--out", str(png)])
    assert drawn.exit_code == 0, drawn.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--occupied", "missing.geojson"], 3, "missing.geojson: no such file"),
        (["--occupied", "{east}", "--start", "2025-08-11T00:00"], 5, "has no time zone"),
        (["--occupied", "{east}", "--buffer-km", "0"], 5, "ZoneParams.buffer_km must be > 0"),
    ],
)
def test_build_errors_map_to_exit_codes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    east = tmp_path / "east.geojson"
    east.write_text(json.dumps(shapely.geometry.mapping(shapely.box(38.0, 47.6, 41.0, 49.0))))
    monkeypatch.chdir(tmp_path)
    filled = [a.replace("{east}", str(east)) for a in args]
    assert _exit_code(monkeypatch, "agreement", "build", *filled, "--out", "a.gpkg") == code
    assert message in _err(capsys)


def test_show_refuses_a_non_agreement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.gpkg"
    junk.write_text("nope")
    assert _exit_code(monkeypatch, "agreement", "show", str(junk)) == 5
    assert "junk.gpkg: not a GeoPackage" in _err(capsys)
