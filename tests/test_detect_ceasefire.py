"""Scoring with an agreement's start (ADR 0028): known answers on a crafted world.

The world: a 2 x 2 degree area where peacetime fires are single pixels (one fire
site per cell-day), except for a two-week burning campaign each August in the
north-east quarter, so a busy week makes a burst ordinary (ADR 0026). The
agreement's line of contact runs north-south along 31.0 E, through the middle.
A war of 20 days ends at the start of a ceasefire on 20 July 2019.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.agreement import Agreement, build_agreement
from truceline.baseline import Baseline, fit_baseline
from truceline.detect import DetectParams, after_start, ceasefire_prior, score_detections

FIT_YEARS = (2014, 2015, 2016, 2017)
WEST, SOUTH, N_CELLS = 30.0, 48.0, 20
START = datetime(2019, 7, 20, tzinfo=UTC)
AT_LINE = (31.05, 48.55)  # centre of a cell on the line (quiet, single-site fires only)
FIXED = DetectParams(activity_scale=1.0)  # one scale for every day: isolates the windows
SITE = 0.02


def _sites(rng: np.random.Generator, lon0: float, lat0: float, n: int) -> tuple:
    picks = rng.choice(25, size=n, replace=False)
    return lon0 + (picks % 5 + 0.5) * SITE, lat0 + (picks // 5 + 0.5) * SITE


def peace_year(year: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows: list[tuple[float, float, np.datetime64]] = []
    start = np.datetime64(f"{year}-01-01")
    for day in range(365):
        for cell in np.flatnonzero(rng.random(N_CELLS * N_CELLS) < 0.006):
            lon, lat = _sites(
                rng, WEST + (cell % N_CELLS) * 0.1, SOUTH + (cell // N_CELLS) * 0.1, 1
            )
            rows.append((float(lon[0]), float(lat[0]), start + day))
        if 215 <= day < 229:  # the August campaign in the north-east quarter
            for cell in range(N_CELLS * N_CELLS):
                lon0, lat0 = WEST + (cell % N_CELLS) * 0.1, SOUTH + (cell // N_CELLS) * 0.1
                if lon0 < 31.0 or lat0 < 49.0 or rng.random() > 0.3:
                    continue
                lon, lat = _sites(rng, lon0, lat0, int(rng.integers(3, 7)))
                rows += [(float(x), float(y), start + day) for x, y in zip(lon, lat, strict=True)]
    lon, lat, dates = zip(*rows, strict=True)
    return pd.DataFrame({"lat": lat, "lon": lon, "acq_date": dates})


def fires(
    day: str, where: tuple[float, float], n: int, seed: int = 0, hour: int = 11
) -> pd.DataFrame:
    """n fires on n sites of the cell centred at ``where``, seen at ``hour`` UTC."""
    lon, lat = _sites(np.random.default_rng(seed), where[0] - 0.05, where[1] - 0.05, n)
    moment = pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=hour)
    return pd.DataFrame(
        {"lat": lat, "lon": lon, "acq_date": pd.Timestamp(day), "acq_time": moment,
         "time_known": True}
    )  # fmt: skip


def war(first: str, last: str, where: tuple[float, float] = AT_LINE) -> pd.DataFrame:
    """Three fires a day in each of the 3 x 3 cells around ``where``, days first..last."""
    days = pd.date_range(first, last)
    return pd.concat(
        [fires(str(d.date()), (where[0] + dx, where[1] + dy), 3, seed=i)
         for i, d in enumerate(days) for dx in (-0.1, 0.0, 0.1) for dy in (-0.1, 0.0, 0.1)],
        ignore_index=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    history = pd.concat([peace_year(y, seed=y) for y in FIT_YEARS], ignore_index=True)
    return fit_baseline(history, years=FIT_YEARS)


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    occupied = shapely.box(31.0, 47.5, 32.5, 50.5)
    return build_agreement(occupied, shapely.box(29.5, 47.5, 32.5, 50.5), start=START)


@pytest.fixture(scope="module")
def no_start(agreement: Agreement) -> Agreement:
    from dataclasses import replace

    return replace(agreement, start=None)


def test_war_before_the_start_does_not_raise_a_score_after_it(
    baseline: Baseline, agreement: Agreement
) -> None:
    """Known answer: after the start, one ordinary fire scores exactly as if the war
    before had never been; judged as during the war, the war inflates it."""
    today = fires("2019-07-25", AT_LINE, 1)
    quiet = fires("2019-06-25", (30.35, 49.75), 1)  # far away: fixes the span
    fought = score_detections(
        today,
        baseline,
        agreement,
        FIXED,
        context=pd.concat([quiet, war("2019-06-30", "2019-07-19")]),
    )
    peaceful = score_detections(today, baseline, agreement, FIXED, context=quiet)
    for column in ("neighbourhood_observed", "window_days", "quiet_ratio", "excess_score"):
        assert fought[column].iloc[0] == pytest.approx(peaceful[column].iloc[0])
    assert fought["window_days"].iloc[0] == 6  # 20-25 July
    as_war = score_detections(
        today, baseline, agreement, DetectParams(activity_scale=1.0, start_aware=False),
        context=pd.concat([quiet, war("2019-06-30", "2019-07-19")]),
    )  # fmt: skip
    assert as_war["window_days"].iloc[0] == 31
    assert as_war["persistent_score"].iloc[0] > fought["persistent_score"].iloc[0] + 2


def test_a_burst_after_the_start_is_flagged_after_a_war(
    baseline: Baseline, agreement: Agreement
) -> None:
    """Four sites in the line's cell the day after the start: judged exactly as after
    peace (same stratum of recent activity, same evidence), and flagged even under a
    ceasefire's lower prior (odds 0.1)."""
    burst = fires("2019-07-21", AT_LINE, 4)
    quiet = fires("2019-06-25", (30.35, 49.75), 1)
    trusting = DetectParams(activity_scale=1.0, after_start_odds=0.1)
    aware = score_detections(
        burst,
        baseline,
        agreement,
        trusting,
        context=pd.concat([quiet, war("2019-06-30", "2019-07-19")]),
    )
    peaceful = score_detections(burst, baseline, agreement, trusting, context=quiet)
    for column in ("quiet_ratio", "burst_score", "excess_score", "war_probability"):
        assert aware[column].iloc[0] == pytest.approx(peaceful[column].iloc[0])
    assert aware["after_start"].all() and aware["war_related"].all()
    assert (aware["war_prior"] < 0.05).all()  # 0.3 at the line, times odds 0.1


