"""The ground truth of a simulation, written beside the FIRMS files.

``truth/`` holds plain CSV and one JSON manifest, all byte-reproducible:

* ``detections.csv``: one row per FIRMS row (``file``, 1-based ``line`` with the
  header on line 1, and the exact ``latitude,longitude,acq_date,acq_time,satellite``
  strings), with ``war_related``, the fire ``kind``, its ``event_id``, the pass,
  the distance of the reported position to the line and the fire's true place.
* ``events.csv``: injected events (kind, time span, anchor, WKT footprint,
  violation or not) with what the satellites could do about them: passes over
  the event while it burned, how many of those were clear, ``observed``
  (at least one clear pass), detections, first observable and first detected time.
* ``observations.csv``: every (event, pass) where the event burned in the swath.
* ``passes.csv``: every pass, its time span, clear share of the region and
  ground track (WKT); ``clouds.csv``: each cloud region's cover per day.
* ``manifest.json``: scenario, seed, counts and the SHA-256 of every file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import shapely
from numpy.typing import NDArray

from truceline.simulate.events import Event
from truceline.simulate.fires import KINDS, WAR_KINDS
from truceline.simulate.observe import Detections, EventLook, PassRecord
from truceline.simulate.writer import WrittenFile, text, write_csv_rows

__all__ = [
    "DETECTION_TRUTH_COLUMNS",
    "EVENT_COLUMNS",
    "TruthWriter",
    "iso_time",
]

DETECTION_TRUTH_COLUMNS = (
    "file",
    "line",
    "latitude",
    "longitude",
    "acq_date",
    "acq_time",
    "satellite",
    "satellite_name",
    "instrument",
    "war_related",
    "kind",
    "event_id",
    "pass_id",
    "line_distance_km",
    "fire_longitude",
    "fire_latitude",
)
EVENT_COLUMNS = (
    "event_id",
    "kind",
    "origin",
    "t_start",
    "t_end",
    "lon",
    "lat",
    "violation",
    "n_fires",
    "line_distance_km",
    "passes_over",
    "clear_passes",
    "observed",
    "n_detections",
    "first_observable",
    "first_detection",
    "footprint",
)
_PASS_COLUMNS = (
    "pass_id",
    "satellite",
    "instrument",
    "t_start",
    "t_end",
    "clear_fraction",
    "n_detections",
    "track",
)
_LOOK_COLUMNS = ("event_id", "pass_id", "satellite", "time", "clear", "n_detections")
_CLOUD_COLUMNS = ("date", "region", "cover")


def iso_time(seconds: float) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` of Unix seconds (empty for infinity)."""
    if not np.isfinite(seconds):
        return ""
    return datetime.fromtimestamp(round(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_digest(path: Path) -> dict[str, int | str]:
    """Size and SHA-256 of a file, read in 1 MiB chunks (truth files reach gigabytes)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"bytes": size, "sha256": digest.hexdigest()}


class TruthWriter:
    """Streams the truth tables day by day; :meth:`close` adds events and the manifest."""

    def __init__(self, folder: Path, events: list[Event]) -> None:
        self.folder = folder
        self.events = events
        n = len(events)
        self._passes_over = np.zeros(n, np.int64)
        self._clear = np.zeros(n, np.int64)
        self._detected = np.zeros(n, np.int64)
        self._first_clear = np.full(n, np.inf)
        self._first_detection = np.full(n, np.inf)
        self._war_rows = 0
        self._ids = np.array([e.event_id for e in events] or [""], dtype=object)
        self._handles: dict[str, IO[bytes]] = {}
        self._csv: dict[str, Any] = {}
        self._open("detections.csv", DETECTION_TRUTH_COLUMNS)
        for name, columns in (
            ("passes.csv", _PASS_COLUMNS),
            ("observations.csv", _LOOK_COLUMNS),
            ("clouds.csv", _CLOUD_COLUMNS),
        ):
            handle = (folder / name).open("w", encoding="utf-8", newline="")
            self._handles[name] = handle  # type: ignore[assignment]
            self._csv[name] = csv.writer(handle, lineterminator="\n")
            self._csv[name].writerow(columns)

    def _open(self, name: str, columns: tuple[str, ...]) -> None:
        handle = (self.folder / name).open("wb")
        handle.write((",".join(columns) + "\n").encode("ascii"))
        self._handles[name] = handle

    def add_detections(
        self, file: str, rows: Detections, firms: pa.Table, distance_km: NDArray[np.float64] | None
    ) -> None:
        """Label the rows just written to ``file`` (same order; data starts on line 2)."""
        n = len(rows)
        kinds = np.asarray(KINDS)[rows.kind]
        ids = np.where(rows.event >= 0, self._ids[np.maximum(rows.event, 0)], "")
        empty = np.full(n, "", dtype=object)
        distance = text(empty) if distance_km is None else text(np.round(distance_km, 3))
        table = pa.table(
            [
                text(np.full(n, file, dtype=object)),
                text(np.arange(2, n + 2)),
                firms["latitude"],
                firms["longitude"],
                firms["acq_date"],
                firms["acq_time"],
                firms["satellite"],
                text(rows.satellite),
                firms["instrument"],
                text(np.isin(kinds, list(WAR_KINDS))),
                text(kinds),
                text(ids),
                text(rows.pass_id),
                distance,
                text(np.round(rows.fire_lon, 5)),
                text(np.round(rows.fire_lat, 5)),
            ],
            names=list(DETECTION_TRUTH_COLUMNS),
        )
        write_csv_rows(table, self._handles["detections.csv"])
        war = rows.event >= 0
        self._war_rows += int(war.sum())
        np.add.at(self._detected, rows.event[war], 1)
        np.minimum.at(self._first_detection, rows.event[war], rows.t[war])

    def add_pass(self, record: PassRecord, looks: list[EventLook]) -> None:
        """Record one pass and the events it flew over."""
        track = "LINESTRING (" + ", ".join(f"{x:.3f} {y:.3f}" for x, y in record.track) + ")"
        self._csv["passes.csv"].writerow(
            [
                record.pass_id,
                record.satellite,
                record.instrument,
                iso_time(record.t_start),
                iso_time(record.t_end),
                f"{record.clear_fraction:.3f}",
                record.n_detections,
                track,
            ]
        )
        for look in looks:
            e = look.event
            self._passes_over[e] += 1
            self._clear[e] += look.clear
            if look.clear:
                self._first_clear[e] = min(self._first_clear[e], look.t)
            self._csv["observations.csv"].writerow(
                [
                    self.events[e].event_id,
                    look.pass_id,
                    look.satellite,
                    iso_time(look.t),
                    str(look.clear),
                    look.n_detections,
                ]
            )

    def add_clouds(self, day: str, regions: list[tuple[str, float]]) -> None:
        """Record each cloud region's cover on ``day``."""
        for region, cover in regions:
            self._csv["clouds.csv"].writerow([day, region, f"{cover:.3f}"])

    def _write_events(self) -> None:
        with (self.folder / "events.csv").open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(EVENT_COLUMNS)
            for i, ev in enumerate(self.events):
                out.writerow(
                    [
                        ev.event_id,
                        ev.kind,
                        ev.origin,
                        iso_time(ev.t_start),
                        iso_time(ev.t_end),
                        f"{ev.lon:.5f}",
                        f"{ev.lat:.5f}",
                        str(ev.violation),
                        ev.n_fires,
                        f"{ev.line_distance_km:.3f}",
                        int(self._passes_over[i]),
                        int(self._clear[i]),
                        str(bool(self._clear[i] > 0)),
                        int(self._detected[i]),
                        iso_time(self._first_clear[i]),
                        iso_time(self._first_detection[i]),
                        shapely.to_wkt(ev.footprint, rounding_precision=5),
                    ]
                )

    def close(self, manifest: dict[str, Any], firms_files: list[WrittenFile]) -> dict[str, Any]:
        """Write events.csv and manifest.json (with every file's SHA-256); return the manifest."""
        for handle in self._handles.values():
            handle.close()
        self._write_events()
        names = ("detections.csv", "events.csv", "observations.csv", "passes.csv", "clouds.csv")
        truth_files = {name: _file_digest(self.folder / name) for name in names}
        full = {
            **manifest,
            "war_detections": self._war_rows,
            "events": {
                "total": len(self.events),
                "observed": int((self._clear > 0).sum()),
                "detected": int((self._detected > 0).sum()),
            },
            "firms_files": [{**asdict(f), "day": f.day.isoformat()} for f in firms_files],
            "truth_files": truth_files,
        }
        payload = json.dumps(full, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (self.folder / "manifest.json").write_text(payload, encoding="utf-8")
        return full
