"""The burst component (ADR 0026) on crafted histories with known answers, and its properties.

The crafted world: a 2 x 2 degree area where, in every fit year, fires are
single pixels (one detection, one fire site per cell-day), except during a
two-week burning campaign in the north-east quarter each August, when a cell
that burns lights 3-6 sites and its neighbours burn too. So a peacetime cell
never has more than 6 sites on a day, and more than 2 only in a busy week.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.baseline import Baseline, BaselineParams, fit_baseline
from truceline.baseline.combine import TailCombination, calibrate
from truceline.baseline.null import NullTable
from truceline.baseline.sites import site_counts
from truceline.detect import DetectParams, score_detections

FIT_YEARS = (2014, 2015, 2016, 2017)
WEST, SOUTH, N_CELLS = 30.0, 48.0, 20
QUIET_CELL = (30.55, 48.55)  # south-west: single-site fires only
CAMPAIGN = (31.5, 49.5)  # corner of the north-east quarter, which burns in August campaigns
SITE = 0.02


def _sites_in_cell(
    rng: np.random.Generator, lon0: float, lat0: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """n detections on n distinct 0.02-degree sites of the cell whose corner is lon0, lat0."""
    picks = rng.choice(25, size=n, replace=False)
    lon = lon0 + (picks % 5 + 0.5) * SITE + rng.uniform(-0.004, 0.004, n)
    lat = lat0 + (picks // 5 + 0.5) * SITE + rng.uniform(-0.004, 0.004, n)
    return lon, lat


def crafted_year(year: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows: list[tuple[float, float, np.datetime64]] = []
    start = np.datetime64(f"{year}-01-01")
    chance = 0.006
    cells = np.arange(N_CELLS * N_CELLS)
    for day in range(365):
        burning = cells[rng.random(len(cells)) < chance]
        for cell in burning:  # ordinary fires: one pixel, one site
            lon0, lat0 = WEST + (cell % N_CELLS) * 0.1, SOUTH + (cell // N_CELLS) * 0.1
            lon, lat = _sites_in_cell(rng, lon0, lat0, 1)
            rows.append((float(lon[0]), float(lat[0]), start + day))
        if 215 <= day < 229:  # the August campaign: many cells, several sites each
            for cell in cells:
                lon0, lat0 = WEST + (cell % N_CELLS) * 0.1, SOUTH + (cell // N_CELLS) * 0.1
                if lon0 < CAMPAIGN[0] or lat0 < CAMPAIGN[1] or rng.random() > 0.3:
                    continue
                lon, lat = _sites_in_cell(rng, lon0, lat0, int(rng.integers(3, 7)))
                rows += [(float(x), float(y), start + day) for x, y in zip(lon, lat, strict=True)]
    lon, lat, dates = zip(*rows, strict=True)
    return pd.DataFrame({"lat": lat, "lon": lon, "acq_date": dates, "satellite": "unknown"})


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    history = pd.concat([crafted_year(y, seed=y) for y in FIT_YEARS], ignore_index=True)
    return fit_baseline(history, years=FIT_YEARS)


def burst(day: str, where: tuple[float, float], n: int, seed: int = 0) -> pd.DataFrame:
    """n fires on n distinct sites of one cell on one day."""
    lon, lat = _sites_in_cell(np.random.default_rng(seed), where[0] - 0.05, where[1] - 0.05, n)
    return pd.DataFrame(
        {"lat": lat, "lon": lon, "acq_date": pd.Timestamp(day), "satellite": "unknown"}
    )


def quiet_month(seed: int = 5) -> pd.DataFrame:
    """A July with the world's ordinary single-site fires, as context."""
    year = crafted_year(2019, seed=seed)
    dates = pd.to_datetime(year["acq_date"])
    return year[(dates >= "2019-07-01") & (dates < "2019-08-01")]


def test_site_counts_count_places_not_pixels() -> None:
    keys = np.array([5, 5, 5, 7])
    lon = np.array([30.001, 30.005, 30.031, 31.0])  # two pixels share a 0.02-degree site
    lat = np.array([48.001, 48.009, 48.001, 48.0])
    uniq, detections, sites = site_counts(keys, lon, lat, SITE)
    assert uniq.tolist() == [5, 7]
    assert detections.tolist() == [3, 1]
    assert sites.tolist() == [2, 1]
    empty = site_counts(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0), SITE)
    assert [len(a) for a in empty] == [0, 0, 0]


