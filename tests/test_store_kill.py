"""A real ingest process killed mid-way leaves the archive readable and never half-written.

Fast cases kill the process (SIGKILL, from inside, at chosen points) with a tiny
driver; the slow case starts ``python -m truceline.cli ingest`` on the whole of
firms_history and kills it from outside at several moments.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from truceline.store import Archive

GOOD = Path(__file__).parent / "data" / "firms" / "good"
FILES = [
    GOOD / "fire_nrt_M-C61_565101.csv",
    GOOD / "fire_archive_M-C61_565101.csv",
    GOOD / "DL_FIRE_SV-C2_565104.zip",
]

#: Driver: ingest FILES one by one, SIGKILL itself at a chosen point of the chosen file.
DRIVER = r"""
import os, signal, sys
from contextlib import contextmanager
import truceline.store.ingest as ingest
from truceline.store import Archive

point, target, root, *paths = sys.argv[1:]
calls = {"n": 0}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def on_target():
    calls["n"] += 1
    return calls["n"] == int(target)

real_copy, real_write, real_tx = ingest.atomic_copy, ingest.write_part, ingest.transaction

def copy(src, dst, **kw):
    real_copy(src, dst, **kw)
    if point == "after_raw" and on_target():
        die()

def write(rows, path, **kw):
    if point == "half_part" and on_target():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_name(path.name + ".tmp").write_bytes(b"PAR1 half a parquet file")
        die()
    real_write(rows, path, **kw)

@contextmanager
def tx(conn):
    with real_tx(conn) as c:
        yield c
        if point == "before_commit" and on_target():
            die()

ingest.atomic_copy, ingest.write_part, ingest.transaction = copy, write, tx
for p in paths:
    Archive(root).ingest([p])
"""


def check_consistent(root: Path) -> dict[str, int]:
    """The archive opens, lists only complete files, and its counts agree."""
    archive = Archive(root)
    info = archive.info()
    files = archive.files()
    parts = {}
    for path in sorted((root / "detections").rglob("*.parquet")):
        parts[path.relative_to(root).as_posix()] = pq.read_table(path).num_rows
    manifest = sqlite3.connect(root / "manifest.sqlite")
    listed = dict(manifest.execute("SELECT path, n_rows FROM parts").fetchall())
    by_sha = dict(manifest.execute("SELECT sha256, sum(n_rows) FROM parts GROUP BY sha256"))
    stored = dict(manifest.execute("SELECT sha256, sum(stored) FROM reads GROUP BY sha256"))
    manifest.close()
    for rel, n in listed.items():  # every listed part exists, whole
        assert parts[rel] == n
    for sha, n in stored.items():  # a file's rows are all there or the file is not listed
        assert by_sha.get(sha, 0) == n
    assert info["stored_rows"] == int(files["stored"].sum()) if len(files) else True
    assert archive.query().num_rows == info["visible_rows"]
    return {"visible": info["visible_rows"], "files": len(files)}


def clean_result(tmp_path: Path, paths: list[Path]) -> dict[str, int]:
    root = tmp_path / "clean"
    Archive(root).ingest(paths)
    return check_consistent(root)


@pytest.mark.parametrize(
    ("point", "target"),
    [("after_raw", 1), ("before_commit", 1), ("half_part", 3)],
)
def test_killed_ingest_leaves_nothing_half_written(tmp_path: Path, point: str, target: int) -> None:
    root = tmp_path / "killed"
    args = [sys.executable, "-c", DRIVER, point, str(target), str(root), *map(str, FILES)]
    done = subprocess.run(args, capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    state = check_consistent(root)
    assert state["files"] == {1: 0, 3: 2}[target]  # committed files only (3: the two CSVs)
    on_disk = list((root / "detections").rglob("*")) + list((root / "raw").rglob("*"))
    assert on_disk  # the kill did leave orphans behind...
    report = Archive(root).ingest(FILES)  # ...which the next ingest ignores and removes
    assert not list(root.rglob("*.tmp"))
    assert check_consistent(root) == clean_result(tmp_path, FILES)
    assert {f.status for f in report.files} <= {"ingested", "unchanged"}


def committed_files(root: Path) -> int:
    """Files the manifest lists, read while another process may be writing (WAL)."""
    path = root / "manifest.sqlite"
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            return conn.execute("SELECT count(DISTINCT sha256) FROM reads").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def kill_when(proc: subprocess.Popen[bytes], root: Path, committed: int) -> None:
    """SIGKILL ``proc`` as soon as ``committed`` files are in the manifest (0: at once)."""
    while committed and committed_files(root) < committed and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


@pytest.mark.slow
def test_killing_the_cli_on_the_whole_history(tmp_path: Path, shared_data: Path) -> None:
    source = shared_data / "firms_history"
    root = tmp_path / "history"
    cmd = [sys.executable, "-m", "truceline.cli", "ingest", str(source), "--archive", str(root)]
    for target in (0, 2, 8, 15):  # cumulative: a restarted ingest skips committed files
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when(proc, root, target)
        assert proc.returncode == -signal.SIGKILL  # killed mid-ingest, not finished
        if (root / "manifest.sqlite").exists():
            assert target <= check_consistent(root)["files"] < 21
    done = subprocess.run(cmd + ["--json"], capture_output=True, timeout=900)
    assert done.returncode == 0, done.stderr.decode()
    statuses = [f["status"] for f in json.loads(done.stdout)["files"]]
    assert statuses.count("unchanged") >= 15 and statuses.count("ingested") >= 1
    state = check_consistent(root)
    assert state["files"] == 21
    # 1,263,651 rows; 6,534 rows of 2022 repeat a detection (5 and 6 decimal copies)
    assert state["visible"] == 1_263_651 - 6_534
    shutil.rmtree(root)
