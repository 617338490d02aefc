"""Write the small FIRMS fixtures of the layouts not present in ../shared/data.

Column lists follow NASA's published FIRMS attribute fields (MODIS C6.1 and
VIIRS 375 m) and the headers of the download tool, area/country API and
global daily files; values are invented but realistic (Ukraine, August 2025).
Run from the repository root: ``.venv/bin/python tests/data/firms/make_fixtures.py``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import tempfile
import zipfile
from pathlib import Path

import pyarrow as pa
import pyogrio
import shapely

HERE = Path(__file__).parent
GOOD = HERE / "good"  # one file per layout, all valid
BAD = HERE / "bad"  # refused files and files with bad rows
BAD_FILES = {"bad_rows_viirs.csv", "not_firms.csv", "viirs_missing_columns.csv", "empty.csv"}

VIIRS = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_ti5,frp,daynight"
)
MODIS = (
    "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,instrument,"
    "confidence,version,bright_t31,frp,daynight"
)
VIIRS_GLOBAL = (
    "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,"
    "confidence,version,bright_ti5,frp,daynight"
)
MODIS_GLOBAL = (
    "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,"
    "confidence,version,bright_t31,frp,daynight"
)

README = """\
========================================================
README: NASA FIRMS MODIS or VIIRS Fire/Hotspot Data Download
========================================================
(Test fixture for truceline: a shortened stand-in for the Readme.txt that
NASA FIRMS ships inside every DL_FIRE_* download. FIRMS data are NASA open
data; see https://earthdata.nasa.gov/data/nrt-data/firms.)

-- fire_nrt_* = Near Real-Time (NRT) data processed by LANCE / FIRMS
-- fire_archive_* = standard quality data processed by the University of Maryland
"""

FILES: dict[str, str] = {
    # MODIS C6.1 NRT from the download tool (satellite T/A, confidence 0-100, HHMM sans zeros).
    "fire_nrt_M-C61_565101.csv": MODIS
    + """
48.5612,37.9931,318.4,1.2,1.1,2025-08-12,845,T,MODIS,62,6.1NRT,294.1,14.2,D
48.5709,37.9875,324.9,1.2,1.1,2025-08-12,845,T,MODIS,81,6.1NRT,295.3,22.8,D
47.1023,35.4410,309.2,1.5,1.2,2025-08-12,1054,A,MODIS,35,6.1NRT,291.8,7.4,D
47.0911,35.4526,305.0,1.5,1.2,2025-08-12,1054,A,MODIS,12,6.1NRT,290.2,4.1,D
49.8810,36.3102,301.7,1.0,1.0,2025-08-13,45,A,MODIS,48,6.1NRT,283.6,9.9,N
""",
    # MODIS C6.1 standard (archive): adds `type`, numeric version, Terra/Aqua spelled out.
    # The first two rows are the standard versions of the 08:45 Terra NRT rows above.
    "fire_archive_M-C61_565101.csv": MODIS
    + ",type"
    + """
48.5615,37.9929,318.6,1.2,1.1,2025-08-12,0845,Terra,MODIS,64,61.03,294.0,14.6,D,0
48.5707,37.9878,325.1,1.2,1.1,2025-08-12,0845,Terra,MODIS,83,61.03,295.4,23.1,D,0
46.6402,32.6120,331.8,2.1,1.4,2025-08-11,0932,Terra,MODIS,90,61.03,297.7,61.0,D,2
""",
    # VIIRS S-NPP standard (archive): numeric version, `type`, confidence l/n/h.
    "fire_archive_SV-C2_565102.csv": VIIRS
    + ",type"
    + """
48.01234,37.80121,336.52,0.41,0.45,2025-08-11,1036,N,VIIRS,n,2,291.40,6.20,D,0
48.01301,37.80512,367.00,0.41,0.45,2025-08-11,1036,N,VIIRS,h,2,296.10,18.90,D,0
47.51102,34.60210,301.20,0.52,0.50,2025-08-11,2348,N,VIIRS,l,2,279.30,1.10,N,2
""",
    # VIIRS NOAA-20 NRT from the download tool: satellite "1", acq_time with leading zeros.
    "fire_nrt_J1V-C2_565103.csv": VIIRS
    + """
48.31512,37.28201,329.41,0.39,0.36,2025-08-14,0012,1,VIIRS,n,2.0NRT,283.10,3.60,N
48.32005,37.29004,341.77,0.39,0.36,2025-08-14,0012,1,VIIRS,h,2.0NRT,285.90,9.80,N
50.45010,30.52330,305.60,0.44,0.38,2025-08-14,1101,1,VIIRS,l,2.0NRT,296.00,1.40,D
""",
    # VIIRS NOAA-21 from the country API: leading country_id.
    "VIIRS_NOAA21_NRT_UKR_2025-08-15.csv": "country_id,"
    + VIIRS
    + """
UKR,47.84210,38.41020,338.10,0.47,0.40,2025-08-15,1012,N21,VIIRS,n,2.0NRT,292.30,7.70,D
UKR,47.84655,38.41990,355.00,0.47,0.40,2025-08-15,1012,N21,VIIRS,h,2.0NRT,294.80,15.10,D
UKR,46.75120,33.39010,299.90,0.60,0.70,2025-08-15,2312,N21,VIIRS,l,2.0NRT,280.10,0.90,N
""",
    # Global daily NRT text files: no instrument column; MODIS with T/A codes.
    "MODIS_C6_1_Global_MCD14DL_NRT_2025224.txt": MODIS_GLOBAL
    + """
48.1201,37.7712,322.3,1.1,1.0,2025-08-12,0850,T,70,6.1NRT,293.2,17.5,D
46.9710,31.9901,310.8,1.3,1.1,2025-08-12,1050,A,54,6.1NRT,292.0,8.8,D
""",
    "SUOMI_VIIRS_C2_Global_VNP14IMGTDL_NRT_2025224.txt": VIIRS_GLOBAL
    + """
48.04121,37.75233,333.12,0.42,0.37,2025-08-12,1018,N,nominal,2.0NRT,290.33,5.52,D
48.04420,37.75810,351.86,0.42,0.37,2025-08-12,1018,N,high,2.0NRT,293.02,12.40,D
45.35110,28.84020,297.45,0.55,0.51,2025-08-12,2330,N,low,2.0NRT,276.90,0.81,N
""",
    # A global daily file whose day had no detection inside the clip: header only.
    "J2_VIIRS_C2_Global_VJ214IMGTDL_NRT_2025225.txt": VIIRS_GLOBAL + "\n",
    # The reduced form of ../shared/data/firms_history, with an ACQ_TIME column.
    "reduced_with_time.csv": """LATITUDE,LONGITUDE,ACQ_DATE,ACQ_TIME
48.97689,24.70940,2023-07-01,1112
47.86881,33.43182,2023-07-01,23:40
49.22010,28.41200,2023-07-02,0001
""",
    # Bad rows among good ones, blank lines included (line numbers are asserted in tests).
    "bad_rows_viirs.csv": VIIRS
    + """
48.20001,37.10001,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,5.00,N

48.20002,37.10002,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,5.00
abc,37.10003,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,5.00,N
95.5,37.10004,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,5.00,N
48.20005,37.10005,330.00,0.40,0.40,2025-02-30,0010,N20,VIIRS,n,2.0NRT,290.00,5.00,N
48.20006,37.10006,330.00,0.40,0.40,2025-08-16,2460,N20,VIIRS,n,2.0NRT,290.00,5.00,N
48.20007,37.10007,330.00,0.40,0.40,2025-08-16,0010,X9,VIIRS,n,2.0NRT,290.00,5.00,N
48.20008,37.10008,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,maybe,2.0NRT,290.00,5.00,N
48.20009,37.10009,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,n/a,N
,37.10010,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,5.00,N


48.20011,37.10011,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,n,2.0NRT,290.00,5.00,Q
48.20012,37.10012,330.00,0.40,0.40,2025-08-16,0010,N20,VIIRS,h,2.0NRT,290.00,5.00,N
""",
    "not_firms.csv": "CITY,LATITUDE,LONGITUDE,LAT_TXT_SHIFT,LON_TXT_SHIFT\n"
    "Kyiv,50.45,30.52,0.1,0.1\n",
    "viirs_missing_columns.csv": "latitude,longitude,bright_ti4,acq_date,frp,daynight\n"
    "48.1,37.1,330.1,2025-08-16,12.5,D\n",
    "empty.csv": "",
}

# DL_FIRE_SV-C2_565104.zip: NRT and standard members of the same S-NPP passes.
ZIP_CSV_MEMBERS = {
    "fire_nrt_SV-C2_565104.csv": VIIRS
    + """
48.01230,37.80125,336.40,0.41,0.45,2025-08-11,1036,N,VIIRS,n,2.0NRT,291.30,6.10,D
48.01299,37.80515,366.80,0.41,0.45,2025-08-11,1036,N,VIIRS,h,2.0NRT,296.00,18.70,D
49.60011,34.55020,318.20,0.39,0.36,2025-08-17,1124,N,VIIRS,n,2.0NRT,295.10,4.40,D
""",
    "fire_archive_SV-C2_565104.csv": VIIRS
    + ",type"
    + """
48.01234,37.80121,336.52,0.41,0.45,2025-08-11,1036,N,VIIRS,n,2,291.40,6.20,D,0
48.01301,37.80512,367.00,0.41,0.45,2025-08-11,1036,N,VIIRS,h,2,296.10,18.90,D,0
""",
}


def _shapefile_table() -> pa.Table:
    """MODIS standard rows as NASA's DBF holds them: upper case, date field, time as text."""
    lats, lons = [48.9021, 46.5117], [38.2213, 32.9906]
    return pa.table(
        {
            "LATITUDE": lats,
            "LONGITUDE": lons,
            "BRIGHTNESS": [321.5, 308.2],
            "SCAN": [1.1, 1.6],
            "TRACK": [1.0, 1.2],
            "ACQ_DATE": pa.array([dt.date(2025, 8, 18)] * 2, pa.date32()),
            "ACQ_TIME": ["0905", "1043"],
            "SATELLITE": ["Terra", "Aqua"],
            "INSTRUMENT": ["MODIS", "MODIS"],
            "CONFIDENCE": pa.array([77, 41], pa.int32()),
            "VERSION": ["6.1", "6.1"],
            "BRIGHT_T31": [296.3, 291.0],
            "FRP": [19.4, 6.6],
            "DAYNIGHT": ["D", "D"],
            "TYPE": pa.array([0, 0], pa.int32()),
            "geometry": shapely.to_wkb(shapely.points(lons, lats)),
        }
    )


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    fixed = (2025, 8, 20, 0, 0, 0)  # fixed timestamps: the zip's bytes (and SHA-256) are stable
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, fixed), data, zipfile.ZIP_DEFLATED)