def test_quiet_weeks_have_single_site_fires_only(baseline: Baseline) -> None:
    """Known answer: outside the campaign's place and season (expectation below 0.03
    sites a day) every peacetime cell-day is one site, so those bins' quantiles are 1;
    the campaign reaches 3-6 sites, no more."""
    null = baseline.burst_null
    assert null is not None
    ordinary = null.centres < 0.03
    assert ordinary.any()
    assert (null.quantiles[ordinary] == 1.0).all()
    assert null.quantiles.max() <= 6.0
    assert null.quantiles[~ordinary].max() >= 3.0
    assert null.strata[0] < 1.0 < null.strata[-1]


def test_an_ordinary_fire_is_no_burst(baseline: Baseline) -> None:
    scored = score_detections(burst("2019-07-31", QUIET_CELL, 1), baseline, context=quiet_month())
    assert scored["burst_observed"].iloc[0] == 1
    assert scored["burst_score"].iloc[0] < 0.5
    assert not scored["war_related"].any()


def test_a_burst_in_a_quiet_place_is_flagged_on_its_day(baseline: Baseline) -> None:
    """Twelve sites in one cell on one day, after a quiet month: flagged on the day,
    by the burst component alone (the 31-day statistic barely moves)."""
    scored = score_detections(burst("2019-07-31", QUIET_CELL, 12), baseline, context=quiet_month())
    assert (scored["burst_observed"] == 12).all()
    assert (scored["burst_score"] > 3).all()
    assert (scored["persistent_score"] < 2).all()
    assert scored["war_related"].all()
    assert (scored["excess_score"] <= scored["burst_score"] + 1e-9).all()  # min-p costs


def test_the_same_fires_spread_over_a_month_are_not_a_burst(baseline: Baseline) -> None:
    spread = pd.concat(
        [burst(str(pd.Timestamp("2019-07-01") + timedelta(days=2 * i)), QUIET_CELL, 1, i)
         for i in range(12)]
    )  # fmt: skip
    scored = score_detections(spread, baseline, context=quiet_month())
    assert (scored["burst_observed"] == 1).all()
    assert (scored["burst_score"] < 0.5).all()


def test_a_busy_week_makes_the_same_burst_less_surprising(baseline: Baseline) -> None:
    """Peacetime fire is self-exciting: four sites after a quiet week are rarer than
    four sites during a campaign (the stratified null), at the same place and day."""
    where = (CAMPAIGN[0] + 0.25, CAMPAIGN[1] + 0.25)  # a cell centre inside the quarter
    today = burst("2019-08-10", where, 4)
    busy_week = pd.concat(
        [burst(f"2019-08-0{d}", (where[0] + dx, where[1] + dy), 3, d)
         for d in (7, 8, 9) for dx in (-0.1, 0.0, 0.1) for dy in (-0.1, 0.1)]
    )  # fmt: skip
    quiet = score_detections(today, baseline, context=quiet_month())
    busy = score_detections(today, baseline, context=pd.concat([quiet_month(), busy_week]))
    assert busy["quiet_ratio"].min() > quiet["quiet_ratio"].max()
    assert busy["burst_score"].max() < quiet["burst_score"].min()


