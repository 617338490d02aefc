"""Detection scoring on synthetic peace and war with known answers, and its properties."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truceline.baseline import Baseline, BaselineParams, fit_baseline
from truceline.detect import (
    DIAGNOSTIC_COLUMNS,
    SCORE_COLUMNS,
    DetectParams,
    prior_from_distance,
    score_detections,
    sensor_scale,
    war_probability,
)
from truceline.errors import InputError

FIT_YEARS = (2014, 2015, 2016, 2017)
WEST, SOUTH, N_CELLS = 30.0, 48.0, 20  # a 2 x 2 degree area of 0.1 degree cells
FRONT = (31.05, 49.05)  # centre of the synthetic fighting


def _season(doy: np.ndarray) -> np.ndarray:
    """Spring burning around day 110 and harvest burning around day 215."""
    return (
        1.0 + 4.0 * np.exp(-(((doy - 110) / 15.0) ** 2)) + 3.0 * np.exp(-(((doy - 215) / 15) ** 2))
    )


def peace_year(year: int, seed: int, base: float = 0.004) -> pd.DataFrame:
    """Scattered seasonal fires: each cell-day burns with a small seasonal chance."""
    rng = np.random.default_rng(seed)
    doy = np.arange(365)
    chance = base * _season(doy)[None, :] * np.ones((N_CELLS * N_CELLS, 1))
    cell, day = np.nonzero(rng.random(chance.shape) < chance)
    count = 1 + rng.poisson(1.0, len(cell))
    cell, day = np.repeat(cell, count), np.repeat(day, count)
    lon = WEST + (cell % N_CELLS + rng.random(len(cell))) * 0.1
    lat = SOUTH + (cell // N_CELLS + rng.random(len(cell))) * 0.1
    start = np.datetime64(f"{year}-01-01")
    return pd.DataFrame({"lat": lat, "lon": lon, "acq_date": start + day, "satellite": "unknown"})


def war_cluster(year: int, first: int, last: int, seed: int) -> pd.DataFrame:
    """Fires every day in the 3 x 3 cells around FRONT, days first..last of the year."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(first, last + 1):
        for dx in (-0.1, 0.0, 0.1):
            for dy in (-0.1, 0.0, 0.1):
                for _ in range(2):
                    rows.append(
                        {
                            "lat": FRONT[1] + dy + (rng.random() - 0.5) * 0.09,
                            "lon": FRONT[0] + dx + (rng.random() - 0.5) * 0.09,
                            "acq_date": np.datetime64(f"{year}-01-01") + day,
                            "satellite": "unknown",
                        }
                    )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    history = pd.concat([peace_year(y, seed=y) for y in FIT_YEARS], ignore_index=True)
    return fit_baseline(history, years=FIT_YEARS)


@pytest.fixture(scope="module")
def war_year() -> tuple[pd.DataFrame, np.ndarray]:
    peace = peace_year(2019, seed=99)
    war = war_cluster(2019, 150, 200, seed=5)
    frame = pd.concat([peace, war], ignore_index=True).sample(frac=1.0, random_state=2)
    is_war = np.r_[np.zeros(len(peace), bool), np.ones(len(war), bool)][frame.index.to_numpy()]
    return frame.reset_index(drop=True), is_war


def test_a_peace_year_is_rarely_flagged(baseline: Baseline) -> None:
    scored = score_detections(peace_year(2019, seed=7), baseline)
    assert scored["war_related"].mean() < 0.01
    assert scored["war_probability"].mean() < DetectParams().prior_war  # evidence for peace


def test_persistent_fighting_is_flagged_and_the_rest_is_not(
    baseline: Baseline, war_year: tuple[pd.DataFrame, np.ndarray]
) -> None:
    frame, is_war = war_year
    scored = score_detections(frame, baseline)
    flag = scored["war_related"].to_numpy()
    day = (pd.to_datetime(frame["acq_date"]) - pd.Timestamp("2019-01-01")).dt.days.to_numpy()
    settled = is_war & (day >= 160)  # ten days of fighting give the evidence time to build
    assert flag[settled].mean() > 0.9
    # Peace fires in the fighting's neighbourhood are flagged with it (the statistic is
    # the neighbourhood's, and its window runs 30 days past the fighting); elsewhere
    # peace stays under 3 %. That share is higher than a real year's (and than before
    # the burst component, 0.0 %) because the burst null (ADR 0026) of this small world
    # rests on ~100 detections per bin: a day with 6 fires in one quiet cell reaches
    # its extrapolated 1e-3 tail.
    near = (frame["lon"] - FRONT[0]).abs().lt(0.15) & (frame["lat"] - FRONT[1]).abs().lt(0.15)
    elsewhere = ~is_war & ~near.to_numpy()
    assert flag[elsewhere].mean() < 0.03
    assert scored.loc[settled, "excess_score"].median() > 3


