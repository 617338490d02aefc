"""Coverage: a sector-day is 'quiet' only after a usable pass; states follow their precedence."""

from __future__ import annotations

from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.coverage import (
    COVERAGE_COLUMNS,
    COVERAGE_STATES,
    CoverageParams,
    incident_days,
    observation_extents,
    sector_days,
)

D0 = date(2025, 8, 11)


def _sectors(n: int = 3) -> gpd.GeoDataFrame:
    # three 1-degree boxes side by side along 48 N
    return gpd.GeoDataFrame(
        {"sector_id": [f"S{i}" for i in range(n)]},
        geometry=[shapely.box(35 + i, 47.5, 36 + i, 48.5) for i in range(n)],
        crs="EPSG:4326",
    )


def _obs(rows: list[tuple[date, tuple[float, float, float, float]]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "acq_date": [d for d, _ in rows],
            "satellite": "NOAA-20",
            "daynight": "D",
            "west": [b[0] for _, b in rows],
            "south": [b[1] for _, b in rows],
            "east": [b[2] for _, b in rows],
            "north": [b[3] for _, b in rows],
        }
    )


def _incidents(rows: list[tuple[str, str, date, bool, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": [r[0] for r in rows],
            "sector": [r[1] for r in rows],
            "t_start": pd.to_datetime([r[2] for r in rows], utc=True),
            "t_end": pd.to_datetime([r[2] for r in rows], utc=True),
            "is_violation": [r[3] for r in rows],
            "probability": [r[4] for r in rows],
            "detection_ids": [[r[0] + "-d"] for r in rows],
        }
    )


EMPTY = _incidents([])


def test_no_pass_is_not_observed_never_quiet() -> None:
    table = sector_days(_sectors(), [D0], _obs([]), EMPTY)
    assert list(table.columns) == list(COVERAGE_COLUMNS)
    assert set(table["state"]) == {"not_observed"}
    assert not table["usable"].any()


def test_pass_extent_decides_which_sectors_were_seen() -> None:
    obs = _obs([(D0, (34.5, 47.0, 36.5, 49.0))])  # reaches S0 and S1, not S2
    table = sector_days(_sectors(), [D0, D0 + timedelta(days=1)], obs, EMPTY).set_index(
        ["sector", "date"]
    )
    # A pass without known cloud cover proves a look was possible, not that it saw the ground.
    assert table.loc[("S0", D0), "state"] == "unverified"
    assert table.loc[("S1", D0), "state"] == "unverified"
    assert table.loc[("S2", D0), "state"] == "not_observed"
    assert table.loc[("S0", D0 + timedelta(days=1)), "state"] == "not_observed"
    assert table.loc[("S0", D0), "reason"] == "pass, nothing found, cloud unknown"


def test_observation_without_extent_covers_the_world() -> None:
    obs = pd.DataFrame({"acq_date": [D0], "satellite": ["NOAA-20"], "daynight": ["N"]})
    assert observation_extents(obs)["extent"].iloc[0].equals(shapely.box(-180, -90, 180, 90))
    table = sector_days(_sectors(), [D0], obs, EMPTY)
    assert set(table["state"]) == {"unverified"}


def test_cloud_makes_a_pass_unusable_or_partial() -> None:
    obs = _obs([(D0, (30, 40, 45, 55))])
    clouds = pd.DataFrame(
        {"sector": ["S0", "S1", "S2"], "date": [D0] * 3, "cloud_cover": [90, 60, 10]}
    )
    table = sector_days(_sectors(), [D0], obs, EMPTY, clouds=clouds).set_index("sector")
    assert table.loc["S0", "state"] == "not_observed" and "cloud 90%" in table.loc["S0", "reason"]
    assert table.loc["S1", "state"] == "partial"
    assert table.loc["S2", "state"] == "quiet"
    params = CoverageParams(cloudy_pct=95.0, partial_pct=95.0)
    relaxed = sector_days(_sectors(), [D0], obs, EMPTY, clouds=clouds, params=params)
    assert set(relaxed["state"]) == {"quiet"}


def test_incidents_take_precedence_and_count_per_day() -> None:
    incidents = _incidents(
        [("a", "S0", D0, True, 0.9), ("b", "S0", D0, False, 0.3), ("c", "S1", D0, False, np.nan)]
    )
    table = sector_days(_sectors(), [D0], _obs([]), incidents).set_index("sector")
    assert table.loc["S0", "state"] == "violations"
    assert table.loc["S0", "n_incidents"] == 2 and table.loc["S0", "n_violations"] == 1
    assert table.loc["S0", "max_probability"] == 0.9
    assert table.loc["S1", "state"] == "activity"  # pre-start activity: not a violation
    assert table.loc["S2", "state"] == "not_observed"


def test_incident_days_from_members_or_from_span() -> None:
    inc = _incidents([("a", "S0", D0, True, 0.9)])
    inc["t_end"] = pd.Timestamp(D0 + timedelta(days=2), tz="UTC")
    assert len(incident_days(inc)) == 3
    inc["detection_ids"] = [["x", "y"]]
    det = pd.DataFrame({"id": ["x", "y"], "acq_date": [D0, D0 + timedelta(days=2)]})
    assert sorted(incident_days(inc, det)["date"]) == [D0, D0 + timedelta(days=2)]


boxes = st.tuples(st.floats(30, 40), st.floats(44, 52), st.floats(0.01, 6), st.floats(0.01, 4)).map(
    lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3])
)


@settings(max_examples=60, deadline=None)
@given(
    obs=st.lists(st.tuples(st.integers(0, 4), boxes), max_size=6),
    inc=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 4), st.booleans(), st.floats(0, 1)),
        max_size=4,
    ),
    cloud=st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=15, max_size=15),
)
def test_never_quiet_without_a_usable_pass(obs, inc, cloud) -> None:
    days = [D0 + timedelta(days=i) for i in range(5)]
    observations = _obs([(days[d], b) for d, b in obs])
    incidents = _incidents(
        [(f"i{k}", f"S{s}", days[d], v, p) for k, (s, d, v, p) in enumerate(inc)]
    )
    clouds = pd.DataFrame(
        {
            "sector": [f"S{i % 3}" for i in range(15)],
            "date": [days[i // 3] for i in range(15)],
            "cloud_cover": [np.nan if c is None else c for c in cloud],
        }
    )
    params = CoverageParams()
    table = sector_days(_sectors(), days, observations, incidents, clouds=clouds, params=params)
    assert len(table) == 15 and set(table["state"]) <= set(COVERAGE_STATES)
    quiet = table[table["state"] == "quiet"]
    assert (quiet["n_passes"] > 0).all()
    assert quiet["usable"].all()
    assert not (quiet["cloud_cover"] >= params.partial_pct).any()
    assert quiet["cloud_cover"].notna().all()  # quiet needs a known sky
    no_look = table[(table["n_passes"] == 0) & (table["n_incidents"] == 0)]
    assert (no_look["state"] == "not_observed").all()
