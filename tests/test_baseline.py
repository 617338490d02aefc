"""The peacetime baseline on small crafted histories with known answers."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from truceline.baseline import (
    CALIBRATION,
    Baseline,
    BaselineParams,
    fit_baseline,
    load_baseline,
    sensor_mix,
)
from truceline.baseline.activity import regional_scale
from truceline.baseline.statistic import CellDays
from truceline.errors import BaselineError
from truceline.grid import DAYS_PER_SEASON, day_of_season

YEARS = (2015, 2016, 2017, 2018)
FIELD = (30.05, 48.05)  # burns every 1 May
SOURCE = (31.45, 48.85)  # a steel works: hot on most days
QUIET = (30.55, 49.55)  # no history at all, busy neighbours
SHARP = BaselineParams(season_sigma_days=0.3, pool_strength=0.0, floor_rate=1e-6)


def _rows(lon: float, lat: float, days: list[date], per_day: int = 1) -> list[dict[str, object]]:
    return [{"lon": lon, "lat": lat, "acq_date": d} for d in days for _ in range(per_day)]


def _background(rng: np.random.Generator, year: int) -> list[dict[str, object]]:
    """A little scattered activity far from the crafted cells, the same level every year."""
    days = [date(year, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 365, 60)]
    lon = 32.0 + rng.random(60) * 0.8
    lat = 47.2 + rng.random(60) * 0.5
    return [{"lon": x, "lat": y, "acq_date": d} for x, y, d in zip(lon, lat, days, strict=True)]


def crafted_history(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for year in YEARS:
        rows += _rows(*FIELD, [date(year, 5, 1)])
        hot = [date(year, 1, 1) + timedelta(days=int(d)) for d in range(0, 365) if d % 5 < 3]
        rows += _rows(*SOURCE, hot, per_day=2)
        # A ring of busy cells around QUIET (one cell away), active every 12th day.
        for dx in (-0.1, 0.0, 0.1):
            for dy in (-0.1, 0.0, 0.1):
                if dx or dy:
                    days = [date(year, 1, 1) + timedelta(days=d) for d in range(0, 365, 12)]
                    rows += _rows(QUIET[0] + dx, QUIET[1] + dy, days)
        rows += _background(rng, year)
    frame = pd.DataFrame(rows)
    frame["acq_date"] = pd.to_datetime(frame["acq_date"])
    frame["satellite"] = "unknown"
    return frame


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return crafted_history()


@pytest.fixture(scope="module")
def sharp(history: pd.DataFrame) -> Baseline:
    return fit_baseline(history, years=YEARS, params=SHARP)


@pytest.fixture(scope="module")
def default(history: pd.DataFrame) -> Baseline:
    return fit_baseline(history, years=YEARS)


def _at(baseline: Baseline, lonlat: tuple[float, float]) -> tuple[int, int]:
    rows, cols, inside = baseline.box.local([lonlat[0]], [lonlat[1]])
    assert inside[0]
    return int(rows[0]), int(cols[0])


def _season(month: int, day: int) -> int:
    return int(day_of_season(np.array([f"2019-{month:02d}-{day:02d}"], "datetime64[D]"))[0])


def test_a_field_burning_every_first_of_may(sharp: Baseline) -> None:
    r, c = _at(sharp, FIELD)
    may1 = sharp.expected_detections[r, c, _season(5, 1)]
    june = sharp.expected_detections[r, c, _season(6, 1) : _season(7, 1)]
    assert may1 == pytest.approx(1.0, abs=0.02)  # one detection on that day every year
    assert june.max() < 1e-3
    assert sharp.expected_active[r, c, _season(5, 1)] == pytest.approx(1.0, abs=0.02)


def test_seasonal_smoothing_spreads_but_keeps_the_peak(default: Baseline) -> None:
    r, c = _at(default, FIELD)
    profile = default.expected_detections[r, c]
    assert abs(int(np.argmax(profile)) - _season(5, 1)) <= 1
    june = profile[_season(6, 1) : _season(7, 1)]
    assert june.max() < 0.02 * profile.max()
    # Smoothing spreads the yearly burn over neighbouring days without creating or
    # losing activity: what the cell keeps of its own history (N / (N + 3) with N = 4
    # burns) sums to one burn a year around 1 May.
    window = profile[_season(4, 1) : _season(6, 1)].sum()
    assert window == pytest.approx(4 / 7, rel=0.15)


def test_persistent_source_is_masked(default: Baseline) -> None:
    r, c = _at(default, SOURCE)
    assert default.persistent[r, c]
    assert not default.persistent[_at(default, FIELD)]
    sources = default.persistent_sources()
    assert len(sources) == 1
    assert sources[0]["lon"] == pytest.approx(SOURCE[0], abs=0.051)
    assert sources[0]["share"] == pytest.approx(0.6, abs=0.02)
    # A masked cell adds nothing to any neighbourhood expectation.
    fr, fc = _at(default, (SOURCE[0] + 0.1, SOURCE[1]))
    assert default.neighbourhood_expected[fr, fc].max() < 0.05


def test_pooling_fills_an_empty_cell_from_its_neighbours(default: Baseline) -> None:
    r, c = _at(default, QUIET)
    busy_r, busy_c = _at(default, (QUIET[0] + 0.1, QUIET[1]))
    quiet_rate = default.expected_active[r, c].mean()
    # The cell never burned, but 8 of the 25 cells of its pooling square burn on one
    # day in 12: it gets their mean (8/25 * 1/12), not zero.
    assert quiet_rate == pytest.approx(8 / 25 / 12, rel=0.15)
    # A busy cell keeps mostly its own rate (1/12): N = 124 active days outweighs 3.
    assert default.expected_active[busy_r, busy_c].mean() == pytest.approx(1 / 12, rel=0.1)


def test_empty_cells_are_not_impossible(default: Baseline) -> None:
    assert default.expected_active.min() >= default.params.floor_rate * 0.99


def test_year_scales_follow_activity() -> None:
    frame = crafted_history()
    year = frame["acq_date"].dt.year
    doubled = pd.concat([frame, frame[year == 2018].assign(lon=lambda f: f["lon"] + 0.3)])
    baseline = fit_baseline(doubled, years=YEARS)
    scales = {r.year: r.scale for r in baseline.years}
    assert scales[2018] > 1.5 * scales[2015]
    assert scales[2015] == pytest.approx(scales[2016], rel=0.05)


def test_save_and_load_round_trip(default: Baseline, tmp_path: Path) -> None:
    path = default.save(tmp_path / "b")
    assert path.name == "b.npz"
    loaded = load_baseline(path)
    assert loaded.summary() == default.summary()
    np.testing.assert_allclose(loaded.expected_active, default.expected_active, rtol=1e-6)
    np.testing.assert_allclose(loaded.null.quantiles, default.null.quantiles)
    assert loaded.burst_null is not None and default.burst_null is not None
    np.testing.assert_allclose(loaded.burst_null.quantiles, default.burst_null.quantiles)
    np.testing.assert_allclose(loaded.burst_null.strata, default.burst_null.strata)
    np.testing.assert_allclose(
        loaded.combination.minimum.log10_calibrated, default.combination.minimum.log10_calibrated
    )
    np.testing.assert_allclose(loaded.expected_sites, default.expected_sites, rtol=1e-6)
    assert loaded.persistent.tolist() == default.persistent.tolist()


def test_an_old_format_file_is_refused_with_a_clear_message(
    default: Baseline, tmp_path: Path
) -> None:
    """Format 1 files lack the burst null (ADR 0026): refused, naming the file and the fix."""
    path = default.save(tmp_path / "new.npz")
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    meta["format"] = "truceline-baseline/1"
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    old = tmp_path / "old.npz"
    np.savez_compressed(old, **arrays)
    with pytest.raises(BaselineError, match=r"old\.npz.*truceline-baseline/1.*older truceline"):
        load_baseline(old)


def _rewrite_meta(path: Path, target: Path, **changes: object) -> Path:
    """A copy of a baseline file with its JSON header changed (``None`` drops a key)."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(target, **arrays)
    return target


