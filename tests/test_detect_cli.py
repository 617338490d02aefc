"""The ``truceline baseline`` and ``truceline detect`` command-line contracts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from truceline.baseline import fit_baseline
from truceline.cli import app

runner = CliRunner()
YEARS = (2014, 2015, 2016)
SCORES = ["expected", "excess_score", "war_probability", "war_related"]


def _history(year: int, seed: int) -> pd.DataFrame:
    """Seasonal scattered fires over 30-32 E, 48-50 N (the same process every year)."""
    rng = np.random.default_rng(seed)
    doy = rng.integers(0, 365, 1500)
    keep = rng.random(1500) < 0.3 + 0.7 * np.exp(-(((doy - 200) / 30.0) ** 2))
    n = int(keep.sum())
    return pd.DataFrame(
        {
            "lat": 48.0 + rng.random(n) * 2.0,
            "lon": 30.0 + rng.random(n) * 2.0,
            "acq_date": np.datetime64(f"{year}-01-01") + doy[keep],
        }
    )


@pytest.fixture(scope="module")
def baseline_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    history = pd.concat([_history(y, y) for y in YEARS], ignore_index=True)
    path = tmp_path_factory.mktemp("baseline") / "synthetic.npz"
    return fit_baseline(history, years=YEARS).save(path)


def _read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def _detect(inputs: Path, baseline: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["detect", str(inputs), "--baseline", str(baseline), "--out", str(out), *extra]
    )
    return result.exit_code, result.stdout, result.stderr


REDUCED = """LATITUDE,LONGITUDE,ACQ_DATE
49.0500,31.0500,2019-07-01
48.512345,30.90,2019-07-01
49.3,31.7,2019-07-02
49.0510,31.0490,2019-07-02
"""


def test_reduced_form_keeps_rows_order_and_text(baseline_file: Path, tmp_path: Path) -> None:
    source = tmp_path / "reduced.csv"
    source.write_text(REDUCED)
    out = tmp_path / "out.csv"
    code, stdout, _ = _detect(source, baseline_file, out, "--json")
    assert code == 0
    rows = _read_rows(out)
    assert rows[0] == ["LATITUDE", "LONGITUDE", "ACQ_DATE", *SCORES]
    original = _read_rows(source)
    assert [r[:3] for r in rows[1:]] == original[1:]  # same text, same order ("49.0500" kept)
    for row in rows[1:]:
        assert 0.0 <= float(row[5]) <= 1.0
        assert row[6] in {"true", "false"}
        assert float(row[3]) >= 0.0
    summary = json.loads(stdout)
    assert summary["rows"] == 4 and summary["scored"] == 4 and summary["quarantined"] == 0


def test_acq_time_form(baseline_file: Path, tmp_path: Path) -> None:
    source = tmp_path / "with_time.csv"
    source.write_text(
        "LATITUDE,LONGITUDE,ACQ_DATE,ACQ_TIME\n"
        "49.05,31.05,2019-07-01,0130\n"
        "49.06,31.04,2019-07-01,1142\n"
    )
    out = tmp_path / "out.csv"
    code, _, _ = _detect(source, baseline_file, out)
    assert code == 0
    rows = _read_rows(out)
    assert rows[0] == ["LATITUDE", "LONGITUDE", "ACQ_DATE", "ACQ_TIME", *SCORES]
    assert [r[3] for r in rows[1:]] == ["0130", "1142"]


def test_quarantined_rows_keep_their_place_and_exit_8(baseline_file: Path, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        "LATITUDE,LONGITUDE,ACQ_DATE\n"
        "49.05,31.05,2019-07-01\n"
        "abc,31.05,2019-07-01\n"
        "49.05,31.05,2019-07-01,extra\n"
        "49.15,31.15,2019-07-02\n"
    )
    out = tmp_path / "out.csv"
    code, stdout, stderr = _detect(source, baseline_file, out)
    assert code == 8
    rows = _read_rows(out)
    assert len(rows) == 5  # header + one row per input data row
    assert rows[2][:3] == ["abc", "31.05", "2019-07-01"]
    assert rows[2][3:] == ["", "", "", ""]
    assert rows[3][:3] == ["49.05", "31.05", "2019-07-01"]  # wrong field count: back in place
    assert rows[3][3:] == ["", "", "", ""]
    assert rows[1][3] != "" and rows[4][3] != ""
    assert "bad.csv:3" in stderr and "abc" in stderr
    assert "bad.csv:4" in stderr
    assert "2 scored" in stdout or "2 scored" in stdout.replace(",", "")


def test_real_nrt_rows_keep_every_column(
    baseline_file: Path, tmp_path: Path, shared_data: Path
) -> None:
    real = sorted((shared_data / "firms_nrt_2025").glob("*.csv"))[0]
    lines = real.read_text().splitlines()[:31]
    source = tmp_path / real.name
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    code, _, _ = _detect(source, baseline_file, out)
    assert code == 0
    rows = _read_rows(out)
    header = lines[0].split(",")
    assert rows[0] == [*header, *SCORES]
    assert [r[: len(header)] for r in rows[1:]] == [line.split(",") for line in lines[1:]]


def test_detect_refuses_a_non_firms_file(baseline_file: Path, tmp_path: Path) -> None:
    source = tmp_path / "notes.csv"
    source.write_text("name,value\na,1\n")
    code, _, stderr = _detect(source, baseline_file, tmp_path / "out.csv")
    assert code == 3
    assert "notes.csv" in stderr


def test_detect_refuses_a_missing_baseline(tmp_path: Path) -> None:
    source = tmp_path / "reduced.csv"
    source.write_text(REDUCED)
    code, _, stderr = _detect(source, tmp_path / "none.npz", tmp_path / "out.csv")
    assert code == 6
    assert "none.npz" in stderr


def test_baseline_fit_and_show(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    folder.mkdir()
    for year in YEARS:
        frame = _history(year, year + 10)
        text = pd.DataFrame(
            {
                "LATITUDE": frame["lat"].round(5),
                "LONGITUDE": frame["lon"].round(5),
                "ACQ_DATE": pd.to_datetime(frame["acq_date"]).dt.strftime("%Y-%m-%d"),
            }
        )
        text.to_csv(folder / f"fires_{year}.csv", index=False)
    out = tmp_path / "b.npz"
    result = runner.invoke(
        app, ["baseline", "fit", str(folder), "--years", "2014-2016", "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["fit_years"] == [2014, 2015, 2016]
    assert len(summary["data_sha256"]) == 64
    assert len(summary["source_sha256"]) == 3
    assert out.exists()
    shown = runner.invoke(app, ["baseline", "show", str(out), "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["data_sha256"] == summary["data_sha256"]
    table = runner.invoke(app, ["baseline", "show", str(out)])
    assert table.exit_code == 0 and "2016" in table.stdout


def test_baseline_fit_needs_inputs_or_archive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["baseline", "fit", "--years", "2014-2016", "--out", "x.npz"])
    assert result.exit_code == 3
    assert "--archive" in result.stderr


def test_baseline_fit_bad_years(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(REDUCED)
    result = runner.invoke(
        app, ["baseline", "fit", str(tmp_path / "a.csv"), "--years", "20x4", "--out", "x.npz"]
    )
    assert result.exit_code == 3
    assert "20x4" in result.stderr


def test_baseline_fit_from_an_archive(tmp_path: Path) -> None:
    from truceline.store import Archive

    folder = tmp_path / "history"
    folder.mkdir()
    for year in YEARS:
        frame = _history(year, year + 20)
        pd.DataFrame(
            {
                "LATITUDE": frame["lat"].round(5),
                "LONGITUDE": frame["lon"].round(5),
                "ACQ_DATE": pd.to_datetime(frame["acq_date"]).dt.strftime("%Y-%m-%d"),
            }
        ).to_csv(folder / f"fires_{year}.csv", index=False)
    archive = tmp_path / "archive"
    Archive(archive).ingest([folder])
    out = tmp_path / "from-archive.npz"
    result = runner.invoke(
        app,
        [
            "baseline",
            "fit",
            "--archive",
            str(archive),
            "--years",
            "2014-2016",
            "--out",
            str(out),
            "--json",
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["fit_years"] == [2014, 2015, 2016]