def test_the_war_before_the_start_no_longer_masks_a_burst() -> None:
    """With the shipped baseline (real strata): five sites at the 2025 line in November,
    the day after a ceasefire that ended ten days of shelling around them. Judged as
    during the war, the busy stratum makes the burst ordinary; since the start it is
    rare."""
    from truceline.baseline import DEFAULT_BASELINE, load_baseline

    shipped = load_baseline(DEFAULT_BASELINE)
    where = (37.55, 48.35)  # near Kostiantynivka
    start = datetime(2025, 11, 20, tzinfo=UTC)
    line = build_agreement(
        shapely.box(37.5, 47.0, 40.0, 50.0), shapely.box(35.0, 47.0, 40.0, 50.0), start=start
    )
    burst = fires("2025-11-21", where, 5)
    shelling = war("2025-11-10", "2025-11-19", where)
    country = fires("2025-11-01", (30.55, 50.45), 1)  # fixes the span
    fixed = DetectParams(activity_scale=1.0, after_start_odds=1.0)
    context = pd.concat([country, shelling])
    aware = score_detections(burst, shipped, line, fixed, context=context)
    blind = score_detections(
        burst, shipped, line, DetectParams(activity_scale=1.0, start_aware=False), context=context
    )
    assert blind["quiet_ratio"].iloc[0] > 5 > aware["quiet_ratio"].iloc[0]
    assert aware["burst_score"].iloc[0] > blind["burst_score"].iloc[0] + 0.5


@settings(max_examples=20, deadline=None)
@given(
    war_days=st.lists(st.integers(1, 30), min_size=1, max_size=12),
    offsets=st.lists(st.sampled_from([-0.1, 0.0, 0.1]), min_size=2, max_size=2),
    sites=st.integers(1, 8),
    after=st.integers(0, 12),
)
def test_nothing_before_the_start_is_seen_after_it(
    baseline: Baseline, agreement: Agreement, war_days: list[int], offsets: list[float],
    sites: int, after: int,
) -> None:  # fmt: skip
    """Any fires before the start, anywhere around: a detection after it scores the same
    (at a fixed activity scale; the regional scale keeps its 31 days, ADR 0028)."""
    day = str((pd.Timestamp(START) + pd.Timedelta(days=after)).date())
    target = fires(day, AT_LINE, 1)
    quiet = fires("2019-06-10", (30.35, 49.75), 1)  # fixes the span
    before = pd.concat(
        [fires(str((pd.Timestamp(START) - pd.Timedelta(days=d)).date()),
               (AT_LINE[0] + offsets[0], AT_LINE[1] + offsets[1]), sites, seed=d)
         for d in war_days]
    )  # fmt: skip
    alone = score_detections(target, baseline, agreement, FIXED, context=quiet)
    seen = score_detections(target, baseline, agreement, FIXED, context=pd.concat([quiet, before]))
    for column in ("window_days", "quiet_ratio", "excess_score", "war_probability"):
        assert seen[column].iloc[0] == pytest.approx(alone[column].iloc[0])


