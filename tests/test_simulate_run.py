"""End to end on the tiny scenario: FIRMS bytes, truth, determinism, read-back by the ingest."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from truceline.cli import app
from truceline.cli._common import run_app
from truceline.errors import InputError
from truceline.evaluate import evaluate_truth
from truceline.sensors.firms import iter_firms, load_detections
from truceline.simulate import load_scenario, simulate
from truceline.simulate.writer import MODIS_COLUMNS, VIIRS_COLUMNS

TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny.yaml"
NAME = re.compile(r"^fire_nrt_(SV-C2|J1V-C2|J2V-C2|M-C61)_2025(223|224)\.csv$")


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    simulate(load_scenario(TINY), out)
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(tiny_run: Path, tmp_path: Path) -> None:
    scenario = load_scenario(TINY)
    simulate(scenario, tmp_path / "again")
    assert _digests(tmp_path / "again") == _digests(tiny_run)
    simulate(scenario, tmp_path / "other", seed=scenario.seed + 1)
    other = _digests(tmp_path / "other")
    firms = [k for k in other if k.startswith("firms/")]
    assert firms and all(other[k] != _digests(tiny_run)[k] for k in firms)


def test_one_file_per_product_and_day_with_nasa_columns(tiny_run: Path) -> None:
    files = sorted(p.name for p in (tiny_run / "firms").iterdir())
    assert len(files) == 8 and all(NAME.match(f) for f in files)
    for name in files:
        lines = (tiny_run / "firms" / name).read_text(encoding="ascii").split("\n")
        modis = "M-C61" in name
        assert lines[0] == ",".join(MODIS_COLUMNS if modis else VIIRS_COLUMNS)
        assert lines[-1] == ""  # newline-terminated
        for line in lines[1:-1]:
            f = line.split(",")
            assert len(f) == 14 and '"' not in line
            assert re.fullmatch(r"-?\d+\.\d{1,5}", f[0]) and re.fullmatch(r"-?\d+\.\d{1,5}", f[1])
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", f[5]) and re.fullmatch(r"\d{4}", f[6])
            assert f[8] == ("MODIS" if modis else "VIIRS")
            assert f[10] == ("6.1NRT" if modis else "2.0NRT")
            assert f[13] in ("D", "N")
            if modis:
                assert f[7] in ("Terra", "Aqua") and 0 <= int(f[9]) <= 100
            else:
                assert f[7] in ("N", "N20", "N21") and f[9] in ("l", "n", "h")


def test_truth_labels_every_firms_row_in_order(tiny_run: Path) -> None:
    truth = pd.read_csv(tiny_run / "truth" / "detections.csv", dtype=str, keep_default_na=False)
    for name in sorted(p.name for p in (tiny_run / "firms").iterdir()):
        firms = pd.read_csv(tiny_run / "firms" / name, dtype=str)
        mine = truth[truth["file"] == name]
        assert len(mine) == len(firms)
        assert mine["line"].astype(int).tolist() == list(range(2, len(firms) + 2))
        for column in ("latitude", "longitude", "acq_date", "acq_time", "satellite"):
            assert mine[column].tolist() == firms[column].tolist()
    war = truth["war_related"] == "True"
    assert war.any() and (~war).any()
    assert set(truth.loc[war, "kind"]) <= {"artillery", "strike", "depot"}
    assert (truth.loc[war, "event_id"] != "").all() and (truth.loc[~war, "event_id"] == "").all()


def test_events_truth_is_consistent(tiny_run: Path) -> None:
    events = pd.read_csv(tiny_run / "truth" / "events.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(tiny_run / "truth" / "detections.csv", dtype=str, keep_default_na=False)
    manifest = json.loads((tiny_run / "truth" / "manifest.json").read_text())
    assert len(events) == manifest["events"]["total"] > 0
    counts = truth[truth["event_id"] != ""].groupby("event_id").size()
    for row in events.itertuples():
        assert int(row.n_detections) == counts.get(row.event_id, 0)
        assert (row.observed == "True") == (int(row.clear_passes) > 0)
        assert int(row.clear_passes) <= int(row.passes_over)
        if int(row.n_detections):
            assert row.observed == "True" and row.first_detection >= row.t_start[:16]
    # the ceasefire starts on day two: only events from then are violations
    assert set(events.loc[events["t_start"] < "2025-08-12", "violation"]) == {"False"}
    assert set(events.loc[events["t_start"] >= "2025-08-12", "violation"]) == {"True"}
    # hand-placed events are there, at their places
    placed = events[events["origin"] == "scenario"]
    assert sorted(placed["kind"]) == ["artillery", "depot"]


def test_manifest_hashes_match_files(tiny_run: Path) -> None:
    manifest = json.loads((tiny_run / "truth" / "manifest.json").read_text())
    for entry in manifest["firms_files"]:
        data = (tiny_run / "firms" / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["rows"] == data.count(b"\n") - 1
    assert manifest["seed"] == 7 and manifest["scenario"] == "tiny"


def test_ingest_reads_every_row_without_quarantine(tiny_run: Path) -> None:
    reads = list(iter_firms([tiny_run / "firms"]))
    assert len(reads) == 8
    assert sum(r.quarantine.num_rows for r in reads) == 0
    rows = sum(r.table.num_rows for r in reads)
    truth = pd.read_csv(tiny_run / "truth" / "detections.csv", dtype=str)
    assert rows == len(truth)
    table = pd.concat([r.table.to_pandas() for r in reads])
    assert set(table["satellite"]) <= {"S-NPP", "NOAA-20", "NOAA-21", "Terra", "Aqua"}
    assert set(table["product"]) == {"NRT"}
    assert table["id"].is_unique


def test_positions_are_noisy_by_about_a_pixel(tiny_run: Path) -> None:
    truth = pd.read_csv(tiny_run / "truth" / "detections.csv")
    dlat = (truth["latitude"] - truth["fire_latitude"]) * 111.32
    dlon = (
        (truth["longitude"] - truth["fire_longitude"])
        * 111.32
        * np.cos(np.radians(truth["latitude"]))
    )
    offset = np.hypot(dlat, dlon)
    viirs = truth["instrument"] == "VIIRS"
    assert 0 < offset[viirs].median() < 0.4 and offset[viirs].max() < 1.0
    assert offset[~viirs].median() < 2.0 and offset[~viirs].max() < 4.0


def test_refuses_a_used_output_folder(tiny_run: Path) -> None:
    with pytest.raises(InputError, match="not empty"):
        simulate(load_scenario(TINY), tiny_run)


def test_volume_factor_scales_background(tmp_path: Path) -> None:
    scenario = load_scenario(TINY, end="2025-08-11", activity={}, events=[], ceasefire=None)
    one = simulate(scenario, tmp_path / "x1")
    big = scenario.model_copy(
        update={"background": scenario.background.model_copy(update={"volume_factor": 5.0})}
    )
    five = simulate(big, tmp_path / "x5")
    assert 3.0 < five.detections / one.detections < 7.0


def _exit_code(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run the CLI as the console script does (errors mapped to exit codes)."""
    monkeypatch.setattr(sys, "argv", ["truceline", *args])
    with pytest.raises(SystemExit) as done:
        run_app(app)
    return int(done.value.code or 0)