def test_rows_order_and_columns_are_kept(
    baseline: Baseline, war_year: tuple[pd.DataFrame, np.ndarray]
) -> None:
    frame, _ = war_year
    frame = frame.assign(extra=np.arange(len(frame)))
    scored = score_detections(frame, baseline)
    assert len(scored) == len(frame)
    assert scored["extra"].tolist() == list(range(len(frame)))
    assert scored["lat"].tolist() == frame["lat"].tolist()
    for name in (*SCORE_COLUMNS, *DIAGNOSTIC_COLUMNS):
        assert name in scored.columns
    p = scored["war_probability"].to_numpy()
    assert ((p >= 0) & (p <= 1)).all()
    assert (scored["war_related"] == (p >= 0.5)).all()
    assert (scored["observed"] >= 1).all()


def test_threshold_decides_war_related(
    baseline: Baseline, war_year: tuple[pd.DataFrame, np.ndarray]
) -> None:
    frame, _ = war_year
    strict = score_detections(frame, baseline, params=DetectParams(threshold=0.9))
    loose = score_detections(frame, baseline, params=DetectParams(threshold=0.1))
    assert strict["war_related"].sum() < loose["war_related"].sum()
    assert (strict["war_related"] <= loose["war_related"]).all()


def test_context_counts_but_is_not_returned(
    baseline: Baseline, war_year: tuple[pd.DataFrame, np.ndarray]
) -> None:
    frame, _ = war_year
    dates = pd.to_datetime(frame["acq_date"])
    today = frame[dates == pd.Timestamp("2019-06-10")]
    before = frame[(dates < pd.Timestamp("2019-06-10")) & (dates >= pd.Timestamp("2019-05-01"))]
    alone = score_detections(today, baseline)
    with_context = score_detections(today, baseline, context=before)
    assert len(with_context) == len(today)
    near = (today["lon"] - FRONT[0]).abs().lt(0.15) & (today["lat"] - FRONT[1]).abs().lt(0.15)
    assert near.any()
    assert (with_context.loc[near.to_numpy(), "window_days"] > 1).all()
    on_front = near.to_numpy()
    assert (
        with_context.loc[on_front, "excess_score"].mean()
        > alone.loc[on_front, "excess_score"].mean()
    )


def test_detections_outside_the_baseline_get_no_score(baseline: Baseline) -> None:
    frame = pd.DataFrame(
        {"lat": [49.0, 60.0], "lon": [31.0, 10.0], "acq_date": ["2019-06-01", "2019-06-01"]}
    )
    with pytest.warns(UserWarning, match="1 of 2 detections lie outside"):
        scored = score_detections(frame, baseline)
    assert np.isnan(scored.loc[1, "war_probability"])
    assert not scored.loc[1, "war_related"]
    assert np.isfinite(scored.loc[0, "war_probability"])


def test_empty_input_gives_empty_output(baseline: Baseline) -> None:
    frame = pd.DataFrame({"lat": [], "lon": [], "acq_date": pd.to_datetime([])})
    scored = score_detections(frame, baseline)
    assert len(scored) == 0
    assert set(SCORE_COLUMNS) <= set(scored.columns)


def test_agreement_geometry_raises_the_prior_near_the_line() -> None:
    params = DetectParams()
    prior = prior_from_distance([0.0, 10.0, -10.0, 50.0, 200.0, float("nan")], params)
    assert prior[0] == pytest.approx(params.line_prior)
    assert prior[1] == pytest.approx(prior[2])  # either side of the line
    assert prior[0] > prior[1] > prior[3] > prior[4]
    assert prior[4] == pytest.approx(params.far_prior, rel=1e-3)
    assert prior[5] == pytest.approx(params.far_prior)


@given(
    p=st.floats(1e-12, 1.0),
    q=st.floats(1e-12, 1.0),
    prior=st.floats(0.001, 0.999),
    shape=st.floats(0.01, 1.0),
)
def test_more_excess_never_lowers_the_probability(
    p: float, q: float, prior: float, shape: float
) -> None:
    low, high = sorted((p, q))  # a lower tail probability is more excess
    a, b = war_probability([low, high], [prior, prior], shape)
    assert 0.0 <= b <= a <= 1.0


