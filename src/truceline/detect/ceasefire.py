"""An agreement's start in detection scoring: which detections come after it, and from when.

After a ceasefire starts, the monitoring question is whether war activity resumed,
so a detection after the start is judged on the activity since the start only
(its windows reach back no further than the start's UTC day) and against a prior
lowered by the ceasefire (:func:`truceline.detect.probability.ceasefire_prior`).
Before the start nothing changes. ADR 0028.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["after_start", "start_day"]


def _utc(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def start_day(start: datetime) -> np.datetime64:
    """The UTC day holding the start (naive datetimes are taken as UTC): the first day
    the windows of detections after the start may count."""
    return np.datetime64(_utc(start).date(), "D")


def after_start(detections: pd.DataFrame, start: datetime | None) -> NDArray[np.bool_]:
    """Which detections are known to be at or after an agreement's start.

    With a known acquisition time (``acq_time`` where ``time_known``) the time
    decides; with a date alone the whole UTC day must lie after the start (a
    detection dated on a start day that begins at noon is not known to be after
    it, so it keeps the scoring of the war). Without a start, none is.
    """
    n = len(detections)
    if start is None or n == 0:
        return np.zeros(n, dtype=bool)
    moment = _utc(start)
    midnight = moment.floor("D")
    first_whole_day = start_day(start) + np.timedelta64(0 if moment == midnight else 1, "D")
    dates = pd.to_datetime(detections["acq_date"]).to_numpy().astype("datetime64[D]")
    result: NDArray[np.bool_] = dates >= first_whole_day
    if "acq_time" in detections.columns:
        times = pd.to_datetime(detections["acq_time"], utc=True)
        known = times.notna().to_numpy().copy()
        if "time_known" in detections.columns:
            known &= detections["time_known"].fillna(False).to_numpy(dtype=bool)
        result[known] = (times[known] >= moment).to_numpy()
    return result
