"""The detection id is stable however a detection is written, and separates passes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from truceline.sensors import detection_id, read_firms
from truceline.sensors.firms_ids import detection_ids

HEADER = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight"
)

lats = st.floats(-90, 90, allow_nan=False).map(lambda v: round(v, 5))
lons = st.floats(-180, 180, allow_nan=False).map(lambda v: round(v, 5))
days = st.dates(date(2000, 11, 1), date(2030, 12, 31))
minutes = st.integers(0, 24 * 60 - 1)


def row(lat: str, lon: str, day: date, time: str, satellite: str = "N20") -> str:
    return f"{lat},{lon},330.0,0.4,0.4,{day},{time},{satellite},VIIRS,n,2.0NRT,290.0,5.0,D"


@settings(max_examples=60, deadline=None)
@given(lat=lats, lon=lons, day=days, minute=minutes)
@example(lat=-0.000004, lon=0.0, day=date(2025, 8, 11), minute=45)  # -0.00000 == 0.00000
@example(lat=48.2, lon=37.1, day=date(2025, 8, 11), minute=5)  # 48.2 == 48.20000, 5 == 0005
def test_id_does_not_depend_on_how_values_are_written(
    tmp_path_factory, lat: float, lon: float, day: date, minute: int
) -> None:
    hh, mm = divmod(minute, 60)
    forms = [
        row(repr(lat), repr(lon), day, f"{hh * 100 + mm}", "N20"),
        row(f"{lat:.5f}", f"{lon:.5f}", day, f"{hh:02d}{mm:02d}", "NOAA-20"),
        row(f"{lat:.7f}", f"{lon:.7f}", day, f"{hh:02d}:{mm:02d}:00", "1"),
    ]
    path = Path(tmp_path_factory.mktemp("ids")) / "forms.csv"
    path.write_text(HEADER + "\n" + "\n".join(forms) + "\n")
    (read,) = read_firms(path)
    ids = read.table["id"].to_pylist()
    when = datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC)
    assert ids == [detection_id("NOAA-20", when, lat, lon)] * 3
    assert len(ids[0]) == 16 and int(ids[0], 16) >= 0


@settings(max_examples=100, deadline=None)
@given(lat=lats, lon=lons, day=days, minute=minutes)
def test_id_separates_satellites_passes_and_places(lat, lon, day, minute) -> None:
    when = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute)
    base = detection_id("NOAA-20", when, lat, lon)
    assert base == detection_id("NOAA-20", when.replace(tzinfo=None), lat, lon)  # naive = UTC
    assert base != detection_id("S-NPP", when, lat, lon)
    assert base != detection_id("NOAA-20", when + timedelta(minutes=1), lat, lon)
    assert base != detection_id("NOAA-20", when, lat + 0.0001 if lat < 89 else lat - 0.0001, lon)
    assert base != detection_id("NOAA-20", day, lat, lon)  # date-only is a different key


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(lats, lons, days, st.one_of(st.none(), minutes)), max_size=20))
def test_vectorised_ids_match_the_scalar_definition(rows) -> None:
    sats = pa.array(["Aqua"] * len(rows))
    dates = pa.array([r[2] for r in rows], pa.date32())
    times = pa.array(
        [
            None
            if r[3] is None
            else datetime(r[2].year, r[2].month, r[2].day, tzinfo=UTC) + timedelta(minutes=r[3])
            for r in rows
        ],
        pa.timestamp("s", tz="UTC"),
    )
    got = detection_ids(
        sats, dates, times, np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
    ).to_pylist()
    want = [
        detection_id("Aqua", r[2] if t is None else t, r[0], r[1])
        for r, t in zip(rows, times.to_pylist(), strict=True)
    ]
    assert got == want
