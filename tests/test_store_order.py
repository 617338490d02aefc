"""Property: the archive's visible content does not depend on ingest order or repetition."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from truceline.store import Archive

VIIRS = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight"
)
PASSES = ["1036", "1041", "2330"]  # two granules of one day pass, and a night pass

detections = st.tuples(
    st.integers(0, 5),  # position on a small grid (some shared by NRT and standard rows)
    st.integers(0, 5),
    st.sampled_from(["2025-08-11", "2025-08-12"]),
    st.sampled_from(PASSES),
    st.sampled_from(["NRT", "standard"]),
)


def line(det: tuple[int, int, str, str, str]) -> str:
    i, j, day, time, product = det
    lat, lon = 48.0 + 0.01 * i, 37.0 + 0.01 * j
    version = "2.0NRT" if product == "NRT" else "2"
    tail = ",0" if product == "standard" else ""
    night = "N" if time == "2330" else "D"
    return (
        f"{lat:.5f},{lon:.5f},330.0,0.4,0.4,{day},{time},N,VIIRS,n,{version},290.0,"
        f"{i + j}.5,{night}{tail}"
    )


@st.composite
def file_sets(draw: st.DrawFn) -> list[tuple[str, list[str]]]:
    pool = draw(st.lists(detections, min_size=1, max_size=10, unique=True))
    files = []
    for index in range(draw(st.integers(1, 4))):
        rows = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6))
        product = rows[0][4]
        rows = [r for r in rows if r[4] == product]  # one product level per file
        header = VIIRS + (",type" if product == "standard" else "")
        files.append((f"f{index}_{product}.csv", [header] + [line(r) for r in rows]))
    return files


def content(root: Path, order: list[int], paths: list[Path], *, twice: bool = False) -> list:
    archive = Archive(root)
    for i in order:
        archive.ingest([paths[i]])
    if twice:
        archive.ingest(paths)
    table = archive.query(columns=["id", "product", "lat", "lon", "acq_time", "frp", "daynight"])
    return sorted(tuple(r.values()) for r in table.to_pylist())


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=file_sets(), data=st.data())
def test_visible_content_is_independent_of_order(files, data) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        paths = []
        for name, lines in files:
            paths.append(base / name)
            paths[-1].write_text("\n".join(lines) + "\n")
        order = data.draw(st.permutations(range(len(paths))))
        reference = content(base / "a", list(range(len(paths))), paths)
        assert content(base / "b", list(order), paths, twice=True) == reference
        ids = [row[0] for row in reference]
        assert len(ids) == len(set(ids))  # visible ids are unique