def test_before_the_start_nothing_changes(
    baseline: Baseline, agreement: Agreement, no_start: Agreement
) -> None:
    frame = pd.concat(
        [war("2019-07-01", "2019-07-19"), fires("2019-07-22", AT_LINE, 4, seed=9)],
        ignore_index=True,
    )
    with_start = score_detections(frame, baseline, agreement)
    without = score_detections(frame, baseline, no_start)
    before = ~with_start["after_start"].to_numpy()
    assert before.sum() == len(frame) - 4 and not without["after_start"].any()
    pd.testing.assert_frame_equal(with_start[before], without[before])
    after = ~before
    assert (with_start.loc[after, "window_days"] < without.loc[after, "window_days"]).all()


def test_the_start_day_splits_a_cell_day_by_time(baseline: Baseline) -> None:
    """A ceasefire at noon: fires of the morning keep the war's windows, fires of the
    afternoon in the same cell-day are judged since the start; a date alone on the
    start day is not known to be after it."""
    noon = build_agreement(
        shapely.box(31.0, 47.5, 32.5, 50.5), shapely.box(29.5, 47.5, 32.5, 50.5),
        start=datetime(2019, 7, 20, 12, tzinfo=UTC),
    )  # fmt: skip
    morning = fires("2019-07-20", AT_LINE, 2, seed=1, hour=1)
    afternoon = fires("2019-07-20", AT_LINE, 2, seed=2, hour=13)
    undated = fires("2019-07-20", AT_LINE, 1, seed=3).assign(acq_time=pd.NaT, time_known=False)
    frame = pd.concat([morning, afternoon, undated, war("2019-07-10", "2019-07-19")])
    scored = score_detections(frame.reset_index(drop=True), baseline, noon)
    assert scored["after_start"].head(5).tolist() == [False, False, True, True, False]
    days = scored["window_days"].head(5).tolist()
    assert days[2] == days[3] == 1 and days[0] == days[1] == days[4] == 11


def test_after_start_reads_times_and_dates() -> None:
    frame = pd.DataFrame(
        {
            "acq_date": pd.to_datetime(["2019-07-19", "2019-07-20", "2019-07-20", "2019-07-21"]),
            "acq_time": pd.to_datetime(
                ["2019-07-19 23:00", None, "2019-07-20 00:00", None], utc=True
            ),
            "time_known": [True, False, True, False],
        }
    )
    assert after_start(frame, START).tolist() == [False, True, True, True]
    assert after_start(frame, None).tolist() == [False] * 4
    late = datetime(2019, 7, 20, 0, 30, tzinfo=UTC)
    assert after_start(frame, late).tolist() == [False, False, False, True]
    no_time = frame.drop(columns=["acq_time", "time_known"])
    assert after_start(no_time, late).tolist() == [False, False, False, True]


@given(p=st.floats(1e-6, 1 - 1e-6), q=st.floats(1e-6, 1 - 1e-6), r=st.floats(1e-3, 1.0))
def test_the_ceasefire_prior_scales_the_odds(p: float, q: float, r: float) -> None:
    low, high = sorted((p, q))
    after = ceasefire_prior([low, high], r)
    assert after[0] <= after[1] + 1e-12  # the geometry's order is kept
    assert after[1] <= high * (1 + 1e-9)  # a ceasefire never raises the prior
    odds = after[1] / (1 - after[1])
    assert odds == pytest.approx(r * high / (1 - high), rel=1e-6)
    assert ceasefire_prior([high], 1.0)[0] == pytest.approx(high)


def test_bad_ceasefire_odds_are_named() -> None:
    from truceline.errors import InputError

    with pytest.raises(InputError, match="after_start_odds"):
        DetectParams(after_start_odds=0.0)
    with pytest.raises(InputError, match="after_start_odds"):
        DetectParams(after_start_odds=2.0)