def test_a_null_of_the_old_activity_scale_is_refused(default: Baseline, tmp_path: Path) -> None:
    """Files written before ADR 0081 (no calibration key) hold nulls of the whole-span
    activity scale: loading one must fail loudly, not score silently miscalibrated."""
    path = default.save(tmp_path / "new.npz")
    assert json.loads(np.load(path)["meta"].tobytes())["calibration"] == CALIBRATION == 2
    old = _rewrite_meta(path, tmp_path / "old.npz", calibration=None)
    with pytest.raises(BaselineError, match=r"old\.npz.*calibration 1, expected 2.*ADR 0081.*fit"):
        load_baseline(old)
    newer = _rewrite_meta(path, tmp_path / "newer.npz", calibration=3)
    with pytest.raises(BaselineError, match=r"newer\.npz.*calibration 3, expected 2"):
        load_baseline(newer)


def test_an_old_baseline_without_the_regional_scale_still_loads(
    history: pd.DataFrame, tmp_path: Path
) -> None:
    """Calibration 2 changed the regional scale only; a baseline that does not use it
    computes the same statistics as before."""
    params = BaselineParams(regional_scale=False, null_window_days=(1, 31))
    path = fit_baseline(history, years=YEARS, params=params).save(tmp_path / "fixed.npz")
    old = _rewrite_meta(path, tmp_path / "old-fixed.npz", calibration=None)
    assert load_baseline(old).summary() == load_baseline(path).summary()