@given(p=st.floats(1e-12, 1.0), priors=st.lists(st.floats(0.001, 0.999), min_size=2, max_size=2))
def test_a_higher_prior_never_lowers_the_probability(p: float, priors: list[float]) -> None:
    low, high = sorted(priors)
    a, b = war_probability([p, p], [low, high], 0.1)
    assert a <= b


def test_unremarkable_activity_is_evidence_for_peace() -> None:
    assert war_probability([1.0], [0.05], 0.1)[0] < 0.05


@settings(max_examples=25, deadline=None)
@given(extra_days=st.lists(st.integers(0, 29), min_size=1, max_size=10))
def test_more_local_activity_never_lowers_a_detection_probability(
    baseline: Baseline, extra_days: list[int]
) -> None:
    """At a fixed activity scale, added fires in the window only raise the score."""
    target = pd.DataFrame(
        {"lat": [FRONT[1]], "lon": [FRONT[0]], "acq_date": [pd.Timestamp("2019-06-30")]}
    )
    span = pd.DataFrame(  # fixes the span so extra fires do not change the window
        {"lat": [48.05], "lon": [30.05], "acq_date": [pd.Timestamp("2019-05-31")]}
    )
    extra = pd.DataFrame(
        {
            "lat": [FRONT[1] + 0.05] * len(extra_days),
            "lon": [FRONT[0]] * len(extra_days),
            "acq_date": [pd.Timestamp("2019-06-01") + timedelta(days=d) for d in extra_days],
        }
    )
    fixed = DetectParams(activity_scale=1.0)
    before = score_detections(target, baseline, params=fixed, context=span)
    after = score_detections(target, baseline, params=fixed, context=pd.concat([span, extra]))
    assert after["war_probability"].iloc[0] >= before["war_probability"].iloc[0] - 1e-12
    assert after["excess_score"].iloc[0] >= before["excess_score"].iloc[0] - 1e-12


def test_null_tail_is_monotone_and_a_probability(baseline: Baseline) -> None:
    observed = np.arange(0, 400)
    for days in (1, 5, 31):
        for expected in (0.1, 3.0, 40.0):
            tail = baseline.null.tail_probability(
                np.full(len(observed), days), np.full(len(observed), expected), observed
            )
            assert ((tail > 0) & (tail <= 1)).all()
            assert (np.diff(tail) <= 1e-12).all()


def test_regional_scale_follows_a_quiet_year(baseline: Baseline) -> None:
    quiet = score_detections(peace_year(2019, seed=8, base=0.002), baseline)
    busy = score_detections(peace_year(2019, seed=8, base=0.008), baseline)
    assert quiet["activity_scale"].median() < 0.75
    assert busy["activity_scale"].median() > 1.4
    # Scaled, a quiet year is not more suspicious than a busy one.
    assert quiet["war_related"].mean() < 0.02 and busy["war_related"].mean() < 0.02


def test_sensor_scale_for_a_single_viirs_stream(baseline: Baseline) -> None:
    params = DetectParams()
    assert sensor_scale(["NOAA-20"], baseline, params) == pytest.approx(0.87)
    assert sensor_scale(["unknown"], baseline, params) == 1.0
    assert sensor_scale([], baseline, params) == 1.0


def test_bad_detect_parameters_are_named() -> None:
    with pytest.raises(InputError, match="prior_war"):
        DetectParams(prior_war=0.0)
    with pytest.raises(InputError, match="threshold"):
        DetectParams(threshold=1.5)


def test_a_one_day_input_is_judged_against_the_one_day_null(baseline: Baseline) -> None:
    frame = war_cluster(2019, 170, 170, seed=1)
    scored = score_detections(frame, baseline)
    assert (scored["window_days"] == 1).all()
    assert scored["excess_score"].notna().all()


def test_baseline_params_shape_the_statistic() -> None:
    history = pd.concat([peace_year(y, seed=y) for y in FIT_YEARS[:2]], ignore_index=True)
    wide = fit_baseline(history, years=FIT_YEARS[:2], params=BaselineParams(rings=2))
    frame = peace_year(2019, seed=3).head(50)
    narrow = fit_baseline(history, years=FIT_YEARS[:2])
    assert (
        score_detections(frame, wide)["neighbourhood_expected"].mean()
        > score_detections(frame, narrow)["neighbourhood_expected"].mean()
    )


def test_dates_as_python_dates_work(baseline: Baseline) -> None:
    frame = pd.DataFrame({"lat": [49.0], "lon": [31.0], "acq_date": [date(2019, 6, 1)]})
    assert len(score_detections(frame, baseline)) == 1
