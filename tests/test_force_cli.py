"""`truceline plan` and `truceline plan compare` through the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from test_force_support import contributor, pledge, tiny
from truceline.cli import app, main
from truceline.force import shipped_scenarios

runner = CliRunner()


def _tiny_file(tmp_path: Path, **overrides: object) -> Path:
    raw = tiny(contributors=[contributor("X", 9000, 0.5, pledge(max_troops=2000))], **overrides)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_plan_without_a_file_runs_the_shipped_default(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", "--no-sensitivity", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Paris summit, January 2026" in result.output
    assert "By sector" in result.output and "By contributor" in result.output
    names = {p.name for p in out.iterdir()}
    assert {"plan.json", "plan.png", "assignment.csv", "by_sector.csv", "contributors.csv"} <= names
    assert (out / "plan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plan_file_json_has_the_contract_keys(tmp_path: Path) -> None:
    path = _tiny_file(tmp_path)
    result = runner.invoke(app, ["plan", str(path), "--json", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["required"] == 2000
    assert payload["sustainable"] == 1500
    assert payload["shortfall"] == 500
    for key in ("assignment", "by_sector", "by_role", "sensitivity", "contributors", "pledges"):
        assert isinstance(payload[key], list)
    assert payload["sensitivity"][0]["closed"] >= 0
    saved = json.loads((tmp_path / "o" / "plan.json").read_text(encoding="utf-8"))
    assert saved["shortfall"] == 500


def test_plan_run_is_the_same_command(tmp_path: Path) -> None:
    path = _tiny_file(tmp_path)
    args = ["plan", "run", str(path), "--json", "--no-sensitivity", "--out", str(tmp_path / "o")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sensitivity"] == []


def test_compare_files_side_by_side(tmp_path: Path) -> None:
    first = _tiny_file(tmp_path)
    second = tmp_path / "second.yaml"
    second.write_text(yaml.safe_dump({"extends": "tiny.yaml", "name": "1:4", "rotation": 4}))
    result = runner.invoke(app, ["plan", "compare", str(first), str(second), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["scenarios"]
    assert [r["scenario"] for r in rows] == ["tiny", "1:4"]
    assert rows[0]["sustainable"] == 1500 and rows[1]["sustainable"] == 1120
    table = runner.invoke(
        app, ["plan", "compare", str(first), str(second), "--out", str(tmp_path / "c")]
    )
    assert table.exit_code == 0 and "side by side" in table.output
    assert (tmp_path / "c" / "comparison.png").exists()


def test_compare_defaults_to_the_shipped_variants() -> None:
    result = runner.invoke(app, ["plan", "compare", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["scenarios"]
    assert [r["required"] for r in rows] == [50_000, 100_000, 50_000, 50_000]
    assert rows[3]["rotation"] == 4
    listed = runner.invoke(
        app, ["plan", "compare", str(shipped_scenarios()["paris-2026-comparison"]), "--json"]
    )
    again = json.loads(listed.stdout)["scenarios"]
    assert [r["shortfall"] for r in again] == [r["shortfall"] for r in rows]


def _exit(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["truceline", *args])
    with pytest.raises(SystemExit) as done:
        main()
    return int(done.value.code or 0)


def test_bad_scenario_exits_3_naming_file_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _tiny_file(tmp_path, horizon_months=-1)
    assert _exit(monkeypatch, "plan", str(path), "--out", str(tmp_path / "o")) == 3
    err = capsys.readouterr().err
    assert "PlanInputError" in err and "tiny.yaml" in err and "horizon_months" in err


def test_infeasible_plan_exits_7(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tiny(contributors=[contributor("X", 900, 0.5, pledge(min_troops=1000))])
    path = tmp_path / "floor.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert _exit(monkeypatch, "plan", str(path), "--out", str(tmp_path / "o")) == 7
    assert "InfeasiblePlanError" in capsys.readouterr().err