def test_a_block_counts_only_on_days_whose_window_has_a_detection() -> None:
    """Window-local coverage (ADR 0081): block A (active every other day) alone sets the
    scale until block B, which weighs three times as much, shows its first fire; B's fires
    change no earlier day."""
    expected = np.ones((1, 2, DAYS_PER_SEASON))  # expected active cell-days per day
    expected[0, 1] = 3.0
    days = 60
    a_days = np.arange(0, days, 2)  # A: active every other day, ratio about 0.5
    b_days = np.arange(40, days)  # B: busy from day 40 on
    row = np.zeros(len(a_days) + len(b_days), dtype=np.int64)
    col = np.r_[np.zeros(len(a_days)), np.ones(len(b_days))].astype(np.int64)
    active = CellDays(row, col, np.r_[a_days, b_days], days)
    season = np.arange(days, dtype=np.int64)
    excluded = np.zeros((1, 2), dtype=bool)

    def scale_of(cell_days: CellDays) -> np.ndarray:
        return regional_scale(
            cell_days, excluded, expected, season, block=1, pseudo=1.0, before=9, after=0
        )

    scale = scale_of(active)
    only_a = scale_of(CellDays(row[: len(a_days)], col[: len(a_days)], a_days, days))
    np.testing.assert_array_equal(scale[:40], only_a[:40])
    assert scale[5] == pytest.approx((3 + 1) / (6 + 1))  # days 0, 2, 4 of the six
    assert scale[45] == pytest.approx((6 + 1) / (30 + 1))  # B's ratio: days 40-45 of 36-45
    none = np.zeros(0, dtype=np.int64)
    assert (scale_of(CellDays(none, none, none, days)) == 1.0).all()


def test_data_hash_ignores_row_order_but_not_content(history: pd.DataFrame) -> None:
    params = BaselineParams(null_window_days=(1,))
    a = fit_baseline(history, years=YEARS, params=params)
    b = fit_baseline(history.sample(frac=1.0, random_state=3), years=YEARS, params=params)
    moved = history.copy()
    moved.loc[0, "lat"] += 0.01
    c = fit_baseline(moved, years=YEARS, params=params)
    assert a.data_sha256 == b.data_sha256
    assert a.data_sha256 != c.data_sha256
    assert len(a.data_sha256) == 64


def test_only_fit_years_are_used(history: pd.DataFrame) -> None:
    extra = history.assign(acq_date=history["acq_date"] + pd.DateOffset(years=10))
    both = pd.concat([history, extra])
    a = fit_baseline(history, years=YEARS, params=BaselineParams(null_window_days=(1,)))
    b = fit_baseline(both, years=YEARS, params=BaselineParams(null_window_days=(1,)))
    assert a.data_sha256 == b.data_sha256


def test_missing_years_warn(history: pd.DataFrame) -> None:
    with pytest.warns(UserWarning, match=r"no detections for fit years \[2014\]"):
        fit_baseline(history, years=[2014, *YEARS], params=BaselineParams(null_window_days=(1,)))


def test_one_year_is_not_enough(history: pd.DataFrame) -> None:
    with pytest.raises(BaselineError, match=r"at least two of the fit years \[2015\]"):
        fit_baseline(history, years=[2015])


def test_missing_columns_are_named() -> None:
    with pytest.raises(BaselineError, match=r"\['acq_date'\]"):
        fit_baseline(pd.DataFrame({"lat": [48.0], "lon": [30.0]}), years=YEARS)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("floor_rate", 0.0),
        ("persistent_share", 1.5),
        ("rings", -1),
        ("null_levels", (0.9, 0.5)),
        ("burst_site_deg", 0.03),
        ("burst_strata", 0),
        ("burst_quiet_days", 0),
    ],
)
def test_bad_parameters_are_named(field: str, value: object) -> None:
    with pytest.raises(BaselineError, match=field):
        BaselineParams(**{field: value})  # type: ignore[arg-type]


def test_loading_something_else_fails_with_the_file_name(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-baseline.npz"
    bogus.write_bytes(b"hello")
    with pytest.raises(BaselineError, match="not-a-baseline.npz"):
        load_baseline(bogus)
    with pytest.raises(BaselineError, match="no such baseline file"):
        load_baseline(tmp_path / "missing.npz")


def test_params_round_trip_through_json_form() -> None:
    params = BaselineParams(rings=2, null_window_days=(1, 8, 31))
    assert BaselineParams.from_dict(params.to_dict()) == params
    with pytest.raises(BaselineError, match="unknown baseline parameters"):
        BaselineParams.from_dict({"grid": 1})


@pytest.mark.parametrize(
    ("satellites", "label"),
    [
        (["NOAA-20"], "viirs-single"),
        (["NOAA-20", "S-NPP"], "viirs-multi"),
        (["Terra", "Aqua"], "modis"),
        (["NOAA-20", "Aqua"], "mixed"),
        (["unknown"], "unknown"),
        (["NOAA-20", None], "unknown"),
    ],
)
def test_sensor_mix_labels(satellites: list[str | None], label: str) -> None:
    assert sensor_mix(satellites) == label
