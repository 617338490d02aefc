"""One-file storage of a baseline: a compressed NumPy ``.npz`` archive.

The file holds the sufficient statistics (sparse sums of active cell-days,
detections and fire sites per cell and season day), the persistent-source
mask, the null tables of both statistics, the tail calibration maps and one
JSON document with the parameters, the fit years and the SHA-256 of the fit
data. Rates are re-derived on load (deterministically, in well under a
second), which keeps the file small: 0.9 MB for 2012-2021 over Ukraine. NumPy reads it with
``allow_pickle=False``, so loading a baseline from elsewhere runs no code
(see docs/decisions/0021-baseline-file-format.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from truceline.baseline.combine import Calibration, TailCombination
from truceline.baseline.model import Baseline, YearRecord
from truceline.baseline.null import NullTable
from truceline.baseline.params import BaselineParams
from truceline.baseline.rates import SeasonStats
from truceline.errors import BaselineError
from truceline.grid import GridBox

__all__ = ["CALIBRATION", "FORMAT", "load_baseline", "save_baseline"]

#: Format tag written into every file; bump when the layout changes. Version 2 adds the
#: burst statistic's null and the combination of the two tails (ADR 0026).
FORMAT = "truceline-baseline/2"

_OLDER = ("truceline-baseline/1",)

#: Version of the statistics the null tables were tabulated for, written into every file;
#: bump when scoring computes them differently, so an old null is never read against a new
#: statistic. 2: the regional scale counts a block on a day only if it has a detection in
#: that day's window (ADR 0081). Files without the key are 1 (the block coverage of the
#: whole input span).
CALIBRATION = 2


def save_baseline(baseline: Baseline, path: str | Path) -> Path:
    """Write ``baseline`` to ``path`` (``.npz`` is appended when missing)."""
    target = Path(path)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    meta: dict[str, Any] = {
        "format": FORMAT,
        "calibration": CALIBRATION,
        "params": baseline.params.to_dict(),
        "box": [
            baseline.box.size_deg,
            baseline.box.row0,
            baseline.box.col0,
            baseline.box.n_rows,
            baseline.box.n_cols,
        ],
        "years": [record.__dict__ for record in baseline.years],
        "sensor_mix": baseline.sensor_mix,
        "data_sha256": baseline.data_sha256,
        "source_sha256": list(baseline.source_sha256),
        "n_detections": baseline.n_detections,
        "created": baseline.created,
        "software": baseline.software,
        "extra": baseline.extra,
    }
    s, n, c = baseline.stats, baseline.null, baseline.combination
    burst: dict[str, Any] = {}
    if baseline.burst_null is not None:
        b = baseline.burst_null
        burst = {
            "burst_strata": b.strata,
            "burst_centres": b.centres,
            "burst_quantiles": b.quantiles,
            "burst_samples": b.samples,
        }
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        np.savez_compressed(
            handle,
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            cell=s.cell.astype(np.int32),
            day=s.day.astype(np.int16),
            active=s.active.astype(np.float32),
            detections=s.detections.astype(np.float32),
            sites=s.sites.astype(np.float32),
            coverage=s.coverage.astype(np.float32),
            cell_days=s.cell_days.astype(np.int32),
            persistent=baseline.persistent,
            null_levels=n.levels,
            null_window_days=n.strata,
            null_centres=n.centres,
            null_quantiles=n.quantiles,
            null_samples=n.samples,
            calibration_log10_tail=c.persistent.log10_tail,
            calibration_log10_calibrated=np.stack(
                [
                    c.persistent.log10_calibrated,
                    c.burst.log10_calibrated,
                    c.minimum.log10_calibrated,
                ]
            ),
            **burst,
        )
    return target


def _check_calibration(source: Path, meta: dict[str, Any]) -> None:
    """Refuse a null tabulated for other statistics than this truceline computes."""
    version = meta.get("calibration", 1)
    if version == CALIBRATION:
        return
    params = meta.get("params")
    if version == 1 and isinstance(params, dict) and params.get("regional_scale") is False:
        return  # version 2 changed the regional scale only, which this baseline does not use
    raise BaselineError(
        f"{source}: baseline calibration {version!r}, expected {CALIBRATION}: its null "
        "tables were tabulated for statistics this truceline no longer computes"
        + (
            " (calibration 1: the regional activity scale counted blocks over the whole "
            "input span, which made scores depend on later data; ADR 0081)"
            if version == 1
            else ""
        )
        + ", so its scores would be silently miscalibrated. Fit it again with "
        "`truceline baseline fit INPUT... --years ... --out FILE`"
    )


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline written by :func:`save_baseline`."""
    source = Path(path)
    if not source.is_file():
        raise BaselineError(f"{source}: no such baseline file")
    try:
        with np.load(source, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as error:
        raise BaselineError(f"{source}: not a truceline baseline ({error})") from error
    if meta.get("format") in _OLDER:
        raise BaselineError(
            f"{source}: baseline format {meta.get('format')!r} was written by an older truceline "
            f"and lacks the burst statistic's null; expected {FORMAT!r}. Fit it again with "
            "`truceline baseline fit INPUT... --years ... --out FILE`"
        )
    if meta.get("format") != FORMAT:
        raise BaselineError(
            f"{source}: baseline format {meta.get('format')!r}, expected {FORMAT!r}"
        )
    _check_calibration(source, meta)
    try:
        size, row0, col0, n_rows, n_cols = meta["box"]
        box = GridBox(float(size), int(row0), int(col0), int(n_rows), int(n_cols))
        stats = SeasonStats(
            (box.n_rows, box.n_cols),
            arrays["cell"].astype(np.int64),
            arrays["day"].astype(np.int64),
            arrays["active"].astype(np.float64),
            arrays["detections"].astype(np.float64),
            arrays["coverage"].astype(np.float64),
            arrays["cell_days"].astype(np.int64),
            arrays["sites"].astype(np.float64),
        )
        null = NullTable(
            arrays["null_levels"].astype(float),
            arrays["null_window_days"].astype(np.float64),
            arrays["null_centres"].astype(float),
            arrays["null_quantiles"].astype(float),
            arrays["null_samples"].astype(np.int64),
        )
        burst_null = None
        if "burst_quantiles" in arrays:
            burst_null = NullTable(
                arrays["null_levels"].astype(float),
                arrays["burst_strata"].astype(np.float64),
                arrays["burst_centres"].astype(float),
                arrays["burst_quantiles"].astype(float),
                arrays["burst_samples"].astype(np.int64),
            )
        grid = arrays["calibration_log10_tail"].astype(float)
        maps = arrays["calibration_log10_calibrated"].astype(float)
        combination = TailCombination(*(Calibration(grid, maps[i]) for i in range(3)))
        return Baseline(
            params=BaselineParams.from_dict(meta["params"]),
            box=box,
            stats=stats,
            persistent=arrays["persistent"].astype(bool),
            null=null,
            burst_null=burst_null,
            combination=combination,
            years=tuple(YearRecord(**record) for record in meta["years"]),
            sensor_mix=meta["sensor_mix"],
            data_sha256=meta["data_sha256"],
            source_sha256=tuple(meta["source_sha256"]),
            n_detections=int(meta["n_detections"]),
            created=meta["created"],
            software=meta["software"],
            extra=dict(meta.get("extra", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BaselineError(f"{source}: baseline file is incomplete ({error!r})") from error
