"""The peacetime baseline: expected fire activity per grid cell and day of the season.

Fit it on peacetime years (:func:`fit_baseline`), save it as one file
(:meth:`Baseline.save`) and load it back (:func:`load_baseline`). Besides the
smoothed, pooled rates it holds a mask of persistent heat sources and the
leave-one-year-out null distributions of the two statistics (31 days of
active cell-days, ADR 0020; one day of fire sites, ADR 0026) with the
calibration that combines them (ADR 0027), which :mod:`truceline.detect`
turns into probabilities. Method and measured
figures: docs/detection.md.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from truceline.baseline.combine import Calibration, TailCombination
from truceline.baseline.fit import detection_frame, distinct_values, fit_baseline
from truceline.baseline.model import Baseline, YearRecord
from truceline.baseline.null import NullTable
from truceline.baseline.params import BaselineParams
from truceline.baseline.sensors import sensor_mix
from truceline.baseline.storage import CALIBRATION, FORMAT, load_baseline, save_baseline

__all__ = [
    "CALIBRATION",
    "DEFAULT_BASELINE",
    "FORMAT",
    "Baseline",
    "BaselineParams",
    "Calibration",
    "NullTable",
    "TailCombination",
    "YearRecord",
    "detection_frame",
    "distinct_values",
    "fit_baseline",
    "load_baseline",
    "save_baseline",
    "sensor_mix",
]

#: The compact baseline shipped with the package (2012-2021 over Ukraine; see
#: ``truceline/data/baseline/README.md`` and ``scripts/build_demo_baseline.py``).
DEFAULT_BASELINE = Path(str(files("truceline").joinpath("data/baseline/ukraine_2012_2021.npz")))