@settings(max_examples=30, deadline=None)
@given(
    first=st.integers(1, 10),
    more=st.integers(0, 15),
    neighbours=st.integers(0, 6),
    seed=st.integers(0, 1000),
)
def test_more_detections_in_a_burst_never_lower_the_probability(
    baseline: Baseline, first: int, more: int, neighbours: int, seed: int
) -> None:
    """At a fixed activity scale, more fires on the day, in the cell or around it, only
    raise the probability (the days before are context held fixed)."""
    rng = np.random.default_rng(seed)
    target = burst("2019-07-31", QUIET_CELL, 1, seed)
    base = burst("2019-07-31", QUIET_CELL, first, seed + 1)
    lon, lat = _sites_in_cell(rng, QUIET_CELL[0] - 0.05, QUIET_CELL[1] - 0.05, min(more, 25))
    extra = pd.DataFrame({"lat": lat, "lon": lon, "acq_date": pd.Timestamp("2019-07-31")})
    around = pd.DataFrame(
        {
            "lat": QUIET_CELL[1] + rng.choice([-0.1, 0.0, 0.1], neighbours),
            "lon": QUIET_CELL[0] + rng.choice([-0.1, 0.1], neighbours),
            "acq_date": pd.Timestamp("2019-07-31"),
        }
    )
    fixed = DetectParams(activity_scale=1.0)
    context = quiet_month()
    before = score_detections(target, baseline, params=fixed, context=pd.concat([context, base]))
    after = score_detections(
        target, baseline, params=fixed, context=pd.concat([context, base, extra, around])
    )
    assert after["war_probability"].iloc[0] >= before["war_probability"].iloc[0] - 1e-12
    assert after["excess_score"].iloc[0] >= before["excess_score"].iloc[0] - 1e-12


def test_a_baseline_without_the_burst_scores_the_persistent_statistic_alone() -> None:
    history = pd.concat([crafted_year(y, seed=y) for y in FIT_YEARS[:2]], ignore_index=True)
    plain = fit_baseline(history, years=FIT_YEARS[:2], params=BaselineParams(burst=False))
    assert plain.burst_null is None
    scored = score_detections(burst("2019-07-31", QUIET_CELL, 12), plain)
    assert scored["burst_score"].isna().all()
    assert scored["excess_score"].notna().all()


def test_counts_are_read_with_a_continuity_correction() -> None:
    """Every peacetime sample at 1: an observation of 1 is ordinary, 2 is beyond the table."""
    levels = np.array([0.5, 0.9, 0.99, 0.999])
    table = NullTable(
        levels, np.array([1.0]), np.array([[1.0]]), np.ones((1, 1, 4)), np.array([100])
    )
    one, two = table.tail_probability([1.0, 1.0], [1.0, 1.0], [1, 2])
    assert one > 0.5
    assert two <= 1 - 0.999


def test_calibration_of_uniform_tails_is_the_identity() -> None:
    rng = np.random.default_rng(3)
    p = rng.random(200_000)
    cal = calibrate(p, np.ones(len(p)))
    t = np.array([1e-3, 1e-2, 0.1, 0.5])
    np.testing.assert_allclose(cal(t), t, rtol=0.25)
    # Independent uniform pairs: the minimum is about twice as often below t.
    q = rng.random(len(p))
    combo = calibrate(np.minimum(p, q), np.ones(len(p)), at_least_nominal=True)
    np.testing.assert_allclose(combo(t[:3]) / t[:3], 2.0, rtol=0.25)


def test_unmeasured_tails_are_never_sharpened() -> None:
    """Samples never below 0.05 and conservative above: below the measured range the
    map keeps at least the nominal value."""
    p = np.clip(np.random.default_rng(4).random(10_000) ** 0.5, 0.05, 1.0)
    cal = calibrate(p, np.ones(len(p)))
    assert cal([1e-3])[0] >= 1e-3
    assert cal([0.3])[0] < 0.3  # measured: conservative tails are sharpened where seen


@given(a=st.floats(1e-9, 1.0), b=st.floats(1e-9, 1.0), c=st.floats(1e-9, 1.0))
def test_the_combination_is_monotone_and_a_probability(a: float, b: float, c: float) -> None:
    rng = np.random.default_rng(1)
    p, q = rng.random(50_000) ** 1.3, rng.random(50_000)
    w = np.ones(len(p))
    combo = TailCombination(
        calibrate(p, w), calibrate(q, w), calibrate(np.minimum(p, q), w, at_least_nominal=True)
    )
    low, high = sorted((a, b))
    first = combo.combine([low, high], [c, c])
    second = combo.combine([c, c], [low, high])
    for pair in (first, second):
        assert 0.0 < pair[0] <= pair[1] <= 1.0
    floor = min(combo.persistent([a])[0], combo.burst([c])[0])
    assert combo.combine([a], [c])[0] >= floor * (1 - 1e-9)  # never more than the smaller claims
