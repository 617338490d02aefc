"""build_incidents: clustering invariants (property tests), evidence, timing and grading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st

from truceline.errors import InputError
from truceline.incidents import (
    INCIDENT_COLUMNS,
    IncidentParams,
    build_incidents,
    incident_id,
)
from truceline.likelihood import ICD203_WORDS, NOT_APPLICABLE

T0 = pd.Timestamp("2025-08-11T00:00Z")


@dataclass
class LineAtLon:
    """A stand-in agreement: the line of contact is the meridian ``lon0``; east is occupied."""

    lon0: float = 36.15
    start: datetime | None = datetime(2025, 8, 12, tzinfo=UTC)
    name: str = "test"

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
        km = (np.asarray(lon) - self.lon0) * 74.3  # km per degree of longitude at 48 N
        return pd.DataFrame(
            {
                "zone": np.where(np.abs(km) < 5, "buffer", "outside"),
                "side": np.where(km > 0, "occupied", "government"),
                "sector": "S1",
                "distance_km": km,
            }
        )


def scored(points: list[tuple[float, float, float]], **extra: object) -> pd.DataFrame:
    """Scored detections at (lon, lat, hours after T0), all war-related by default."""
    lon, lat, hours = (np.array(v, dtype=float) for v in zip(*points, strict=True))
    t = T0 + pd.to_timedelta(hours, unit="h")
    frame = pd.DataFrame(
        {
            "id": [f"d{i:04d}" for i in range(len(points))],
            "lat": lat,
            "lon": lon,
            "acq_date": t.date,
            "acq_time": t,
            "time_known": True,
            "satellite": "NOAA-20",
            "frp": 1.5,
            "scan": 0.4,
            "track": 0.4,
            "daynight": "N",
            "source_sha256": ["a" * 64 if h < 24 else "b" * 64 for h in hours],
            "war_related": True,
            "war_probability": 0.7,
        }
    )
    for key, value in extra.items():
        frame[key] = value
    return frame


def membership(incidents: pd.DataFrame) -> set[tuple[str, tuple[str, ...]]]:
    return {
        (i, tuple(m))
        for i, m in zip(incidents["incident_id"], incidents["detection_ids"], strict=True)
    }


point = st.tuples(st.floats(36.0, 36.3), st.floats(48.0, 48.2), st.floats(0.0, 96.0))
points = st.lists(point, min_size=1, max_size=25)


@settings(max_examples=20, deadline=None)
@given(points, st.randoms(use_true_random=False))
@example([(36.1, 48.1, 1.0), (36.1, 48.1, 1.0), (36.1001, 48.1, 1.0)], None)  # exact duplicates
def test_permuting_input_changes_nothing(pts, rnd) -> None:
    frame = scored(pts)
    order = list(range(len(frame)))
    if rnd is not None:
        rnd.shuffle(order)
    else:
        order.reverse()
    agreement = LineAtLon()
    a = build_incidents(frame, agreement)
    b = build_incidents(frame.iloc[order], agreement)
    pd.testing.assert_frame_equal(
        a.drop(columns="geometry"), b.drop(columns="geometry"), check_like=False
    )
    assert a.geometry.geom_equals_exact(b.geometry, 1e-9).all()


@settings(max_examples=20, deadline=None)
@given(points, st.floats(0.0, 96.0), st.floats(-1.0, 1.0))
def test_far_away_detection_never_joins_a_cluster(pts, hours, side) -> None:
    params = IncidentParams()
    base = scored(pts)
    # 1 degree of latitude (111 km) from the box, far beyond eps in space alone
    far = scored([*pts, (36.15 + side * 0.1, 49.3, hours)]).iloc[[-1]]
    before = build_incidents(base, None, params)
    after = build_incidents(pd.concat([base, far.assign(id="far")]), None, params)
    lone = after[after["detection_ids"].map(lambda ids: "far" in ids)]
    assert len(lone) == 1 and lone["detection_ids"].iloc[0] == ["far"]
    assert membership(after) - membership(lone) == membership(before)


@settings(max_examples=20, deadline=None)
@given(points, st.lists(st.booleans(), min_size=40, max_size=40))
def test_every_war_related_detection_is_in_exactly_one_incident(pts, flags) -> None:
    frame = scored(pts)
    frame["war_related"] = flags[: len(frame)]
    incidents = build_incidents(frame, LineAtLon())
    members = [d for ids in incidents["detection_ids"] for d in ids]
    assert sorted(members) == sorted(frame.loc[frame["war_related"], "id"])
    assert (incidents["n_detections"] == incidents["detection_ids"].map(len)).all()


@settings(max_examples=20, deadline=None)
@given(points)
def test_no_incident_straddles_the_start_and_activity_is_not_a_violation(pts) -> None:
    agreement = LineAtLon()
    incidents = build_incidents(scored(pts), agreement)
    start = pd.Timestamp(agreement.start)
    before = incidents["t_start"] < start
    assert (incidents.loc[before, "t_end"] < start).all()
    assert not incidents.loc[before, "is_violation"].any()
    assert incidents.loc[before, "probability"].isna().all()
    assert (incidents.loc[before, "likelihood"] == NOT_APPLICABLE).all()
    after = incidents[~before]
    assert after["probability"].between(0, 1).all()
    assert after["likelihood"].isin(ICD203_WORDS).all()


def test_columns_ids_and_evidence() -> None:
    frame = scored([(36.1, 48.1, 30.0), (36.101, 48.1, 30.1), (36.2, 48.0, 40.0)])
    incidents = build_incidents(frame, LineAtLon())
    assert tuple(incidents.columns) == INCIDENT_COLUMNS
    assert incidents.crs.to_epsg() == 4326
    assert len(incidents) == 2
    pair = incidents[incidents["n_detections"] == 2].iloc[0]
    assert pair["incident_id"] == incident_id(["d0001", "d0000"]) == incident_id(["d0000", "d0001"])
    assert pair["detection_ids"] == ["d0000", "d0001"]
    assert pair["source_sha256s"] == ["b" * 64]
    assert pair["satellites"] == ["NOAA-20"]
    assert pair["passes"] == ["NOAA-20 2025-08-12T06:00Z"]  # 6 minutes apart: one pass
    assert pair["frp_sum"] == pytest.approx(3.0)
    assert pair["status"] == "new"
    assert pair["zone"] == "buffer" and pair["side"] == "government" and pair["sector"] == "S1"
    assert pair["distance_km"] == pytest.approx((36.101 - 36.15) * 74.3)  # nearest member


def test_footprint_covers_every_member_pixel() -> None:
    frame = scored([(36.1, 48.1, 30.0), (36.11, 48.105, 30.0), (36.105, 48.11, 42.0)])
    incident = build_incidents(frame, None).iloc[0]
    assert incident["n_detections"] == 3
    pts = shapely.points(frame["lon"], frame["lat"])
    assert shapely.contains(incident.geometry, pts).all()
    lone = build_incidents(frame.iloc[[0]], None).iloc[0]
    assert lone.geometry.geom_type == "Polygon" and lone.geometry.contains(pts[0])


def test_two_passes_and_nearest_member_location() -> None:
    # same place, 12 hours apart: one incident, two passes; members on both sides of the line
    frame = scored([(36.14, 48.1, 30.0), (36.152, 48.1, 42.0)])
    incident = build_incidents(frame, LineAtLon()).iloc[0]
    assert len(incident["passes"]) == 2
    assert incident["side"] == "occupied"  # the member 0.15 km east is nearer the line
    assert incident["zone"] == "buffer"


def test_singletons_grade_lower_than_corroborated_clusters() -> None:
    cluster = scored([(36.1, 48.1, 30.0), (36.101, 48.1, 42.0), (36.102, 48.1, 54.0)])
    lone = scored([(36.1, 48.1, 30.0)])
    agreement = LineAtLon()
    p_cluster = build_incidents(cluster, agreement)["probability"].iloc[0]
    p_lone = build_incidents(lone, agreement)["probability"].iloc[0]
    assert p_lone < p_cluster


def test_violation_needs_the_threshold() -> None:
    frame = scored([(36.1, 48.1, 30.0)], war_probability=0.02)
    incident = build_incidents(frame, LineAtLon()).iloc[0]
    assert incident["probability"] < 0.5 and not incident["is_violation"]
    strong = scored([(36.1, 48.1, 30.0), (36.1, 48.1, 42.0)], war_probability=0.99)
    assert build_incidents(strong, LineAtLon())["is_violation"].all()


def test_reduced_rows_without_time_span_their_day() -> None:
    frame = scored([(36.1, 48.1, 30.0)], acq_time=pd.NaT, time_known=False)
    incident = build_incidents(frame, LineAtLon(start=datetime(2025, 8, 1, tzinfo=UTC))).iloc[0]
    assert incident["t_start"] == pd.Timestamp("2025-08-12T00:00Z")
    assert incident["t_end"] == pd.Timestamp("2025-08-12T23:59:59Z")
    assert incident["passes"] == ["NOAA-20 2025-08-12 N"]


def test_agreement_without_start_is_in_force_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="no start time"):
        incidents = build_incidents(scored([(36.1, 48.1, 1.0)]), LineAtLon(start=None))
    assert incidents["probability"].notna().all()


def test_no_agreement_means_activity_only() -> None:
    incidents = build_incidents(scored([(36.1, 48.1, 30.0)]), None)
    assert incidents["likelihood"].tolist() == [NOT_APPLICABLE]
    assert incidents["zone"].isna().all() and incidents["distance_km"].isna().all()


def test_nothing_war_related_gives_an_empty_table() -> None:
    incidents = build_incidents(scored([(36.1, 48.1, 30.0)], war_related=False), LineAtLon())
    assert incidents.empty and tuple(incidents.columns) == INCIDENT_COLUMNS


def test_missing_columns_are_named() -> None:
    with pytest.raises(InputError, match="war_probability"):
        build_incidents(scored([(36.1, 48.1, 1.0)]).drop(columns="war_probability"), None)


def test_text_flags_and_rows_without_position() -> None:
    frame = scored([(36.1, 48.1, 30.0), (36.2, 48.1, 30.0), (36.3, 48.1, 30.0)])
    frame["war_related"] = ["True", "false", "1"]
    assert sorted(build_incidents(frame, None)["detection_ids"].sum()) == ["d0000", "d0002"]
    frame.loc[2, "lat"] = np.nan
    with pytest.warns(UserWarning, match=r"1 war-related detection.*'d0002'"):
        incidents = build_incidents(frame, None)
    assert incidents["detection_ids"].sum() == ["d0000"]
