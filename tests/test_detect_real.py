"""Real-data quality bars (slow): peacetime false alarms and the war-year rise.

Fit on the peacetime years 2012-2020 of ../shared/data/firms_history, score
2021 (held out of the fit): the share flagged war-related is the false-alarm
rate; the bar is 5 % for the year and for every month, and the published bars
(docs/detection.md) are 1 % a month with and without the 2023 line and at least
80 % of 2023's flags with the line within 25 km of the front.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from truceline.baseline import Baseline, fit_baseline
from truceline.detect import score_detections
from truceline.sensors.firms import load_detections

pytestmark = pytest.mark.slow

FIT_YEARS = (2012, 2013, 2016, 2018, 2019, 2020)
BAR = 0.05


def _year(shared: Path, year: int) -> pd.DataFrame:
    path = shared / "firms_history" / f"ukr_fire_data_{year}.csv.gz"
    return load_detections([path]).to_pandas()


@pytest.fixture(scope="module")
def baseline(shared_data: Path) -> Baseline:
    files = [shared_data / "firms_history" / f"ukr_fire_data_{y}.csv.gz" for y in FIT_YEARS]
    return fit_baseline(load_detections(files), years=range(2012, 2021))


def test_2021_false_alarms_stay_under_the_bar(baseline: Baseline, shared_data: Path) -> None:
    frame = _year(shared_data, 2021)
    context = _year(shared_data, 2020)
    context = context[pd.to_datetime(context["acq_date"]) >= pd.Timestamp("2020-12-01")]
    scored = score_detections(frame, baseline, context=context)
    month = pd.to_datetime(scored["acq_date"]).dt.month
    by_month = scored.groupby(month)["war_related"].mean()
    assert scored["war_related"].mean() < BAR
    assert (by_month < BAR).all(), by_month.to_dict()
    assert scored["war_probability"].between(0, 1).all()


def test_2022_flags_rise_after_the_invasion(baseline: Baseline, shared_data: Path) -> None:
    scored = score_detections(_year(shared_data, 2022), baseline)
    dates = pd.to_datetime(scored["acq_date"]).to_numpy()
    flag = scored["war_related"].to_numpy()
    before = flag[dates < np.datetime64("2022-02-24")].mean()
    after = flag[dates >= np.datetime64("2022-02-24")].mean()
    assert before < 0.01
    assert after > 10 * max(before, 0.001)


def test_a_ceasefire_that_holds_leaves_no_false_alarm_behind_the_war(
    baseline: Baseline, shared_data: Path
) -> None:
    """ADR 0028 on real data: August 2023 (the war), a ceasefire from 1 September under
    the March-2023 line, then September 2021's peacetime fires re-dated to 2023. Every
    flag is false: judged since the start, none; judged as during the war, the war's
    31 days flag over 1 % of them."""
    import warnings
    from datetime import UTC, datetime

    from truceline.agreement import build_agreement
    from truceline.detect import DetectParams

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agreement = build_agreement(
            shared_data / "frontline" / "rus_control_2023" / "rus_control_2023.shp",
            start=datetime(2023, 9, 1, tzinfo=UTC),
        )
    war = _year(shared_data, 2023)
    days = pd.to_datetime(war["acq_date"])
    august = war[(days >= "2023-08-01") & (days < "2023-09-01")]
    peace = _year(shared_data, 2021)
    days = pd.to_datetime(peace["acq_date"])
    peace = peace[(days >= "2021-09-01") & (days < "2021-10-01")].copy()
    peace["acq_date"] = (pd.to_datetime(peace["acq_date"]) + pd.DateOffset(years=2)).dt.date
    aware = score_detections(peace, baseline, agreement, context=august)
    assert aware["after_start"].all() and not aware["war_related"].any()
    as_war = DetectParams(start_aware=False, after_start_odds=1.0)
    blind = score_detections(peace, baseline, agreement, as_war, context=august)
    assert blind["war_related"].mean() > 0.01


def _with_context(shared: Path, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A year and the 31 days before it, as the published tables score it."""
    before = _year(shared, year - 1)
    first = pd.Timestamp(f"{year}-01-01") - pd.Timedelta(days=31)
    return _year(shared, year), before[pd.to_datetime(before["acq_date"]) >= first]


def test_the_published_bars_hold_with_the_2023_line(baseline: Baseline, shared_data: Path) -> None:
    """The bars of docs/detection.md: 2021 (held out) under 1 % flagged in every month on
    the baseline alone and with the March-2023 line as prior; 2023 with the line: at least
    80 % of the flags within 25 km of the occupied area's edge (83.6 % measured)."""
    import warnings

    import geopandas as gpd
    import shapely

    from truceline.agreement import build_agreement
    from truceline.geo import project, to_local

    shapefile = shared_data / "frontline" / "rus_control_2023" / "rus_control_2023.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agreement = build_agreement(shapefile)
    frame, context = _with_context(shared_data, 2021)
    for agr in (None, agreement):
        scored = score_detections(frame, baseline, agr, context=context)
        month = pd.to_datetime(scored["acq_date"]).dt.month
        by_month = scored.groupby(month)["war_related"].mean()
        assert (by_month <= 0.01).all(), (agr is not None, by_month.to_dict())
    frame, context = _with_context(shared_data, 2023)
    scored = score_detections(frame, baseline, agreement, context=context)
    flagged = scored[scored["war_related"]]
    area = gpd.read_file(shapefile).to_crs(4326).geometry.values
    edge = to_local(shapely.make_valid(shapely.union_all(area))).boundary
    x, y = project(flagged["lon"].to_numpy(), flagged["lat"].to_numpy())
    near = shapely.distance(shapely.points(x, y), edge) <= 25_000.0
    assert len(flagged) > 10_000 and near.mean() >= 0.80, (len(flagged), near.mean())