def test_cli_simulate_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", str(TINY), "--seed", "3", "--out", str(tmp_path), "--json"]
    with pytest.warns(UserWarning, match="outside the simulated days"):
        result = CliRunner().invoke(app, [*args, "--end", "2025-08-11"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["days"] == 1 and summary["files"] == 4
    capsys.readouterr()
    assert _exit_code(monkeypatch, *args) == 3
    assert "not empty" in capsys.readouterr().err


def test_cli_simulate_names_the_bad_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY.read_text().replace("mean_cover: 0.3", "mean_cover: 3"), encoding="utf-8")
    assert _exit_code(monkeypatch, "simulate", str(bad), "--out", str(tmp_path / "o")) == 3
    err = capsys.readouterr().err
    assert "ScenarioError" in err and "clouds.mean_cover" in err and "bad.yaml" in err


def test_shorter_run_gives_the_same_first_day(tiny_run: Path, tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="outside the simulated days"):
        simulate(load_scenario(TINY, end="2025-08-11"), tmp_path)
    for path in (tmp_path / "firms").iterdir():
        assert path.read_bytes() == (tiny_run / "firms" / path.name).read_bytes()


def test_perfect_scores_evaluate_to_one(tiny_run: Path) -> None:
    table = load_detections([tiny_run / "firms"]).to_pandas()
    truth = pd.read_csv(tiny_run / "truth" / "detections.csv", dtype=str)
    key = truth["file"] + ":" + truth["line"]
    war = dict(zip(key, truth["war_related"] == "True", strict=True))
    table["war_related"] = [
        war[f"{f}:{n}"] for f, n in zip(table["source_file"], table["source_line"], strict=True)
    ]
    result = evaluate_truth(tiny_run / "truth", table)
    assert result.matching["matched"] == len(truth)
    assert result.detections.precision == 1.0 and result.detections.recall == 1.0
    table["war_related"] = False
    assert evaluate_truth(tiny_run / "truth", table).detections.recall == 0.0


def test_truth_distance_to_line_is_within_50_m(tiny_run: Path) -> None:
    from truceline.simulate.geometry import load_frontline

    scenario = load_scenario(TINY)
    assert scenario.line is not None
    line = load_frontline(scenario.line, scenario.base_dir)
    truth = pd.read_csv(tiny_run / "truth" / "detections.csv")
    exact = line.distance_km(truth["longitude"].to_numpy(), truth["latitude"].to_numpy())
    assert np.abs(truth["line_distance_km"].to_numpy() - exact).max() < 0.051
    artillery = truth["kind"] == "artillery"
    assert truth.loc[artillery, "line_distance_km"].max() < 5.0 + 1.0  # depth limit + a pixel


def test_scored_firms_layout_matches_its_truth_rows(tiny_run: Path, tmp_path: Path) -> None:
    """`truceline detect` keeps the FIRMS columns: rows match on what FIRMS printed."""
    name = "fire_nrt_J1V-C2_2025223.csv"
    scored = pd.read_csv(tiny_run / "firms" / name, dtype=str).assign(war_related="false")
    scored.to_csv(tmp_path / "scored.csv", index=False)
    result = evaluate_truth(tiny_run / "truth", tmp_path / "scored.csv")
    truth = pd.read_csv(tiny_run / "truth" / "detections.csv", dtype=str)
    assert result.matching["matched"] == len(scored) == (truth["file"] == name).sum()
    assert result.matching["truth_not_in_scored"] == len(truth) - len(scored)