def main() -> None:
    """Write every fixture under good/ and bad/ next to this script."""
    for folder in (GOOD, BAD):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    for name, text in FILES.items():
        folder = BAD if name in BAD_FILES else GOOD
        (folder / name).write_text(text, encoding="utf-8")
    gz = GOOD / "fire_nrt_J1V-C2_565103.csv.gz"
    gz.write_bytes(gzip.compress((GOOD / "fire_nrt_J1V-C2_565103.csv").read_bytes(), mtime=0))
    (BAD / "corrupt.csv.gz").write_bytes(gz.read_bytes()[:40])
    members = {n: t.encode() for n, t in ZIP_CSV_MEMBERS.items()}
    _write_zip(GOOD / "DL_FIRE_SV-C2_565104.zip", {**members, "Readme.txt": README.encode()})
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "fire_archive_M-C61_565105.shp"
        pyogrio.write_arrow(
            _shapefile_table(),
            shp,
            geometry_name="geometry",
            geometry_type="Point",
            crs="EPSG:4326",
            driver="ESRI Shapefile",
            layer_options={"ENCODING": "UTF-8"},
        )
        parts = {p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir())}
        _write_zip(GOOD / "DL_FIRE_M-C61_565105.zip", {**parts, "Readme.txt": README.encode()})
        out = GOOD / "shp"
        out.mkdir()
        for name, data in parts.items():
            (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
