"""Scoring is causal and local in time (ADR 0081), on the real 2025 NRT files.

A detection's scores depend on the baseline and the detections of its own window only:
detections of later days, anywhere, never change them, and an archive scored month by
month (``truceline.scale``) gives the scores of one whole-period call.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truceline.agreement import Agreement, load_agreement
from truceline.baseline import DEFAULT_BASELINE, Baseline, load_baseline
from truceline.detect import DIAGNOSTIC_COLUMNS, SCORE_COLUMNS, score_detections
from truceline.scale import score_archive
from truceline.sensors.firms import load_detections
from truceline.store import Archive

#: The scored part: 11-20 August 2025 (the files run to 15 September).
FIRST, LAST = np.datetime64("2025-08-11"), np.datetime64("2025-08-20")
COLUMNS = [*SCORE_COLUMNS, *DIAGNOSTIC_COLUMNS]
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    return load_baseline(DEFAULT_BASELINE)


@pytest.fixture(scope="module")
def agreement(agreement_gpkg: Path) -> Agreement:
    return load_agreement(agreement_gpkg)  # the demo line, ceasefire from 2025-08-11


@pytest.fixture(scope="module")
def nrt(shared_data: Path) -> pd.DataFrame:
    files = sorted((shared_data / "firms_nrt_2025").glob("*.csv"))
    return load_detections(files).to_pandas()


def _days(frame: pd.DataFrame) -> np.ndarray:
    return pd.to_datetime(frame["acq_date"]).to_numpy().astype("datetime64[D]")


@pytest.fixture(scope="module")
def early(nrt: pd.DataFrame) -> pd.DataFrame:
    day = _days(nrt)
    return nrt[(day >= FIRST) & (day <= LAST)].reset_index(drop=True)


def _box(baseline: Baseline) -> tuple[float, float, float, float]:
    box = baseline.box
    west, south = -180.0 + box.col0 * box.size_deg, -90.0 + box.row0 * box.size_deg
    return west, south, west + box.n_cols * box.size_deg, south + box.n_rows * box.size_deg


def _later(early: pd.DataFrame, points: list[tuple[int, float, float]]) -> pd.DataFrame:
    """Detections ``days`` after the scored part at (lon, lat), shaped like ``early``."""
    rows = early.iloc[[0] * len(points)].reset_index(drop=True).copy()
    day = np.array([LAST + np.timedelta64(d, "D") for d, _, _ in points])
    rows["acq_date"] = pd.to_datetime(day).date
    rows["acq_time"] = pd.to_datetime(day).tz_localize("UTC") + pd.Timedelta(hours=11)
    rows["lon"] = [lon for _, lon, _ in points]
    rows["lat"] = [lat for _, _, lat in points]
    if "id" in rows.columns:
        rows["id"] = [f"later-{i}" for i in range(len(points))]
    return rows


def _assert_same_scores(before: pd.DataFrame, after: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        after.loc[: len(before) - 1, COLUMNS], before[COLUMNS], check_exact=True
    )


def test_later_days_never_change_an_earlier_score(
    baseline: Baseline, agreement: Agreement, nrt: pd.DataFrame, early: pd.DataFrame
) -> None:
    """Known answer: the rest of the real period, and fires in blocks that had none (a
    corner of the box, western Ukraine), change no score of 11-20 August, in either
    argument. Before ADR 0081 the far block entered every day's activity scale."""
    scored = score_detections(early, baseline, agreement)
    assert scored["war_related"].any() and scored["after_start"].all()
    west, south, _, _ = _box(baseline)
    far = _later(early, [(1, west + 0.3, south + 0.3), (3, 22.6, 48.4), (25, 24.0, 51.6)])
    rest = nrt[_days(nrt) > LAST]
    appended = pd.concat([early, rest, far], ignore_index=True)
    _assert_same_scores(scored, score_detections(appended, baseline, agreement))
    as_context = score_detections(early, baseline, agreement, context=pd.concat([rest, far]))
    _assert_same_scores(scored, as_context)


@SETTINGS
@given(
    points=st.lists(
        st.tuples(
            st.integers(1, 60),
            st.floats(0.001, 0.999),
            st.floats(0.001, 0.999),
        ),  # day after, position in the box
        min_size=1,
        max_size=40,
    ),
    as_context=st.booleans(),
)
def test_no_later_detection_anywhere_moves_an_earlier_score(
    baseline: Baseline,
    early: pd.DataFrame,
    points: list[tuple[int, float, float]],
    as_context: bool,
) -> None:
    west, south, east, north = _box(baseline)
    at = [(d, west + x * (east - west), south + y * (north - south)) for d, x, y in points]
    later = _later(early, at)
    scored = score_detections(early, baseline)
    if as_context:
        again = score_detections(early, baseline, context=later)
    else:
        again = score_detections(pd.concat([early, later], ignore_index=True), baseline)
    _assert_same_scores(scored, again)


def test_month_chunks_score_as_the_whole_period(
    baseline: Baseline, agreement: Agreement, shared_data: Path, tmp_path: Path
) -> None:
    """An archive of 30 August-7 September cut at the month edge, with the data-driven
    activity scale: the same scores, to the last bit. Before ADR 0081 blocks first seen in
    September entered the whole-period scale of 30-31 August (by up to 0.17) and changed
    a flag; only a fixed scale gave equal scores."""
    files = sorted((shared_data / "firms_nrt_2025").glob("*.csv"))
    archive = Archive(tmp_path / "archive")
    archive.ingest([f for f in files if "2025242" <= f.name.split("_NRT_")[1][:7] <= "2025250"])
    first, last = date(2025, 8, 30), date(2025, 9, 7)
    chunked = score_archive(archive, first, last, baseline, agreement)
    whole = archive.query(first, last, bbox=agreement.boundary.bounds).drop_columns(["geometry"])
    expected = score_detections(whole.to_pandas(), baseline, agreement)
    assert len(chunked) == len(expected) > 3_000
    assert {"2025-08-31", "2025-09-01"} <= set(_days(chunked).astype(str))
    assert chunked["war_related"].any()
    pd.testing.assert_frame_equal(chunked, expected, check_exact=True)
