"""The evaluator on hand-made truth folders, scored tables and incidents with known answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from truceline.cli import app
from truceline.cli._common import run_app
from truceline.errors import TruthFileError
from truceline.evaluate import evaluate_labelled, evaluate_truth, read_incidents

# Six FIRMS rows: three war-related (artillery, strike), three not.
TRUTH_ROWS = [
    # latitude, longitude, acq_date, acq_time, satellite, name, war, kind, event, distance
    (
        "48.10001",
        "37.50002",
        "2025-08-11",
        "1022",
        "N20",
        "NOAA-20",
        True,
        "artillery",
        "E000001",
        "1.2",
    ),
    (
        "48.10311",
        "37.50555",
        "2025-08-11",
        "1022",
        "N20",
        "NOAA-20",
        True,
        "artillery",
        "E000001",
        "1.9",
    ),
    ("48.70000", "36.00000", "2025-08-11", "1105", "N", "S-NPP", True, "strike", "E000002", "80.5"),
    (
        "49.00000",
        "33.00000",
        "2025-08-11",
        "1022",
        "N20",
        "NOAA-20",
        False,
        "background",
        "",
        "300.0",
    ),
    (
        "47.87000",
        "35.16400",
        "2025-09-01",
        "0830",
        "Terra",
        "Terra",
        False,
        "industrial",
        "",
        "75.0",
    ),
    (
        "48.30000",
        "37.90000",
        "2025-09-01",
        "0045",
        "N21",
        "NOAA-21",
        False,
        "background",
        "",
        "3.0",
    ),
]


def _square(lon: float, lat: float, half: float = 0.01) -> str:
    return shapely.box(lon - half, lat - half, lon + half, lat + half).wkt


def _truth(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"scenario": "hand-made", "seed": 0}))
    header = "file,line,latitude,longitude,acq_date,acq_time,satellite,satellite_name,instrument,"
    header += "war_related,kind,event_id,pass_id,line_distance_km,fire_longitude,fire_latitude"
    lines = [header]
    for i, (lat, lon, d, t, sat, name, war, kind, event, dist) in enumerate(TRUTH_ROWS):
        inst = "MODIS" if name == "Terra" else "VIIRS"
        fields = [lat, lon, d, t, sat, name, inst, war, kind, event, "p", dist, lon, lat]
        lines.append(f"f.csv,{i + 2}," + ",".join(str(f) for f in fields))
    (folder / "detections.csv").write_text("\n".join(lines) + "\n")
    events = pd.DataFrame(
        {
            "event_id": ["E000001", "E000002", "E000003"],
            "kind": ["artillery", "strike", "depot"],
            "t_start": ["2025-08-11T08:00:00Z", "2025-08-11T10:50:00Z", "2025-08-20T00:00:00Z"],
            "t_end": ["2025-08-11T14:00:00Z", "2025-08-11T13:00:00Z", "2025-08-21T00:00:00Z"],
            "violation": [False, False, True],
            "observed": [True, True, False],
            "footprint": [_square(37.5, 48.1), _square(36.0, 48.7), _square(34.0, 47.0)],
        }
    )
    events.to_csv(folder / "events.csv", index=False)
    return folder


def _scored(predicted: list[bool], extra_row: bool = False) -> pd.DataFrame:
    rows = []
    for (lat, lon, d, t, _sat, name, *_), flag in zip(TRUTH_ROWS, predicted, strict=True):
        stamp = pd.Timestamp(f"{d} {t[:2]}:{t[2:]}", tz="UTC")
        rows.append(
            {
                "lat": float(lat),
                "lon": float(lon),
                "acq_time": stamp,
                "satellite": name,
                "war_related": flag,
            }
        )
    if extra_row:
        rows.append(
            {
                "lat": 1.0,
                "lon": 1.0,
                "acq_time": pd.Timestamp("2025-08-11", tz="UTC"),
                "satellite": "Aqua",
                "war_related": True,
            }
        )
    return pd.DataFrame(rows).iloc[::-1].reset_index(drop=True)  # order must not matter


def _incidents() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "incident_id": ["I1", "I2", "I3"],
            "t_start": pd.to_datetime(
                ["2025-08-11T10:00Z", "2025-08-11T10:00Z", "2025-08-15T10:00Z"], utc=True
            ),
            "t_end": pd.to_datetime(
                ["2025-08-11T12:00Z", "2025-08-11T11:00Z", "2025-08-15T11:00Z"], utc=True
            ),
        },
        geometry=[
            shapely.from_wkt(_square(37.51, 48.11, 0.002)),  # overlaps E1, 2 h after its start
            shapely.from_wkt(_square(30.0, 50.0, 0.002)),  # nowhere near an event
            shapely.from_wkt(_square(37.5, 48.1, 0.002)),  # on E1's place, days later
        ],
        crs="EPSG:4326",
    )


def test_detection_metrics_on_known_case(tmp_path: Path) -> None:
    truth = _truth(tmp_path / "truth")
    # flagged: rows 0, 2 (war, tp), 3 (not war, fp); row 1 war missed (fn); rows 4, 5 tn
    with pytest.warns(UserWarning, match="1 scored row"):
        result = evaluate_truth(
            truth, _scored([True, False, True, True, False, False], extra_row=True)
        )
    d = result.detections
    assert (d.tp, d.fp, d.fn, d.tn) == (2, 1, 1, 2)
    assert d.precision == pytest.approx(2 / 3) and d.recall == pytest.approx(2 / 3)
    assert result.matching == {
        "scored_rows": 7,
        "truth_rows": 6,
        "matched": 6,
        "scored_not_in_truth": 1,
        "truth_not_in_scored": 0,
    }
    months = {r["month"]: r for r in result.by_month}
    assert months["2025-08"]["tp"] == 2 and months["2025-09"]["tn"] == 2
    bands = {r["band"]: r for r in result.by_distance or []}
    assert bands["0-5 km"]["n"] == 3 and bands["0-5 km"]["fn"] == 1 and bands[">100 km"]["fp"] == 1
    kinds = {r["kind"]: r for r in result.by_kind}
    assert kinds["artillery"]["share_flagged"] == 0.5 and kinds["industrial"]["flagged"] == 0


def test_incident_recall_precision_and_delay(tmp_path: Path) -> None:
    truth = _truth(tmp_path / "truth")
    result = evaluate_truth(truth, _scored([False] * 6), _incidents())
    inc = result.incidents
    assert inc is not None
    assert (
        inc["incidents"] == 3
        and inc["true_incidents"] == 1
        and inc["precision"] == pytest.approx(1 / 3)
    )
    assert inc["events"]["all"]["found"] == 1 and inc["events"]["all"]["recall"] == pytest.approx(
        1 / 3
    )
    assert (
        inc["events"]["observed"]["recall"] == 0.5
        and inc["events"]["not_observed"]["recall"] == 0.0
    )
    assert inc["events"]["all"]["delay_median_hours"] == pytest.approx(2.0)
    assert inc["events"]["violations"]["events"] == 1 and inc["events"]["violations"]["found"] == 0
    assert (
        inc["by_kind"]["artillery"]["recall"] == 1.0 and inc["by_kind"]["strike"]["recall"] == 0.0
    )
    # zero-division: no positives predicted at all
    assert result.detections.precision is None and result.detections.recall == 0.0


def test_no_events_and_no_incidents(tmp_path: Path) -> None:
    truth = _truth(tmp_path / "truth")
    events = pd.read_csv(truth / "events.csv").iloc[0:0]
    events.to_csv(truth / "events.csv", index=False)
    result = evaluate_truth(truth, _scored([False] * 6), _incidents())
    assert result.incidents is not None
    assert result.incidents["events"]["all"] == {
        "events": 0,
        "found": 0,
        "recall": None,
        "delay_median_hours": None,
        "delay_p90_hours": None,
    }
    assert result.incidents["precision"] == 0.0
    empty = _incidents().iloc[0:0]
    none = evaluate_truth(truth, _scored([False] * 6), empty).incidents
    assert none is not None and none["precision"] is None


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".gpkg", ".parquet"])
def test_incident_files_in_every_format(tmp_path: Path, suffix: str) -> None:
    truth = _truth(tmp_path / "truth")
    path = tmp_path / f"incidents{suffix}"
    frame = _incidents()
    if suffix == ".csv":
        out = pd.DataFrame(frame.drop(columns="geometry"))
        out["t_start"] = out["t_start"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        out["t_end"] = out["t_end"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        out["geometry"] = frame.geometry.to_wkt()
        out.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_file(path)
    assert len(read_incidents(path)) == 3
    result = evaluate_truth(truth, _scored([False] * 6), path)
    assert result.incidents is not None and result.incidents["true_incidents"] == 1


def test_an_empty_incident_file_means_no_incidents(tmp_path: Path) -> None:
    truth = _truth(tmp_path / "truth")
    path = tmp_path / "none.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    result = evaluate_truth(truth, _scored([False] * 6), path)
    assert result.incidents is not None
    assert result.incidents["incidents"] == 0 and result.incidents["events"]["all"]["found"] == 0


def test_bad_inputs_name_file_and_column(tmp_path: Path) -> None:
    truth = _truth(tmp_path / "truth")
    scored = _scored([False] * 6).drop(columns="war_related")
    with pytest.raises(TruthFileError, match="war_related"):
        evaluate_truth(truth, scored)
    bad = _scored([False] * 6).astype({"war_related": object})
    bad.loc[2, "war_related"] = "maybe"
    with pytest.raises(TruthFileError, match=r"'war_related' row 3: 'maybe'"):
        evaluate_truth(truth, bad)
    far = _scored([False] * 6).assign(lat=0.0)
    with pytest.raises(TruthFileError, match="no row matches the truth"):
        evaluate_truth(truth, far)
    with pytest.raises(TruthFileError, match="not a truth folder"):
        evaluate_truth(tmp_path / "nowhere.txt", _scored([False] * 6))
    (tmp_path / "inc.csv").write_text("incident_id,t_start\nI1,2025-08-11\n")
    with pytest.raises(TruthFileError, match=r"inc.csv.*geometry"):
        evaluate_truth(truth, _scored([False] * 6), tmp_path / "inc.csv")


class _FakeAgreement:
    name = "fake"

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"distance_km": (np.asarray(lon) - 37.0) * 10})


def test_labelled_table_by_month_and_distance(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "lon": [37.0, 37.3, 38.0, 40.0],
            "lat": [48.0] * 4,
            "acq_date": ["2025-08-11", "2025-08-30", "2025-09-02", "2025-09-03"],
            "war_related": ["true", "false", "1", "0"],
            "label": [True, True, False, False],
        }
    )
    path = tmp_path / "labelled.csv"
    table.to_csv(path, index=False)
    result = evaluate_labelled(path, "label", _FakeAgreement())  # duck-typed: only locate()
    assert (
        result.detections.tp,
        result.detections.fp,
        result.detections.fn,
        result.detections.tn,
    ) == (1, 1, 1, 1)
    assert [r["month"] for r in result.by_month] == ["2025-08", "2025-09"]
    bands = [r["band"] for r in result.by_distance or []]
    assert bands == ["0-5 km", "5-20 km", ">100 km"] or bands == ["0-5 km", "5-20 km", "20-50 km"]
    no_distance = evaluate_labelled(table, "label")
    assert no_distance.by_distance is None
    with pytest.raises(TruthFileError, match=r"lacks column\(s\) \['truth'\]"):
        evaluate_labelled(table, "truth")


def _exit_code(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["truceline", *args])
    with pytest.raises(SystemExit) as done:
        run_app(app)
    return int(done.value.code or 0)


def test_cli_evaluate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    truth = _truth(tmp_path / "truth")
    scored = _scored([True, False, True, True, False, False])
    scored["acq_time"] = scored["acq_time"].dt.strftime("%Y-%m-%d %H:%M:%S+00:00")
    scored.to_csv(tmp_path / "scored.csv", index=False)
    _incidents().to_file(tmp_path / "incidents.geojson")
    args = ["evaluate", "--truth", str(truth), "--scored", str(tmp_path / "scored.csv")]
    result = CliRunner().invoke(
        app, [*args, "--incidents", str(tmp_path / "incidents.geojson"), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["detections"]["tp"] == 2 and payload["incidents"]["true_incidents"] == 1
    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0 and "precision" in table.stdout and "By month" in table.stdout
    assert _exit_code(monkeypatch, "evaluate", "--scored", str(tmp_path / "scored.csv")) == 2
    code = _exit_code(
        monkeypatch, "evaluate", "--scored", str(tmp_path / "scored.csv"), "--label-column", "x"
    )
    assert code == 3 and "TruthFileError" in capsys.readouterr().err
