"""Plan output files: CSV tables, JSON without NaN, PNG chart."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from test_force_support import EXACT, contributor, pledge, scenario
from truceline.force import plan
from truceline.force.report import plan_to_dict, write_plan


def test_written_files_round_trip(tmp_path: Path) -> None:
    result = plan(
        scenario(
            contributors=[
                {
                    "name": "UK",
                    "army": 9000,
                    "other_services": 3000,
                    "sustainable_share_abroad": 0.5,
                    "pledges": [pledge(max_troops=2000)],
                },
                contributor("DE", 3000, 1.0, pledge(where=["neighbour_nato"], max_troops=500)),
            ]
        ),
        EXACT,
    )
    written = write_plan(result, tmp_path)
    assignment = pd.read_csv(written["assignment"])
    assert set(assignment.columns) >= {
        "contributor",
        "pledge",
        "sector",
        "role",
        "location",
        "troops",
    }
    assert assignment["troops"].sum() == result.headline["deployed_abroad"]
    by_sector = pd.read_csv(written["by_sector"])
    assert list(by_sector["sector"]) == ["A", "B"]
    text = written["json"].read_text(encoding="utf-8")
    assert "NaN" not in text  # DE has no other_services: null, not NaN
    payload = json.loads(text)
    assert payload == json.loads(json.dumps(plan_to_dict(result), default=str))
    assert payload["contributors"][1]["other_services"] is None
    assert written["chart"].read_bytes()[:4] == b"\x89PNG"
    assert pd.read_csv(written["sensitivity"])["closed"].iloc[0] > 0
